import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type * as T from '../../electron/core/pcare/types'
import { COMMON_DIAGNOSA } from './icd10'

/** The simulated faskes: its PPK code prefixes every noKunjungan, as on the real service. */
export const SIM_PROVIDER = { kdProvider: '0199B001', nmProvider: 'PUSKESMAS CONTOH' }

export const POLI: T.Poli[] = [
  { kdPoli: '001', nmPoli: 'UMUM', poliSakit: true },
  { kdPoli: '002', nmPoli: 'GIGI & MULUT', poliSakit: true },
  { kdPoli: '003', nmPoli: 'KIA', poliSakit: true },
  { kdPoli: '008', nmPoli: 'KB', poliSakit: false },
  { kdPoli: '020', nmPoli: 'IMUNISASI', poliSakit: false },
  { kdPoli: '021', nmPoli: 'KONSELING', poliSakit: false },
  { kdPoli: '013', nmPoli: 'LABORATORIUM', poliSakit: true },
]

export const DOKTER: T.Dokter[] = [
  { kdDokter: '131491', nmDokter: 'dr. Contoh Satu' },
  { kdDokter: '131492', nmDokter: 'dr. Contoh Dua' },
  { kdDokter: '131493', nmDokter: 'drg. Contoh Tiga' },
  { kdDokter: '131494', nmDokter: 'Bidan Contoh Empat, A.Md.Keb' },
]

export const KESADARAN: T.Kesadaran[] = [
  { kdSadar: '01', nmSadar: 'Compos mentis' },
  { kdSadar: '02', nmSadar: 'Somnolence' },
  { kdSadar: '03', nmSadar: 'Sopor' },
  { kdSadar: '04', nmSadar: 'Coma' },
]

export const STATUS_PULANG: Record<'true' | 'false', T.StatusPulang[]> = {
  false: [
    { kdStatusPulang: '3', nmStatusPulang: 'Berobat Jalan' },
    { kdStatusPulang: '4', nmStatusPulang: 'Rujuk Vertikal' },
    { kdStatusPulang: '6', nmStatusPulang: 'Rujuk Horizontal' },
    { kdStatusPulang: '9', nmStatusPulang: 'Lain-lain' },
  ],
  true: [
    { kdStatusPulang: '0', nmStatusPulang: 'Sembuh' },
    { kdStatusPulang: '1', nmStatusPulang: 'Meninggal' },
    { kdStatusPulang: '2', nmStatusPulang: 'Pulang Paksa' },
    { kdStatusPulang: '4', nmStatusPulang: 'Rujuk Vertikal' },
    { kdStatusPulang: '9', nmStatusPulang: 'Lain-lain' },
  ],
}

export const PROVIDER: T.Provider[] = [
  SIM_PROVIDER,
  { kdProvider: '0199U002', nmProvider: 'KLINIK PRATAMA CONTOH SEHAT' },
  { kdProvider: '0199G003', nmProvider: 'DRG. CONTOH PRAKTIK MANDIRI' },
  { kdProvider: '0199D004', nmProvider: 'DR. CONTOH PRAKTIK MANDIRI' },
  { kdProvider: '0199B005', nmProvider: 'PUSKESMAS CONTOH BARAT' },
]

export const SPESIALIS: T.Spesialis[] = [
  { kdSpesialis: 'ANA', nmSpesialis: 'ANAK' },
  { kdSpesialis: 'INT', nmSpesialis: 'PENYAKIT DALAM' },
  { kdSpesialis: 'OBG', nmSpesialis: 'OBSTETRI & GINEKOLOGI' },
  { kdSpesialis: 'MAT', nmSpesialis: 'MATA' },
]

export const SUBSPESIALIS: Record<string, T.SubSpesialis[]> = {
  ANA: [{ kdSubSpesialis: '3', nmSubSpesialis: 'ANAK', kdPoliRujuk: 'ANA' }],
  INT: [
    { kdSubSpesialis: '26', nmSubSpesialis: 'PENYAKIT DALAM', kdPoliRujuk: 'INT' },
    { kdSubSpesialis: '27', nmSubSpesialis: 'GINJAL HIPERTENSI', kdPoliRujuk: 'INT' },
  ],
  OBG: [{ kdSubSpesialis: '8', nmSubSpesialis: 'OBGYN', kdPoliRujuk: 'OBG' }],
  MAT: [{ kdSubSpesialis: '19', nmSubSpesialis: 'MATA', kdPoliRujuk: 'MAT' }],
}

export const SARANA: T.Sarana[] = [
  { kdSarana: '1', nmSarana: 'REKAM MEDIK' },
  { kdSarana: '2', nmSarana: 'LABORATORIUM' },
]

