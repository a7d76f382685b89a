import type { DB } from '../db'
import { AppError, fieldError, msg } from '../errors'
import type { Role } from '../../contract'

/**
 * A user's link to their PCare doctor code (`users.kd_dokter`), which the examination takes as its doctor when the
 * registration names none. Only clinicians and admins examine, so only they carry one. A code must be on PCare's
 * cached dokter list when that list is filled (offline before the first reference refresh, any code is kept).
 */
export function checkUserDokter(db: DB, role: Role, kdDokter: string | null | undefined): void {
  if (!kdDokter) return
  if (role === 'counter') throw new AppError('INVALID_INPUT', msg('user.kdDokterRole'), [fieldError('kdDokter', msg('user.kdDokterRole'))])
  const { n } = db.prepare('SELECT count(*) AS n FROM ref_dokter').get() as { n: number }
  if (n > 0 && !db.prepare('SELECT 1 FROM ref_dokter WHERE kd_dokter = ?').get(kdDokter)) {
    throw new AppError('INVALID_INPUT', msg('dokter.unknown', { kdDokter }), [fieldError('kdDokter', msg('dokter.unknownShort'))])
  }
}

/** Sets (or with null clears) a user's doctor code. Throws NOT_FOUND for an unknown user. */
export function setUserDokter(db: DB, username: string, kdDokter: string | null): { username: string; kdDokter: string | null } {
  const u = db.prepare('SELECT role FROM users WHERE username = ?').get(username) as { role: Role } | undefined
  if (!u) throw new AppError('NOT_FOUND', msg('user.notFound', { username }))
  checkUserDokter(db, u.role, kdDokter)
  db.prepare('UPDATE users SET kd_dokter = ? WHERE username = ?').run(kdDokter, username)
  return { username, kdDokter }
}

/** Every user's doctor code by username (users without one are absent). */
export function userDokterMap(db: DB): Map<string, string> {
  const rows = db.prepare('SELECT username, kd_dokter FROM users WHERE kd_dokter IS NOT NULL').all() as { username: string; kd_dokter: string }[]
  return new Map(rows.map((r) => [r.username, r.kd_dokter]))
}

/** One user's doctor code, or null. */
export function userDokter(db: DB, username: string): string | null {
  return (db.prepare('SELECT kd_dokter FROM users WHERE username = ?').get(username) as { kd_dokter: string | null } | undefined)?.kd_dokter ?? null
}
