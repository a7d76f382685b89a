import type { Database } from 'better-sqlite3'
import { writeTx } from '../db/tx'
import type * as T from '../pcare/types'

export type ReferenceKind =
  | 'poli'
  | 'dokter'
  | 'kesadaran'
  | 'statusPulang'
  | 'provider'
  | 'diagnosa'
  | 'spesialis'
  | 'sarana'
  | 'khusus'
  | 'tindakan'
  | 'obat'
  | AlergiKind
  | 'prognosa'

/** The three allergy lists, one kind each (PCare answers them separately, so one can fail or be empty alone). */
export type AlergiKind = 'alergiMakanan' | 'alergiUdara' | 'alergiObat'
/** PCare's jenis of each allergy list: `alergi/jenis/{01|02|03}`. */
export const ALERGI_JENIS: Readonly<Record<AlergiKind, T.JenisAlergi>> = { alergiMakanan: '01', alergiUdara: '02', alergiObat: '03' }

export interface ReferenceLists {
  poli?: T.Poli[]
  dokter?: T.Dokter[]
  kesadaran?: T.Kesadaran[]
  statusPulang?: Array<T.StatusPulang & { rawatInap: boolean }>
  provider?: T.Provider[]
  diagnosa?: T.Diagnosa[]
  /** Each spesialis with its sub-spesialis (PCare answers those per spesialis). */
  spesialis?: Array<T.Spesialis & { sub: T.SubSpesialis[] }>
  sarana?: T.Sarana[]
  khusus?: T.Khusus[]
  /** Every TKP's tindakan, each with the kdTkp it was listed under. */
  tindakan?: Array<T.TindakanRef & { kdTkp: T.KdTkp }>
  obat?: T.ObatDpho[]
  alergiMakanan?: T.Alergi[]
  alergiUdara?: T.Alergi[]
  alergiObat?: T.Alergi[]
  prognosa?: T.Prognosa[]
}

const TABLES: Record<ReferenceKind, string> = {
  poli: 'ref_poli',
  dokter: 'ref_dokter',
  kesadaran: 'ref_kesadaran',
  statusPulang: 'ref_status_pulang',
  provider: 'ref_provider',
  diagnosa: 'ref_diagnosa',
  spesialis: 'ref_spesialis',
  sarana: 'ref_sarana',
  khusus: 'ref_khusus',
  tindakan: 'ref_tindakan',
  obat: 'ref_obat',
  alergiMakanan: 'ref_alergi',
  alergiUdara: 'ref_alergi',
  alergiObat: 'ref_alergi',
  prognosa: 'ref_prognosa',
}
/** Kinds that share a table with others: the rows a replace deletes are this filter's (column = value). */
const SHARED: Partial<Record<ReferenceKind, [string, string]>> = {
  alergiMakanan: ['jenis', ALERGI_JENIS.alergiMakanan],
  alergiUdara: ['jenis', ALERGI_JENIS.alergiUdara],
  alergiObat: ['jenis', ALERGI_JENIS.alergiObat],
}

/**
 * Replaces the given lists in ONE transaction: a reader sees either the old cache or the new one, and a
 * failure half way leaves the old cache intact. An empty list never wipes a filled table (an empty answer
 * from a flaky gateway must not erase what the counter works from); such kinds are reported as skipped.
 */
