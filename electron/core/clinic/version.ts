import type { DB } from '../db'
import { prepared } from '../db/statements'
import { writeTx } from '../db/tx'
import { AppError, msg } from '../errors'

/**
 * Marks a staff write to visit `noRawat` (issue 16: two desks, one visit): one more on `registrations.version`, inside
 * the caller's write transaction. With `expected` (the version the caller's form read), a visit whose version moved
 * since is refused with CONFLICT visit.changedElsewhere and nothing is written, so a second desk never overwrites the
 * first one's save unseen; without it (a caller that read nothing, an older page) the write goes ahead. Returns the
 * new version. Callers check existence first (their own NOT_FOUND message).
 */
function bumpVisitVersion(db: DB, noRawat: string, expected: number | undefined): number {
  const row = db
    .prepare('UPDATE registrations SET version = version + 1 WHERE no_rawat = ? AND (? IS NULL OR version = ?) RETURNING version')
    .get(noRawat, expected ?? null, expected ?? null) as { version: number } | undefined
  if (!row) throw new AppError('CONFLICT', msg('visit.changedElsewhere', { noRawat }))
  return row.version
}

/**
 * Runs the staff write `fn` to visit `noRawat` in one write transaction with its version check and bump first
 * (bumpVisitVersion): a stale `expected` refuses the whole write, and a write that fails rolls the bump back with it.
 * A visit that does not exist is left to `fn`'s own NOT_FOUND.
 */
export function withVisitVersion<T>(db: DB, noRawat: string, expected: number | undefined, fn: () => T): T {
  return writeTx(db, () => {
    if (prepared(db, 'SELECT 1 FROM registrations WHERE no_rawat = ?').get(noRawat)) bumpVisitVersion(db, noRawat, expected)
    return fn()
  })
}
