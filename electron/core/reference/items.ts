import type { Database } from 'better-sqlite3'
import type { KdTkp, ObatHit, TindakanHit } from '../../contract'
import { prepared } from '../db/statements'

/** Lower-cased words of the query (at most 6), so "amlo 5" finds "Amlodipin tab 5 mg". */
function words(query: string): string[] {
  return query
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 6)
}


/** `%`, `_` and `\` typed by a person are plain characters in the code-prefix LIKE. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/**
 * The WHERE clause and rank of a name-or-code search: every word must appear in the name (or the query is a
 * code prefix). Ranking: exact code, code prefix, name starting with the first word, then by name. The lists are
 * PCare's own (hundreds of tindakan, about a thousand DPHO drugs), so a scan with instr() stays well under a
 * millisecond and needs no FTS index.
 */
function nameOrCode(codeCol: string, nameCol: string, query: string): { where: string; rank: string; args: Record<string, string> } | null {
  const ws = words(query)
  if (!ws.length) return null
  const exact = query.trim().toLowerCase()
  const args: Record<string, string> = { exact, q: escapeLike(exact) }
  ws.forEach((w, i) => (args[`w${i}`] = w))
  const allWords = ws.map((_, i) => `instr(lower(${nameCol}), @w${i}) > 0`).join(' AND ')
  return {
    where: `(lower(${codeCol}) LIKE @q || '%' ESCAPE '\\' OR (${allWords}))`,
    rank: `CASE WHEN lower(${codeCol}) = @exact THEN 0 WHEN lower(${codeCol}) LIKE @q || '%' ESCAPE '\\' THEN 1 WHEN instr(lower(${nameCol}), @w0) = 1 THEN 2 ELSE 3 END`,
    args,
  }
}

/**
 * Offline tindakan search by name words or code prefix, from the list cached by the reference refresh. `kdTkp` keeps
 * one place of care; without it RJTP (10, rawat jalan, a puskesmas's usual visit) comes first. At most 50 hits.
 */
export function searchTindakan(db: Database, query: string, opts: { kdTkp?: KdTkp; limit?: number } = {}): TindakanHit[] {
  const m = nameOrCode('kd_tindakan', 'nm_tindakan', query)
  if (!m) return []
  const limit = Math.max(1, Math.min(opts.limit ?? 10, 50))
  const rows = prepared(
    db,
    `SELECT kd_tkp AS kdTkp, kd_tindakan AS kdTindakan, nm_tindakan AS nmTindakan, max_tarif AS maxTarif, with_value AS withValue FROM ref_tindakan
        WHERE ${m.where} ${opts.kdTkp ? 'AND kd_tkp = @kdTkp' : ''}
        ORDER BY ${m.rank}, kd_tkp <> '10', nm_tindakan LIMIT @limit`,
  ).all({ ...m.args, ...(opts.kdTkp ? { kdTkp: opts.kdTkp } : {}), limit }) as Array<Omit<TindakanHit, 'withValue'> & { withValue: number }>
  return rows.map((r) => ({ ...r, withValue: r.withValue === 1 }))
}

/** Offline DPHO drug search by name words or code prefix, from the cached list. At most 50 hits. */
export function searchObat(db: Database, query: string, limit = 10): ObatHit[] {
  const m = nameOrCode('kd_obat', 'nm_obat', query)
  if (!m) return []
  return prepared(db, `SELECT kd_obat AS kdObat, nm_obat AS nmObat, sedia FROM ref_obat WHERE ${m.where} ORDER BY ${m.rank}, nm_obat LIMIT @limit`).all({ ...m.args, limit: Math.max(1, Math.min(limit, 50)) }) as ObatHit[]
}

/** Names of cached tindakan and drug codes, for saying which item of a visit is still unsent. Unknown codes are absent. */
export function itemNames(db: Database, kind: 'tindakan' | 'obat', codes: string[]): Map<string, string> {
  if (!codes.length) return new Map()
  const marks = codes.map(() => '?').join(',')
  const rows = (
    kind === 'tindakan'
      ? db.prepare(`SELECT kd_tindakan AS kd, min(nm_tindakan) AS nm FROM ref_tindakan WHERE kd_tindakan IN (${marks}) GROUP BY kd_tindakan`).all(...codes)
      : db.prepare(`SELECT kd_obat AS kd, nm_obat AS nm FROM ref_obat WHERE kd_obat IN (${marks})`).all(...codes)
  ) as { kd: string; nm: string }[]
  return new Map(rows.map((r) => [r.kd, r.nm]))
}
