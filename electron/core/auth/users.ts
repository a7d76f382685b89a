import type { Input, Output } from '../../contract'
import type { DB } from '../db'
import { checkUserDokter, setUserDokter, userDokterMap } from './doctor'
import type { AuthService } from './index'

/** The admin's user list, each with the PCare doctor code linked to it (null when none). */
export function listUsers(db: DB, auth: AuthService): Output<'users.list'> {
  const dokter = userDokterMap(db)
  return auth.list().map((u) => ({ ...u, kdDokter: dokter.get(u.username) ?? null, lockedUntil: auth.lockedUntil(u.username) }))
}

/**
 * Creates a user, linked to a PCare doctor code when given. The code is checked first (checkUserDokter refuses a
 * counter with a code, and a code missing from a filled dokter list), so a refused code creates no user.
 */
export async function createUser(db: DB, auth: AuthService, input: Input<'users.create'>): Promise<Output<'users.create'>> {
  checkUserDokter(db, input.role, input.kdDokter)
  const u = await auth.createUser(input.username, input.password, input.role)
  if (input.kdDokter) setUserDokter(db, input.username, input.kdDokter)
  return u
}
