import type { Database, Statement } from 'better-sqlite3'
import type { Diagnosa } from '../pcare/types'

export interface DiagnosaHit extends Diagnosa {
  /** Lower is better: exact code, then code prefix, then bm25 relevance of the words. */
  rank: number
}

const ICD_CODE = /^[A-Za-z]\d{0,2}(\.\d{0,2})?$/

/** Words (letters/digits, `.` kept inside codes) turned into an FTS5 query of quoted prefix terms, AND-ed. */
export function ftsQuery(input: string): string | null {
  const tokens = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .map((t) => t.replace(/^\.+|\.+$/g, ''))
    .filter((t) => t.length > 0)
    .slice(0, 8)
  if (tokens.length === 0) return null
  return tokens.map((t) => `"${t}"*`).join(' AND ')
}

const statements = new WeakMap<Database, Statement>()

/**
 * Offline diagnosa search by ICD-10 code or words, e.g. `J06`, `a09.0`, `tuberculosis paru`, `demam berdarah`.
 * Ranking: the exact code first, then codes starting with the query (shortest first, so `J06` before
 * `J06.9`), then bm25 over code (weight 10) and name (weight 1).
 */
export function searchDiagnosa(db: Database, query: string, limit = 20): DiagnosaHit[] {
  const q = query.trim()
  const match = ftsQuery(q)
  if (!match) return []
  const code = ICD_CODE.test(q) ? q.toUpperCase() : ''
  let stmt = statements.get(db)
  if (!stmt) {
    stmt = db.prepare(`
      SELECT d.kd_diag AS kdDiag, d.nm_diag AS nmDiag, d.non_spesialis AS nonSpesialis,
             CASE WHEN d.kd_diag = @code THEN -2000.0
                  WHEN @code <> '' AND substr(d.kd_diag, 1, length(@code)) = @code THEN -1000.0 + length(d.kd_diag)
                  ELSE bm25(ref_diagnosa_fts, 10.0, 1.0) END AS rank
      FROM ref_diagnosa_fts
      JOIN ref_diagnosa d ON d.id = ref_diagnosa_fts.rowid
      WHERE ref_diagnosa_fts MATCH @match
      ORDER BY rank, d.kd_diag
      LIMIT @limit`)
    statements.set(db, stmt)
  }
  const rows = stmt.all({ code, match, limit: Math.max(1, Math.min(limit, 200)) }) as Array<Omit<DiagnosaHit, 'nonSpesialis'> & { nonSpesialis: number }>
  return rows.map((r) => ({ ...r, nonSpesialis: r.nonSpesialis === 1 }))
}

export function getDiagnosa(db: Database, kdDiag: string): Diagnosa | null {
  const r = db.prepare('SELECT kd_diag AS kdDiag, nm_diag AS nmDiag, non_spesialis AS nonSpesialis FROM ref_diagnosa WHERE kd_diag = ?').get(kdDiag.toUpperCase()) as
    | { kdDiag: string; nmDiag: string; nonSpesialis: number }
    | undefined
  return r ? { ...r, nonSpesialis: r.nonSpesialis === 1 } : null
}