export function replaceReferenceLists(db: Database, lists: ReferenceLists, fetchedAt: number): { written: ReferenceKind[]; skipped: ReferenceKind[] } {
  const written: ReferenceKind[] = []
  const skipped: ReferenceKind[] = []
  const b = (v: boolean): number => (v ? 1 : 0)
  writeTx(db, () => {
    const put = <X>(kind: ReferenceKind, rows: X[] | undefined, insertSql: string, bind: (x: X) => unknown[]): void => {
      if (!rows) return
      if (rows.length === 0) {
        skipped.push(kind)
        return
      }
      const shared = SHARED[kind]
      if (shared) db.prepare(`DELETE FROM ${TABLES[kind]} WHERE ${shared[0]} = ?`).run(shared[1])
      else db.prepare(`DELETE FROM ${TABLES[kind]}`).run()
      const ins = db.prepare(insertSql)
      for (const row of rows) ins.run(...bind(row), fetchedAt)
      db.prepare('INSERT INTO ref_refresh (kind, fetched_at, row_count) VALUES (?, ?, ?) ON CONFLICT (kind) DO UPDATE SET fetched_at = excluded.fetched_at, row_count = excluded.row_count').run(kind, fetchedAt, rows.length)
      written.push(kind)
    }
    put('poli', lists.poli, 'INSERT INTO ref_poli (kd_poli, nm_poli, poli_sakit, fetched_at) VALUES (?, ?, ?, ?)', (x) => [x.kdPoli, x.nmPoli, b(x.poliSakit)])
    put('dokter', lists.dokter, 'INSERT INTO ref_dokter (kd_dokter, nm_dokter, fetched_at) VALUES (?, ?, ?)', (x) => [x.kdDokter, x.nmDokter])
    put('kesadaran', lists.kesadaran, 'INSERT INTO ref_kesadaran (kd_sadar, nm_sadar, fetched_at) VALUES (?, ?, ?)', (x) => [x.kdSadar, x.nmSadar])
    put(
      'statusPulang',
      lists.statusPulang,
      'INSERT INTO ref_status_pulang (kd_status_pulang, rawat_inap, nm_status_pulang, fetched_at) VALUES (?, ?, ?, ?)',
      (x) => [x.kdStatusPulang, b(x.rawatInap), x.nmStatusPulang],
    )
    put('provider', lists.provider, 'INSERT INTO ref_provider (kd_provider, nm_provider, fetched_at) VALUES (?, ?, ?)', (x) => [x.kdProvider, x.nmProvider])
    put(
      'diagnosa',
      lists.diagnosa,
      'INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT (kd_diag) DO UPDATE SET nm_diag = excluded.nm_diag, non_spesialis = excluded.non_spesialis',
      (x) => [x.kdDiag, x.nmDiag, b(x.nonSpesialis)],
    )
    // Replacing the spesialis deletes their sub-spesialis too (ON DELETE CASCADE); the new ones follow their parent.
    put('spesialis', lists.spesialis, 'INSERT INTO ref_spesialis (kd_spesialis, nm_spesialis, fetched_at) VALUES (?, ?, ?)', (x) => [x.kdSpesialis, x.nmSpesialis])
    if (lists.spesialis?.length) {
      // PCare lists a shared sub-spesialis under one spesialis only, as far as seen; the first one wins if not.
      const sub = db.prepare('INSERT INTO ref_subspesialis (kd_subspesialis, kd_spesialis, nm_subspesialis, kd_poli_rujuk, fetched_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kd_subspesialis) DO NOTHING')
      for (const sp of lists.spesialis) for (const x of sp.sub) sub.run(x.kdSubSpesialis, sp.kdSpesialis, x.nmSubSpesialis, x.kdPoliRujuk ?? null, fetchedAt)
    }
    put('sarana', lists.sarana, 'INSERT INTO ref_sarana (kd_sarana, nm_sarana, fetched_at) VALUES (?, ?, ?)', (x) => [x.kdSarana, x.nmSarana])
    put('khusus', lists.khusus, 'INSERT INTO ref_khusus (kd_khusus, nm_khusus, fetched_at) VALUES (?, ?, ?)', (x) => [x.kdKhusus, x.nmKhusus])
    put(
      'tindakan',
      lists.tindakan,
      'INSERT INTO ref_tindakan (kd_tkp, kd_tindakan, nm_tindakan, max_tarif, with_value, fetched_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      (x) => [x.kdTkp, x.kdTindakan, x.nmTindakan, typeof x.maxTarif === 'number' ? x.maxTarif : null, b(x.withValue === true)],
    )
    // The DPHO list is gathered from several keyword searches; a drug found twice is stored once.
    put('obat', lists.obat, 'INSERT INTO ref_obat (kd_obat, nm_obat, sedia, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', (x) => [x.kdObat, x.nmObat, typeof x.sedia === 'number' ? x.sedia : null])
    for (const kind of Object.keys(ALERGI_JENIS) as AlergiKind[]) {
      const jenis = ALERGI_JENIS[kind]
      put(kind, lists[kind], 'INSERT INTO ref_alergi (jenis, kd_alergi, nm_alergi, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', (x) => [jenis, x.kdAlergi, x.nmAlergi])
    }
    put('prognosa', lists.prognosa, 'INSERT INTO ref_prognosa (kd_prognosa, nm_prognosa, fetched_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', (x) => [x.kdPrognosa, x.nmPrognosa])
  })
  return { written, skipped }
}

export interface RefreshInfo {
  kind: ReferenceKind
  fetchedAt: number
  rowCount: number
}

export function lastRefreshed(db: Database): RefreshInfo[] {
  return db
    .prepare('SELECT kind, fetched_at AS fetchedAt, row_count AS rowCount FROM ref_refresh ORDER BY kind')
    .all() as RefreshInfo[]
}

