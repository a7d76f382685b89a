import type { Database, Statement } from 'better-sqlite3'
import type { DiagnosaHit as DiagnosaView } from '../../contract'
import type { Diagnosa } from '../pcare/types'
import { aliasMatches } from './aliases'

/** A search hit as the contract sends it, plus `rank`: its place in this search's order, 0 first (not comparable across searches). */
export type DiagnosaHit = DiagnosaView & { rank: number }

const ICD_CODE = /^[A-Za-z]\d{0,2}(\.\d{0,2})?$/

/** Words (letters/digits, `.` kept inside codes) turned into an FTS5 query of quoted prefix terms, AND-ed. */
export function ftsQuery(input: string): string | null {
  const tokens = ftsWords(input)
  if (tokens.length === 0) return null
  return tokens.map((t) => `"${t}"*`).join(' AND ')
}

interface Statements {
  fts: Statement
  byCodes: Statement
  picks: Statement
  pickUp: Statement
}
const statements = new WeakMap<Database, Statements>()

function prepared(db: Database): Statements {
  let s = statements.get(db)
  if (!s) {
    s = {
      fts: db.prepare(`
        SELECT d.kd_diag AS kdDiag, d.nm_diag AS nmDiag, d.non_spesialis AS nonSpesialis,
               CASE WHEN d.kd_diag = @code THEN -2000.0
                    WHEN @code <> '' AND substr(d.kd_diag, 1, length(@code)) = @code THEN -1000.0 + length(d.kd_diag)
                    ELSE bm25(ref_diagnosa_fts, 10.0, 1.0) END AS rank
        FROM ref_diagnosa_fts
        JOIN ref_diagnosa d ON d.id = ref_diagnosa_fts.rowid
        WHERE ref_diagnosa_fts MATCH @match
        ORDER BY rank, d.kd_diag
        LIMIT @limit`),
      // The alias codes PCare lists (a code missing from the cached list is not offered).
      byCodes: db.prepare(`
        SELECT d.kd_diag AS kdDiag, d.nm_diag AS nmDiag, d.non_spesialis AS nonSpesialis
        FROM json_each(@codes) j JOIN ref_diagnosa d ON d.kd_diag = j.value
        ORDER BY j.key`),
      // A clinician's most recent picks, bounded so a long-serving user's search stays as fast as a new one's.
      picks: db.prepare(`
        SELECT p.kd_diag AS kdDiag, d.nm_diag AS nmDiag, d.non_spesialis AS nonSpesialis, p.n, p.last_at AS lastAt
        FROM diagnosa_picks p JOIN ref_diagnosa d ON d.kd_diag = p.kd_diag
        WHERE p.user_id = @user
        ORDER BY p.last_at DESC
        LIMIT ${MAX_PICKS}`),
      // Compiled once here too: recordDiagnosaPicks runs in every examination's save (issue 17, Deliver 3).
      pickUp: db.prepare(`
        INSERT INTO diagnosa_picks (user_id, kd_diag, n, last_at) VALUES (?, ?, 1, ?)
        ON CONFLICT (user_id, kd_diag) DO UPDATE SET n = n + 1, last_at = excluded.last_at`),
    }
    statements.set(db, s)
  }
  return s
}

/** How many of a clinician's latest distinct picks can lift a result. */
const MAX_PICKS = 200
/** A pick's weight halves every 30 days, so this month's habits beat last year's. */
const PICK_HALF_LIFE_MS = 30 * 24 * 3600 * 1000

type Row = Omit<DiagnosaHit, 'nonSpesialis' | 'rank'> & { nonSpesialis: number }
const hit = (r: Row, rank: number): DiagnosaHit => ({ kdDiag: r.kdDiag, nmDiag: r.nmDiag, nonSpesialis: r.nonSpesialis === 1, rank })

export interface SearchOptions {
  /** The signed-in user whose picks (`recordDiagnosaPicks`) come first; none: no personal order. */
  userId?: string
  /** Epoch ms, for the age of picks (tests). */
  now?: number
}

/**
 * Offline diagnosa search by ICD-10 code, English (PCare's) words, or Indonesian clinical and lay terms and
 * abbreviations (`aliases.ts`), e.g. `J06`, `a09.0`, `tuberculosis paru`, `ISPA`, `darah tinggi`, `maag`.
 * Ranking: the exact code first; then this user's earlier picks among the matches (by count, halved every 30 days);
 * then the alias table's codes in its order; then codes starting with the query (shortest first, so `J06` before
 * `J06.9`); then bm25 over code (weight 10) and name (weight 1). Empty when nothing matches (the page says
 * "Tidak ditemukan").
 */
