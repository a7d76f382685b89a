import type * as T from '../../electron/core/pcare/types'

export interface PendaftaranRec {
  noUrut: string
  tglDaftar: string
  noKartu: string
  kdPoli: string
  body: T.PendaftaranInput
  noKunjungan: string | null
}
export interface KunjunganRec {
  noKunjungan: string
  noKartu: string
  tglDaftar: string
  kdPoli: string
  body: T.KunjunganInput
}
export interface TindakanRec {
  kdTindakanSK: number
  noKunjungan: string
  body: T.TindakanInput
}
export interface ObatRec {
  kdObatSK: number
  noKunjungan: string
  body: T.ObatInput
}
export interface AntreanRec {
  tanggalperiksa: string
  kodepoli: string
  nomorkartu: string
  nik: string
  body: T.AntreanAddInput
  status: 'menunggu' | 'hadir' | 'tidak_hadir' | 'batal'
}

export interface SimState {
  seq: { noUrut: Record<string, number>; kunjungan: number; tindakan: number; obat: number }
  pendaftaran: PendaftaranRec[]
  kunjungan: KunjunganRec[]
  tindakan: TindakanRec[]
  obat: ObatRec[]
  antrean: AntreanRec[]
  /** Write attempts the simulator refused as duplicates, by operation: lets fault tests prove no double effect. */
  duplicatesRejected: Record<string, number>
}

export function emptyState(): SimState {
  return {
    seq: { noUrut: {}, kunjungan: 0, tindakan: 0, obat: 0 },
    pendaftaran: [],
    kunjungan: [],
    tindakan: [],
    obat: [],
    antrean: [],
    duplicatesRejected: {},
  }
}