export function listPoli(db: Database): T.Poli[] {
  return (db.prepare('SELECT kd_poli, nm_poli, poli_sakit FROM ref_poli ORDER BY kd_poli').all() as Array<{ kd_poli: string; nm_poli: string; poli_sakit: number }>).map(
    (r) => ({ kdPoli: r.kd_poli, nmPoli: r.nm_poli, poliSakit: r.poli_sakit === 1 }),
  )
}
export function listDokter(db: Database): T.Dokter[] {
  return db.prepare('SELECT kd_dokter AS kdDokter, nm_dokter AS nmDokter FROM ref_dokter ORDER BY nm_dokter').all() as T.Dokter[]
}
export function listKesadaran(db: Database): T.Kesadaran[] {
  return db.prepare('SELECT kd_sadar AS kdSadar, nm_sadar AS nmSadar FROM ref_kesadaran ORDER BY kd_sadar').all() as T.Kesadaran[]
}
export function listStatusPulang(db: Database, rawatInap: boolean): T.StatusPulang[] {
  return db
    .prepare('SELECT kd_status_pulang AS kdStatusPulang, nm_status_pulang AS nmStatusPulang FROM ref_status_pulang WHERE rawat_inap = ? ORDER BY kd_status_pulang')
    .all(rawatInap ? 1 : 0) as T.StatusPulang[]
}

export interface SpesialisTree extends T.Spesialis {
  sub: Array<{ kdSubSpesialis: string; nmSubSpesialis: string; kdPoliRujuk: string | null }>
}
export function listSpesialis(db: Database): SpesialisTree[] {
  const subs = db
    .prepare('SELECT kd_spesialis AS kdSpesialis, kd_subspesialis AS kdSubSpesialis, nm_subspesialis AS nmSubSpesialis, kd_poli_rujuk AS kdPoliRujuk FROM ref_subspesialis ORDER BY nm_subspesialis')
    .all() as Array<{ kdSpesialis: string; kdSubSpesialis: string; nmSubSpesialis: string; kdPoliRujuk: string | null }>
  return (db.prepare('SELECT kd_spesialis AS kdSpesialis, nm_spesialis AS nmSpesialis FROM ref_spesialis ORDER BY nm_spesialis').all() as T.Spesialis[]).map((sp) => ({
    ...sp,
    sub: subs.filter((s) => s.kdSpesialis === sp.kdSpesialis).map(({ kdSubSpesialis, nmSubSpesialis, kdPoliRujuk }) => ({ kdSubSpesialis, nmSubSpesialis, kdPoliRujuk })),
  }))
}
export function listKhusus(db: Database): T.Khusus[] {
  return db.prepare('SELECT kd_khusus AS kdKhusus, nm_khusus AS nmKhusus FROM ref_khusus ORDER BY nm_khusus').all() as T.Khusus[]
}
export function listSarana(db: Database): T.Sarana[] {
  return db.prepare('SELECT kd_sarana AS kdSarana, nm_sarana AS nmSarana FROM ref_sarana ORDER BY kd_sarana').all() as T.Sarana[]
}
/** One cached allergy list as the form offers it (`kode`/`nama`), in code order, so `00` "Tidak Ada" comes first. */
export function listAlergi(db: Database, kind: AlergiKind): Array<{ kode: string; nama: string }> {
  return db.prepare('SELECT kd_alergi AS kode, nm_alergi AS nama FROM ref_alergi WHERE jenis = ? ORDER BY kd_alergi').all(ALERGI_JENIS[kind]) as Array<{ kode: string; nama: string }>
}
/** The cached prognosa list as the form offers it (`kode`/`nama`), in code order. */
export function listPrognosa(db: Database): Array<{ kode: string; nama: string }> {
  return db.prepare('SELECT kd_prognosa AS kode, nm_prognosa AS nama FROM ref_prognosa ORDER BY kd_prognosa').all() as Array<{ kode: string; nama: string }>
}
/** Whether the cached diagnosa list marks any of these codes nonSpesialis (to be treated at the FKTP: a referral then needs TACC). */
export function nonSpesialisCodes(db: Database, codes: string[]): string[] {
  if (!codes.length) return []
  return (db.prepare(`SELECT kd_diag FROM ref_diagnosa WHERE non_spesialis = 1 AND kd_diag IN (${codes.map(() => '?').join(',')})`).all(...codes) as { kd_diag: string }[]).map((r) => r.kd_diag)
}
