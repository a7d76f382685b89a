import type { Database } from 'better-sqlite3'
import type { PcareClient } from '../pcare/client'
import type * as T from '../pcare/types'
import { ALERGI_JENIS, replaceReferenceLists, type AlergiKind, type ReferenceKind, type ReferenceLists } from './store'

export interface RefreshOptions {
  kinds?: ReferenceKind[]
  /**
   * PCare has no "all diagnoses" call, only `diagnosa/{keyword}/{start}/{limit}`; the cache is filled by
   * querying these keywords and merging. The default covers every ICD-10 chapter letter.
   */
  diagnosaKeywords?: string[]
  /** PCare's DPHO list is a keyword search too (`obat/dpho/{keyword}/…`); the same letters gather the whole list. */
  obatKeywords?: string[]
  pageSize?: number
  /** Upper bound of pages per list, so a misbehaving server cannot keep the refresh looping. */
  maxPages?: number
  now?: () => number
}

const ALL: ReferenceKind[] = [
  'poli',
  'dokter',
  'kesadaran',
  'statusPulang',
  'provider',
  'diagnosa',
  'spesialis',
  'sarana',
  'khusus',
  'tindakan',
  'obat',
  'alergiMakanan',
  'alergiUdara',
  'alergiObat',
  'prognosa',
]
/** Every list the refresh knows; the automatic refresh (auto.ts) checks each for age. */
export const REFERENCE_KINDS: readonly ReferenceKind[] = ALL
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')
/** The three places of care PCare lists tindakan for: 10 RJTP (rawat jalan), 20 RITP (rawat inap), 50 promotif. */
const TKP: T.KdTkp[] = ['10', '20', '50']

async function pages<X>(fetchPage: (start: number, limit: number) => Promise<T.PcareList<X> | null>, pageSize: number, maxPages: number): Promise<X[]> {
  const out: X[] = []
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(i * pageSize, pageSize)
    const list = page?.list ?? []
    out.push(...list)
    if (list.length < pageSize || out.length >= (page?.count ?? 0)) break
  }
  return out
}

/**
 * Fetches the chosen lists from PCare, then writes them all in one transaction. Network first, database
 * second: a failed fetch throws the PcareError and leaves the existing cache untouched.
 */
export async function refreshReferenceData(
  db: Database,
  client: PcareClient,
  opts: RefreshOptions = {},
): Promise<{ written: ReferenceKind[]; skipped: ReferenceKind[]; counts: Partial<Record<ReferenceKind, number>> }> {
  const kinds = new Set(opts.kinds ?? ALL)
  const size = opts.pageSize ?? 500
  const maxPages = opts.maxPages ?? 200
  const lists: ReferenceLists = {}

  if (kinds.has('poli')) lists.poli = await pages((s, l) => client.getPoliFktp(s, l), size, maxPages)
  if (kinds.has('dokter')) lists.dokter = await pages((s, l) => client.getDokter(s, l), size, maxPages)
  if (kinds.has('kesadaran')) lists.kesadaran = (await client.getKesadaran())?.list ?? []
  if (kinds.has('statusPulang')) {
    const jalan = (await client.getStatusPulang(false))?.list ?? []
    const inap = (await client.getStatusPulang(true))?.list ?? []
    lists.statusPulang = [...jalan.map((x) => ({ ...x, rawatInap: false })), ...inap.map((x) => ({ ...x, rawatInap: true }))]
  }
  if (kinds.has('provider')) lists.provider = await pages((s, l) => client.getProvider(s, l), size, maxPages)
  if (kinds.has('diagnosa')) {
    const byCode = new Map<string, T.Diagnosa>()
    for (const kw of opts.diagnosaKeywords ?? LETTERS) {
      for (const d of await pages((s, l) => client.searchDiagnosa(kw, s, l), size, maxPages)) byCode.set(d.kdDiag, d)
    }
    lists.diagnosa = [...byCode.values()]
  }

  if (kinds.has('spesialis')) {
    lists.spesialis = []
    for (const sp of (await client.getSpesialis())?.list ?? []) lists.spesialis.push({ ...sp, sub: (await client.getSubSpesialis(sp.kdSpesialis))?.list ?? [] })
  }
  if (kinds.has('sarana')) lists.sarana = (await client.getSarana())?.list ?? []
  if (kinds.has('khusus')) lists.khusus = (await client.getKhusus())?.list ?? []
  if (kinds.has('tindakan')) {
    lists.tindakan = []
    for (const kdTkp of TKP) for (const x of await pages((s, l) => client.getTindakanRef(kdTkp, s, l), size, maxPages)) lists.tindakan.push({ ...x, kdTkp })
  }
  if (kinds.has('obat')) {
    const byCode = new Map<string, T.ObatDpho>()
    for (const kw of opts.obatKeywords ?? LETTERS) {
      for (const o of await pages((s, l) => client.searchObatDpho(kw, s, l), size, maxPages)) byCode.set(o.kdObat, o)
    }
    lists.obat = [...byCode.values()]
  }
  for (const kind of Object.keys(ALERGI_JENIS) as AlergiKind[]) {
    if (kinds.has(kind)) lists[kind] = (await client.getAlergi(ALERGI_JENIS[kind]))?.list ?? []
  }
  if (kinds.has('prognosa')) lists.prognosa = (await client.getPrognosa())?.list ?? []

  const result = replaceReferenceLists(db, lists, (opts.now ?? Date.now)())
  const counts: Partial<Record<ReferenceKind, number>> = {}
  for (const k of Object.keys(lists) as ReferenceKind[]) counts[k] = lists[k]?.length ?? 0
  return { ...result, counts }
}
