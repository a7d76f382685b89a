import type { Database, Statement } from 'better-sqlite3'

/**
 * The most distinct SQL texts one connection keeps compiled. Callers pass literal SQL written in the code (a few
 * dozen texts on the save path), so the bound is never reached in use; should a caller ever build SQL from data, the
 * cache starts over instead of growing without end.
 */
const MAX_STATEMENTS = 256

const caches = new WeakMap<Database, Map<string, Statement>>()

/**
 * `db.prepare(sql)`, compiled once per connection and reused (issue 17, Deliver 3). better-sqlite3 compiles on every
 * `prepare`; on the record-visit path that was about 60 % of the statements' time (docs/data-at-rest.md, "Where
 * record-visit time goes"), the rest being the statements' own work.
 *
 * For the hot write paths only, and with these rules, because the statement object is shared by every caller of the
 * same text: SQL is a literal (values are bound, never spliced in); use `run`, `get` and `all` only, never `pluck`,
 * `raw`, `expand`, `safeIntegers` or `bind` (they change the shared object) nor `iterate` (a second use while one
 * iteration is open throws "statement is busy"). A schema change made later on the same connection (a migration) is
 * picked up: SQLite recompiles a statement whose schema changed on its next step. The cache lives as long as `db`.
 */
export function prepared(db: Database, sql: string): Statement {
  let cache = caches.get(db)
  if (!cache) {
    cache = new Map()
    caches.set(db, cache)
  }
  let stmt = cache.get(sql)
  if (!stmt) {
    if (cache.size >= MAX_STATEMENTS) cache.clear()
    stmt = db.prepare(sql)
    cache.set(sql, stmt)
  }
  return stmt
}