export const KHUSUS: T.Khusus[] = [
  { kdKhusus: 'IGD', nmKhusus: 'IGD' },
  { kdKhusus: 'HDL', nmKhusus: 'HEMODIALISA' },
  { kdKhusus: 'THA', nmKhusus: 'THALASEMIA' },
  { kdKhusus: 'HEM', nmKhusus: 'HEMOFILI' },
]
/** Khusus referrals whose hospital lookup names a sub-spesialis as well. */
export const KHUSUS_WITH_SUBSPESIALIS = ['THA', 'HEM']

export const FASKES_RUJUKAN: T.FaskesRujukan[] = [
  {
    kdppk: '0199R001', nmppk: 'RSU CONTOH', alamatPpk: 'JL. CONTOH NO. 1', telpPpk: '0000-000001', kelas: 'C',
    nmkc: 'CONTOH', distance: 2400, jadwal: '08:00 - 14:00', jmlRujuk: 12, kapasitas: 40, persentase: 30,
  },
  {
    kdppk: '0199R002', nmppk: 'RS CONTOH SEJAHTERA', alamatPpk: 'JL. CONTOH NO. 2', telpPpk: '0000-000002', kelas: 'D',
    nmkc: 'CONTOH', distance: 6100, jadwal: '08:00 - 12:00', jmlRujuk: 5, kapasitas: 20, persentase: 25,
  },
  {
    kdppk: '0199R003', nmppk: 'RSIA CONTOH BUNDA', alamatPpk: 'JL. CONTOH NO. 3', telpPpk: '0000-000003', kelas: 'C',
    nmkc: 'CONTOH', distance: 3900, jadwal: '07:30 - 13:00', jmlRujuk: 18, kapasitas: 30, persentase: 60,
  },
]

/**
 * Which sub-spesialis each hospital takes (the real answer depends on the hospitals' schedules): the general
 * hospital takes every one, the mother-and-child hospital only ANAK and OBGYN. Khusus referrals go to the
 * general hospitals.
 */
export const FASKES_RUJUKAN_SUBSPESIALIS: Record<string, readonly string[] | 'all'> = {
  '0199R001': 'all',
  '0199R002': ['26', '27', '19'],
  '0199R003': ['3', '8'],
}
export const FASKES_RUJUKAN_KHUSUS = FASKES_RUJUKAN.filter((f) => f.kdppk !== '0199R003')

export const OBAT_DPHO: T.ObatDpho[] = [
  { kdObat: '120100165', nmObat: 'Amoksisilin kaps 500 mg', sedia: 500 },
  { kdObat: '120100362', nmObat: 'Parasetamol tab 500 mg', sedia: 1000 },
  { kdObat: '120100881', nmObat: 'Amlodipin tab 5 mg', sedia: 300 },
  { kdObat: '120100903', nmObat: 'Metformin tab 500 mg', sedia: 400 },
  { kdObat: '120101204', nmObat: 'Oralit serbuk', sedia: 200 },
  { kdObat: '120101317', nmObat: 'CTM tab 4 mg', sedia: 600 },
]

export const TINDAKAN: Record<T.KdTkp, T.TindakanRef[]> = {
  '10': [
    { kdTindakan: '10001', nmTindakan: 'Pemeriksaan gula darah sewaktu', maxTarif: 10000, withValue: true },
    { kdTindakan: '10002', nmTindakan: 'Perawatan luka', maxTarif: 30000, withValue: false },
    { kdTindakan: '10003', nmTindakan: 'Ekstraksi gigi sulung', maxTarif: 25000, withValue: false },
  ],
  '20': [{ kdTindakan: '20001', nmTindakan: 'Pemasangan infus', maxTarif: 50000, withValue: false }],
  '50': [{ kdTindakan: '50001', nmTindakan: 'Penyuluhan kesehatan', maxTarif: 0, withValue: false }],
}

/**
 * `alergi/jenis/{01|02|03}`. Makanan (01) is the list a public PHP PCare client keeps as its sample answer
 * (docs/pcare.md#reference-lists); udara (02) and obat (03) beyond '00' "Tidak Ada", and the prognosa names, are
 * UNCONFIRMED stand-ins of the same shape.
 */
export const ALERGI: Record<T.JenisAlergi, T.Alergi[]> = {
  '01': [
    { kdAlergi: '00', nmAlergi: 'Tidak Ada' },
    { kdAlergi: '01', nmAlergi: 'Seafood' },
    { kdAlergi: '02', nmAlergi: 'Gandum' },
    { kdAlergi: '03', nmAlergi: 'Susu Sapi' },
    { kdAlergi: '04', nmAlergi: 'Kacang-Kacangan' },
    { kdAlergi: '05', nmAlergi: 'Makanan Lain' },
  ],
  '02': [
    { kdAlergi: '00', nmAlergi: 'Tidak Ada' },
    { kdAlergi: '01', nmAlergi: 'Udara Dingin' },
    { kdAlergi: '02', nmAlergi: 'Debu Rumah' },
    { kdAlergi: '03', nmAlergi: 'Udara Lain' },
  ],
  '03': [
    { kdAlergi: '00', nmAlergi: 'Tidak Ada' },
    { kdAlergi: '01', nmAlergi: 'Penisilin' },
    { kdAlergi: '02', nmAlergi: 'Sulfonamida' },
    { kdAlergi: '03', nmAlergi: 'Obat Lain' },
  ],
}