export function searchDiagnosa(db: Database, query: string, limit = 20, opts: SearchOptions = {}): DiagnosaHit[] {
  const q = query.trim()
  const match = ftsQuery(q)
  if (!match) return []
  const max = Math.max(1, Math.min(limit, 200))
  const code = ICD_CODE.test(q) ? q.toUpperCase() : ''
  const st = prepared(db)
  const fts = (st.fts.all({ code, match, limit: max }) as Array<Row & { rank: number }>).map((r) => hit(r, r.rank))
  const matches = aliasMatches(q)
  const term = new Map(matches.map((m) => [m.kdDiag, m.term]))
  const alias = matches.length ? (st.byCodes.all({ codes: JSON.stringify(matches.map((m) => m.kdDiag)) }) as Row[]).map((r) => hit(r, 0)) : []

  const picked: DiagnosaHit[] = []
  if (opts.userId) {
    const now = opts.now ?? Date.now()
    const words = ftsWords(q)
    for (const p of userPicks(db, opts.userId, now)) {
      if (!(term.has(p.row.kdDiag) || (code && p.row.kdDiag.startsWith(code)) || wordsMatch(words, p.words))) continue
      picked.push(hit(p.row, -p.row.n * 0.5 ** (Math.max(0, now - p.row.lastAt) / PICK_HALF_LIFE_MS)))
    }
    picked.sort((a, b) => a.rank - b.rank || a.kdDiag.localeCompare(b.kdDiag))
  }

  const out: DiagnosaHit[] = []
  const seen = new Set<string>()
  const add = (h: DiagnosaHit) => {
    if (out.length < max && !seen.has(h.kdDiag)) {
      seen.add(h.kdDiag)
      out.push(h)
    }
  }
  if (fts[0]?.kdDiag === code) add(fts[0])
  picked.forEach(add)
  alias.forEach(add)
  fts.forEach(add)
  out.forEach((h, i) => {
    h.rank = i
    const t = term.get(h.kdDiag)
    if (t) h.alias = t
  })
  return out
}

/** The query's words as the FTS index splits them (letters, digits, `.` inside codes), without diacritics. */
function ftsWords(input: string): string[] {
  return input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}.]+/u)
    .map((t) => t.replace(/^\.+|\.+$/g, ''))
    .filter((t) => t.length > 0)
    .slice(0, 8)
}

/** The FTS rule in memory, for the few picked codes: every query word starts some word of the code and name. */
function wordsMatch(words: string[], textWords: string[]): boolean {
  return words.length > 0 && words.every((w) => textWords.some((t) => t.startsWith(w)))
}

interface Pick {
  row: Row & { n: number; lastAt: number }
  words: string[]
}
/**
 * A user's picks with their words split once: reading and splitting 200 names on every keystroke costs more than
 * the search itself. Dropped when a pick is recorded, and after PICK_CACHE_MS so a reference refresh's new names show.
 */
const pickCache = new WeakMap<Database, Map<string, { at: number; picks: Pick[] }>>()
const PICK_CACHE_MS = 60_000

function userPicks(db: Database, userId: string, now: number): Pick[] {
  let byUser = pickCache.get(db)
  if (!byUser) pickCache.set(db, (byUser = new Map()))
  const cached = byUser.get(userId)
  if (cached && Math.abs(now - cached.at) < PICK_CACHE_MS) return cached.picks
  const rows = prepared(db).picks.all({ user: userId }) as Pick['row'][]
  const picks = rows.map((row) => ({ row, words: ftsWords(`${row.kdDiag} ${row.nmDiag}`) }))
  byUser.set(userId, { at: now, picks })
  return picks
}

/**
 * Counts a clinician's diagnosis picks (call inside the examination's transaction): each code's count goes up by
 * one and its time becomes `now` (epoch ms). Codes are ICD-10 as saved, e.g. `J06.9`.
 */
export function recordDiagnosaPicks(db: Database, userId: string, codes: readonly string[], now = Date.now()): void {
  const up = prepared(db).pickUp
  for (const kd of new Set(codes)) up.run(userId, kd, now)
  pickCache.get(db)?.delete(userId)
}

export function getDiagnosa(db: Database, kdDiag: string): Diagnosa | null {
  const r = db.prepare('SELECT kd_diag AS kdDiag, nm_diag AS nmDiag, non_spesialis AS nonSpesialis FROM ref_diagnosa WHERE kd_diag = ?').get(kdDiag.toUpperCase()) as
    | { kdDiag: string; nmDiag: string; nonSpesialis: number }
    | undefined
  return r ? { ...r, nonSpesialis: r.nonSpesialis === 1 } : null
}
