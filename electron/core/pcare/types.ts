/** Response and request shapes (docs/pcare.md#endpoints, #antrean-fktp). Dates are dd-MM-yyyy for PCare, yyyy-MM-dd for Antrean. */
import type { KdTkp } from '../../contract'

export interface PcareList<T> {
  count: number
  list: T[]
}

interface KodeNama {
  kode: string | null
  nama: string | null
}

interface ProviderRef {
  kdProvider: string | null
  nmProvider: string | null
}

export interface Peserta {
  noKartu: string
  nama: string
  hubunganKeluarga: string
  sex: 'L' | 'P'
  tglLahir: string
  tglMulaiAktif: string
  tglAkhirBerlaku: string
  kdProviderPst: ProviderRef
  kdProviderGigi: ProviderRef
  jnsKelas: KodeNama
  jnsPeserta: KodeNama
  golDarah: string
  noHP: string
  noKTP: string
  pstProl: string
  pstPrb: string
  aktif: boolean
  ketAktif: string
  asuransi: { kdAsuransi: string | null; nmAsuransi: string | null; noAsuransi: string | null; cob: boolean }
  tunggakan: number
}

export interface Diagnosa {
  kdDiag: string
  nmDiag: string
  nonSpesialis: boolean
}
export interface Dokter {
  kdDokter: string
  nmDokter: string
}
export interface Poli {
  kdPoli: string
  nmPoli: string
  poliSakit: boolean
}
export interface Kesadaran {
  kdSadar: string
  nmSadar: string
}
export interface StatusPulang {
  kdStatusPulang: string
  nmStatusPulang: string
}
export interface Provider {
  kdProvider: string
  nmProvider: string
}
export interface Spesialis {
  kdSpesialis: string
  nmSpesialis: string
}
export interface SubSpesialis {
  kdSubSpesialis: string
  nmSubSpesialis: string
  kdPoliRujuk: string | null
}
export interface Sarana {
  kdSarana: string
  nmSarana: string
}
export interface Khusus {
  kdKhusus: string
  nmKhusus: string
}
/** `alergi/jenis/{01|02|03}`: 01 makanan, 02 udara, 03 obat (docs/pcare.md#reference-lists). */
export type JenisAlergi = '01' | '02' | '03'
export interface Alergi {
  kdAlergi: string
  nmAlergi: string
}
export interface Prognosa {
  kdPrognosa: string
  nmPrognosa: string
}
export interface FaskesRujukan {
  kdppk: string
  nmppk: string
  alamatPpk: string
  telpPpk: string
  kelas: string
  nmkc: string
  distance: number
  jadwal: string
  jmlRujuk: number
  kapasitas: number
  persentase: number
}
export interface ObatDpho {
  kdObat: string
  nmObat: string
  sedia: number
}
export interface TindakanRef {
  kdTindakan: string
  nmTindakan: string
  maxTarif: number
  /**
   * The procedure has a result value to send as `hasil` (e.g. a blood sugar test). Seen in mLITE's sample list and the
   * TypeScript client's ReferensiTindakanType (docs/pcare.md#reference-lists); absent on older answers, so optional.
   */
  withValue?: boolean
}

// Declared in the contract (the page picks a TKP too); re-exported beside the PCare shapes that carry it.
export type { KdTkp }

/** Vital signs as PCare carries them on pendaftaran and kunjungan alike. */
interface PcareVitals {
  sistole: number
  diastole: number
  beratBadan: number
  tinggiBadan: number
  respRate: number
  heartRate: number
}

export interface PendaftaranInput extends PcareVitals {
  kdProviderPeserta: string
  tglDaftar: string
  noKartu: string
  kdPoli: string
  keluhan: string
  kunjSakit: boolean
  lingkarPerut: number
  rujukBalik: number
  kdTkp: KdTkp
}

export interface Pendaftaran extends PcareVitals {
  noUrut: string
  tgldaftar: string
  providerPelayanan: ProviderRef
  peserta: Pick<Peserta, 'noKartu' | 'nama' | 'sex' | 'tglLahir'>
  poli: Poli
  keluhan: string
  status: string
  tkp: { kdTkp: string; nmTkp: string }
}

export interface RujukLanjut {
  tglEstRujuk: string
  kdppk: string
  subSpesialis: { kdSubSpesialis1: string; kdSarana: string | number | null } | null
  khusus: { kdKhusus: string; kdSubSpesialis: string | null; catatan: string } | null
}