export const PROGNOSA: T.Prognosa[] = [
  { kdPrognosa: '01', nmPrognosa: 'Sanam (Sembuh)' },
  { kdPrognosa: '02', nmPrognosa: 'Bonam (Baik)' },
  { kdPrognosa: '03', nmPrognosa: 'Malam (Buruk/Jelek)' },
  { kdPrognosa: '04', nmPrognosa: 'Dubia Ad Sanam/Bonam (Tidak tentu/Ragu-ragu, Cenderung Sembuh/Baik)' },
  { kdPrognosa: '05', nmPrognosa: 'Dubia Ad Malam (Tidak tentu/Ragu-ragu, Cenderung Buruk/Jelek)' },
]

/** Antrean FKTP ref: its poli and dokter codes are separate from PCare's (kodedokter is a number). */
export const ANTREAN_POLI: T.AntreanPoli[] = [
  { kodepoli: '001', namapoli: 'UMUM', kdsubspesialis: null, nmsubspesialis: null },
  { kodepoli: '002', namapoli: 'GIGI & MULUT', kdsubspesialis: null, nmsubspesialis: null },
  { kodepoli: '003', namapoli: 'KIA', kdsubspesialis: null, nmsubspesialis: null },
]
export const ANTREAN_DOKTER: Record<string, T.AntreanDokter[]> = {
  '001': [
    { kodedokter: 131491, namadokter: 'dr. Contoh Satu', jampraktek: '08:00-12:00', kapasitas: 30 },
    { kodedokter: 131492, namadokter: 'dr. Contoh Dua', jampraktek: '13:00-16:00', kapasitas: 20 },
  ],
  '002': [{ kodedokter: 131493, namadokter: 'drg. Contoh Tiga', jampraktek: '08:00-12:00', kapasitas: 15 }],
  '003': [{ kodedokter: 131494, namadokter: 'Bidan Contoh Empat, A.Md.Keb', jampraktek: '08:00-14:00', kapasitas: 25 }],
}

export const DIAGNOSA: T.Diagnosa[] = COMMON_DIAGNOSA

interface DemoPeserta {
  noKartu: string
  noKTP: string
  nama: string
  sex: 'L' | 'P'
  tglLahir: string
  kdProviderPst: string
  nmProviderPst: string
  jnsKelas: string
  jnsPeserta: string
  aktif: boolean
  ketAktif: string
  noHP: string
  /** Arrears in rupiah (peserta.tunggakan); absent = none. */
  tunggakan?: number
}

/** The demo patients of tools/demo-data/peserta.json expanded to the full PCare peserta shape. */
export function loadPeserta(file = join(__dirname, '..', 'demo-data', 'peserta.json')): T.Peserta[] {
  const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoPeserta[]
  return demo.map((p, i) => ({
    noKartu: p.noKartu,
    nama: p.nama,
    // A spouse is ISTRI (wife) or SUAMI (husband) by the card's sex, never a man as ISTRI.
    hubunganKeluarga: i % 3 === 0 ? 'PESERTA' : i % 3 === 1 ? (p.sex === 'P' ? 'ISTRI' : 'SUAMI') : 'ANAK',
    sex: p.sex,
    tglLahir: p.tglLahir,
    tglMulaiAktif: '01-01-2020',
    tglAkhirBerlaku: p.aktif ? '31-12-2030' : '31-12-2023',
    kdProviderPst: { kdProvider: p.kdProviderPst, nmProvider: p.nmProviderPst },
    kdProviderGigi: { kdProvider: null, nmProvider: null },
    jnsKelas: { nama: p.jnsKelas, kode: p.jnsKelas.endsWith('III') ? '3' : p.jnsKelas.endsWith('II') ? '2' : '1' },
    jnsPeserta: { nama: p.jnsPeserta, kode: p.jnsPeserta.startsWith('PBI') ? 'PBI' : 'PPU' },
    golDarah: 'O',
    noHP: p.noHP,
    noKTP: p.noKTP,
    pstProl: '',
    pstPrb: '',
    aktif: p.aktif,
    ketAktif: p.ketAktif,
    asuransi: { kdAsuransi: null, nmAsuransi: null, noAsuransi: null, cob: false },
    tunggakan: p.tunggakan ?? 0,
  }))
}