export interface KunjunganInput extends PcareVitals {
  noKunjungan: string | null
  noKartu: string
  tglDaftar: string
  kdPoli: string
  keluhan: string
  kdSadar: string
  lingkarPerut: number
  kdStatusPulang: string
  tglPulang: string
  kdDokter: string
  kdDiag1: string
  kdDiag2: string | null
  kdDiag3: string | null
  kdPoliRujukInternal: string | null
  rujukLanjut?: RujukLanjut | null
  kdTacc: number
  alasanTacc: string | null
  anamnesa: string
  alergiMakan: string
  alergiUdara: string
  alergiObat: string
  kdPrognosa: string
  terapiObat: string
  terapiNonObat: string
  bmhp: string
  suhu: string
}

export interface RiwayatKunjungan {
  noKunjungan: string
  tglKunjungan: string
  providerPelayanan: ProviderRef
  peserta: { noKartu: string; nama: string } & Record<string, unknown>
  poli: { kdPoli: string; nmPoli: string }
  keluhan: string
  diagnosa1: { kdDiag: string; nmDiag: string } | null
  diagnosa2: { kdDiag: string; nmDiag: string } | null
  diagnosa3: { kdDiag: string; nmDiag: string } | null
  kesadaran: { kdSadar: string; nmSadar: string } | null
  dokter: { kdDokter: string; nmDokter: string } | null
  statusPulang: { kdStatusPulang: string; nmStatusPulang: string } | null
  tglPulang: string
  [field: string]: unknown
}

export interface Rujukan {
  noRujukan: string
  ppk: { kdPPK: string; nmPPK: string; alamat: string; kc: Record<string, unknown> | null }
  tglKunjungan: string
  poli: { kdPoli: string; nmPoli: string }
  nokaPst: string
  nmPst: string
  tglLahir: string
  pisa: string
  ketPisa: string
  sex: string
  diag1: { kdDiag: string; nmDiag: string }
  diag2: { kdDiag: string; nmDiag: string } | null
  diag3: { kdDiag: string; nmDiag: string } | null
  catatan: string
  dokter: { kdDokter: string; nmDokter: string }
  tacc: { nmTacc: string; alasanTacc: string } | null
  infoDenda: string | null
}

export interface TindakanInput {
  kdTindakanSK: number
  noKunjungan: string
  kdTindakan: string
  biaya: number
  keterangan: string | null
  hasil: number
}

export interface ObatInput {
  kdObatSK: number
  noKunjungan: string
  racikan: boolean
  kdRacikan: string | null
  obatDPHO: boolean
  kdObat: string
  signa1: number
  signa2: number
  jmlObat: number
  jmlPermintaan: number
  nmObatNonDPHO: string
}

export interface TindakanKunjungan {
  kdTindakanSK: number
  kdTindakan: string
  nmTindakan: string
  biaya: number
  keterangan: string | null
  hasil: number
}

/**
 * An item of `GET obat/kunjungan/{noKunjungan}`. The drug comes nested as `obat` (ML's template reads `obat.kdObat`,
 * TD types `obat: {kdObat, nmObat, sedia}`) or flat (`kdObat`, `nmObat`); read it with `obatOf` in client.ts.
 */
export interface ObatKunjungan {
  kdObatSK: number
  obat?: { kdObat: string; nmObat: string; sedia?: number } | null
  kdObat?: string
  nmObat?: string
  signa1: number
  signa2: number
  jmlObat: number
  racikan: boolean
  kdRacikan: string | null
}

/* Antrean FKTP */
export interface AntreanPoli {
  kodepoli: string
  namapoli: string
  kdsubspesialis: string | null
  nmsubspesialis: string | null
}
export interface AntreanDokter {
  kodedokter: number
  namadokter: string
  jampraktek: string
  kapasitas: number
}
export interface AntreanAddInput {
  nomorkartu: string
  nik: string
  nohp: string
  kodepoli: string
  namapoli: string
  norm: string
  tanggalperiksa: string
  kodedokter: number
  namadokter: string
  jampraktek: string
  nomorantrean: string
  angkaantrean: number
  keterangan: string
}
export interface AntreanPanggilInput {
  tanggalperiksa: string
  kodepoli: string
  nomorkartu: string
  /** 1 hadir, 2 tidak hadir. */
  status: 1 | 2
  /** Epoch milliseconds. */
  waktu: number
}
export interface AntreanBatalInput {
  tanggalperiksa: string
  kodepoli: string
  nomorkartu: string
  alasan: string
}
