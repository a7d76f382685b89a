import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../db'
import type { CallContext } from '../ipc/dispatch'
import { tempDir } from '../../../test/helpers/tmp'
import { AuthService } from './index'
import { THROTTLE } from './throttle'
import { totpAt } from './totp'
import {
  changeOwnPassword,
  confirmOwnEnrolment,
  createUser,
  listUsers,
  ownEnrolment,
  refuseWhilePending,
  resetEnrolment,
  resetPassword,
  setEnabled,
  unlockUser,
  userAudit,
} from './users'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

const T0 = 1_800_000_000_000

/** A fresh database with an AuthService on a fixed seal key and a clock the test moves. */
function setup() {
  const tmp = tempDir('faskes-users-')
  const db: DB = openDatabase(`${tmp.dir}/users.db`)
  cleanups.push(() => {
    db.close()
    tmp.cleanup()
  })
  const clock = { now: T0 }
  const auth = new AuthService(db, async () => Buffer.alloc(32, 3), () => clock.now)
  /** A jar like a transport's: the token a sign-in set. */
  const jar = (token?: string) => ({ token: () => token, set: (t: string | null) => void (token = t ?? undefined) })
  const as = (username: string, role: 'admin' | 'counter' | 'clinician', token?: string): Pick<CallContext, 'user' | 'role' | 'session' | 'transport'> => ({
    user: username,
    role,
    session: jar(token),
    transport: 'test',
  })
  return { db, auth, clock, as, now: () => clock.now }
}

const SOURCE = 'unit'

describe('users an admin manages', () => {
  it('disable ends the sessions at once and refuses the sign-in like a wrong password; enable lets the user in again', async () => {
    const { db, auth, as, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    await auth.createUser('loket1', 'rahasia-loket-satu', 'counter')
    const { token } = await auth.login('loket1', 'rahasia-loket-satu', undefined, SOURCE)
    expect(auth.resolve(token)?.user.username).toBe('loket1')

    expect(setEnabled(db, auth, { username: 'loket1', enabled: false }, as('admin1', 'admin'), now)).toEqual({ username: 'loket1', enabled: false })
    expect(auth.resolve(token)).toBeNull()
    await expect(auth.login('loket1', 'rahasia-loket-satu', undefined, SOURCE)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', key: 'auth.badCredentials' })
    expect(listUsers(db, auth).find((u) => u.username === 'loket1')).toMatchObject({ enabled: false })

    setEnabled(db, auth, { username: 'loket1', enabled: true }, as('admin1', 'admin'), now)
    expect((await auth.login('loket1', 'rahasia-loket-satu', undefined, SOURCE)).user).toEqual({ username: 'loket1', role: 'counter' })
    expect(userAudit(db, { limit: 10 }).map((a) => [a.actor, a.username, a.action])).toEqual([
      ['admin1', 'loket1', 'enable'],
      ['admin1', 'loket1', 'disable'],
    ])
  })

  it('an admin cannot disable themself nor the last enabled admin; unknown users are NOT_FOUND', async () => {
    const { db, auth, as, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    await auth.createUser('admin2', 'rahasia-admin-dua', 'admin')
    expect(() => setEnabled(db, auth, { username: 'admin1', enabled: false }, as('admin1', 'admin'), now)).toThrow(expect.objectContaining({ code: 'CONFLICT', key: 'user.cannotDisableSelf' }))
    setEnabled(db, auth, { username: 'admin2', enabled: false }, as('admin1', 'admin'), now)
    // admin1 is now the last enabled admin: even another (say, a session left from before) cannot disable it.
    expect(() => setEnabled(db, auth, { username: 'admin1', enabled: false }, as('admin2', 'admin'), now)).toThrow(expect.objectContaining({ code: 'CONFLICT', key: 'user.lastAdmin' }))
    expect(() => setEnabled(db, auth, { username: 'nobody', enabled: false }, as('admin1', 'admin'), now)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(listUsers(db, auth).map((u) => [u.username, u.enabled])).toEqual([
      ['admin1', true],
      ['admin2', false],
    ])
  })

  it('a reset password ends the sessions; the next sign-in may only change it, then works normally', async () => {
    const { db, auth, as, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    await auth.createUser('dr.satu', 'rahasia-dokter-1', 'clinician')
    const before = await auth.login('dr.satu', 'rahasia-dokter-1', undefined, SOURCE)

    expect(await resetPassword(db, auth, { username: 'dr.satu', password: 'sementara-123' }, as('admin1', 'admin'), now)).toEqual({ username: 'dr.satu' })
    expect(auth.resolve(before.token)).toBeNull()
    await expect(auth.login('dr.satu', 'rahasia-dokter-1', undefined, SOURCE)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    const temp = await auth.login('dr.satu', 'sementara-123', undefined, SOURCE)
    expect(temp.user).toEqual({ username: 'dr.satu', role: 'clinician', pending: 'password' })
    expect(listUsers(db, auth).find((u) => u.username === 'dr.satu')).toMatchObject({ mustChangePassword: true })

    const user = { username: 'dr.satu' }
    expect(() => refuseWhilePending(auth, 'examination.save', user)).toThrow(expect.objectContaining({ code: 'FORBIDDEN', key: 'user.passwordPending' }))
    expect(() => refuseWhilePending(auth, 'auth.changePassword', user)).not.toThrow()
    expect(() => refuseWhilePending(auth, 'auth.me', user)).not.toThrow()
    expect(() => refuseWhilePending(auth, 'session.touch', user)).not.toThrow()

    const me = as('dr.satu', 'clinician', temp.token)
    await expect(changeOwnPassword(db, auth, { current: 'salah-salah-1', password: 'baru-sekali-123' }, me, now)).rejects.toMatchObject({ code: 'INVALID_INPUT', key: 'user.currentPasswordWrong' })
    await expect(changeOwnPassword(db, auth, { current: 'sementara-123', password: 'sementara-123' }, me, now)).rejects.toMatchObject({ key: 'user.passwordSame' })
    expect(await changeOwnPassword(db, auth, { current: 'sementara-123', password: 'baru-sekali-123' }, me, now)).toEqual({ username: 'dr.satu', role: 'clinician' })
    // The session that changed it goes on, now unrestricted.
    expect(auth.resolve(temp.token)?.user.username).toBe('dr.satu')
    expect(() => refuseWhilePending(auth, 'examination.save', user)).not.toThrow()
    expect((await auth.login('dr.satu', 'baru-sekali-123', undefined, SOURCE)).user).toEqual({ username: 'dr.satu', role: 'clinician' })
    expect(userAudit(db, { limit: 10 }).map((a) => [a.actor, a.username, a.action])).toEqual([
      ['dr.satu', 'dr.satu', 'changePassword'],
      ['admin1', 'dr.satu', 'resetPassword'],
    ])
  })

  it('guessing the current password through an open session counts in the sign-in throttle', async () => {
    const { db, auth, as, clock, now } = setup()
    await auth.createUser('loket1', 'rahasia-loket-satu', 'counter')
    const me = as('loket1', 'counter')
    for (let i = 1; i <= 5; i++) {
      await expect(changeOwnPassword(db, auth, { current: `tebakan-salah-${i}`, password: 'baru-sekali-123' }, me, now)).rejects.toMatchObject({ key: 'user.currentPasswordWrong' })
    }
    // After 5 failures even the right password waits (and is not checked), for the sign-in too.
    await expect(changeOwnPassword(db, auth, { current: 'rahasia-loket-satu', password: 'baru-sekali-123' }, me, now)).rejects.toMatchObject({ key: 'auth.throttled' })
    await expect(auth.login('loket1', 'rahasia-loket-satu', undefined, 'test')).rejects.toMatchObject({ key: 'auth.throttled' })
    clock.now += 60_000
    expect(await changeOwnPassword(db, auth, { current: 'rahasia-loket-satu', password: 'baru-sekali-123' }, me, now)).toEqual({ username: 'loket1', role: 'counter' })
  })

  it('an admin unlock ends the 15-minute lock at once and is audited (who, when, which user); unknown users are NOT_FOUND', async () => {
    const { db, auth, as, clock, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    await auth.createUser('loket1', 'rahasia-loket-satu', 'counter')
    for (let i = 0; i < THROTTLE.lockAfter; i++) {
      await expect(auth.login('loket1', `tebakan-salah-${i}`, undefined, 'ipc')).rejects.toMatchObject({ key: 'auth.badCredentials' })
      clock.now += 60_000 // past every short delay, inside the lock's window
    }
    const row = () => listUsers(db, auth).find((u) => u.username === 'loket1')
    expect(row()?.lockedUntil).toBeGreaterThan(clock.now)
    await expect(auth.login('loket1', 'rahasia-loket-satu', undefined, 'ipc')).rejects.toMatchObject({ key: 'auth.throttled' })

    const unlockedAt = clock.now
    expect(unlockUser(db, auth, { username: 'loket1' }, as('admin1', 'admin'), now)).toEqual({ username: 'loket1' })
    expect(row()?.lockedUntil).toBeNull()
    expect(userAudit(db, { limit: 10 })[0]).toEqual({ at: unlockedAt, actor: 'admin1', username: 'loket1', action: 'unlock', desk: null })
    expect((await auth.login('loket1', 'rahasia-loket-satu', undefined, 'ipc')).user).toEqual({ username: 'loket1', role: 'counter' })

    expect(() => unlockUser(db, auth, { username: 'nobody' }, as('admin1', 'admin'), now)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(userAudit(db, { limit: 10 }).filter((a) => a.action === 'unlock')).toHaveLength(1)
  })

  it('an admin created by another admin gets no secret back, signs in with the password only and must enrol first', async () => {
    const { db, auth, as, clock, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    const created = await createUser(db, auth, { username: 'admin2', password: 'rahasia-admin-dua', role: 'admin' }, as('admin1', 'admin'), now)
    expect(created).toEqual({ username: 'admin2', role: 'admin', enrolAtSignIn: true })
    expect(JSON.stringify(created)).not.toMatch(/secret|otpauth/)

    const signIn = await auth.login('admin2', 'rahasia-admin-dua', undefined, SOURCE)
    expect(signIn.user).toEqual({ username: 'admin2', role: 'admin', pending: 'totp' })
    expect(() => refuseWhilePending(auth, 'users.list', { username: 'admin2' })).toThrow(expect.objectContaining({ key: 'user.enrolPending' }))
    // The admin who created it cannot read it either: the enrolment answers only its own user.
    await expect(ownEnrolment(auth, as('admin1', 'admin'))).rejects.toMatchObject({ code: 'FORBIDDEN' })

    const me = as('admin2', 'admin', signIn.token)
    const { secret, otpauthUri } = await ownEnrolment(auth, me)
    expect(otpauthUri).toContain(`secret=${secret}`)
    await expect(confirmOwnEnrolment(db, auth, { totp: totpAt(secret, clock.now) === '000000' ? '111111' : '000000' }, me, now)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const code = totpAt(secret, clock.now)
    expect(await confirmOwnEnrolment(db, auth, { totp: code }, me, now)).toEqual({ username: 'admin2', role: 'admin' })
    expect(() => refuseWhilePending(auth, 'users.list', { username: 'admin2' })).not.toThrow()
    // Now the code is required, and the one that confirmed cannot sign in again.
    await expect(auth.login('admin2', 'rahasia-admin-dua', undefined, SOURCE)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    await expect(auth.login('admin2', 'rahasia-admin-dua', code, SOURCE)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    clock.now += 30_000
    expect((await auth.login('admin2', 'rahasia-admin-dua', totpAt(secret, clock.now), SOURCE)).user).toEqual({ username: 'admin2', role: 'admin' })
    expect(userAudit(db, { limit: 10 }).map((a) => [a.actor, a.username, a.action])).toEqual([
      ['admin2', 'admin2', 'enrol'],
      ['admin1', 'admin2', 'create'],
    ])
  })

  it('re-enrolment: the old authenticator stops working, the admin gets no secret, the user scans a new one at sign-in', async () => {
    const { db, auth, as, clock, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    const old = (await auth.createUser('admin2', 'rahasia-admin-dua', 'admin')).enrolment!.secret
    await auth.createUser('loket1', 'rahasia-loket-satu', 'counter')
    const session = await auth.login('admin2', 'rahasia-admin-dua', totpAt(old, clock.now), SOURCE)

    const answer = await resetEnrolment(db, auth, { username: 'admin2' }, as('admin1', 'admin'), now)
    expect(answer).toEqual({ username: 'admin2' })
    expect(auth.resolve(session.token)).toBeNull()
    clock.now += 30_000
    // The old secret no longer opens anything; the password alone now leads to the enrolment only.
    const signIn = await auth.login('admin2', 'rahasia-admin-dua', totpAt(old, clock.now), SOURCE)
    expect(signIn.user.pending).toBe('totp')
    const { secret } = await ownEnrolment(auth, as('admin2', 'admin', signIn.token))
    expect(secret).not.toBe(old)
    expect(listUsers(db, auth).find((u) => u.username === 'admin2')).toMatchObject({ totp: false, enrolPending: true })
    await expect(resetEnrolment(db, auth, { username: 'loket1' }, as('admin1', 'admin'), now)).rejects.toMatchObject({ code: 'INVALID_INPUT', key: 'user.noAuthenticator' })
    expect(userAudit(db, { limit: 1 })).toEqual([{ at: clock.now - 30_000, actor: 'admin1', username: 'admin2', action: 'resetEnrolment', desk: null }])
  })

  it('a reset password and a re-enrolment together: the password comes first, then the authenticator', async () => {
    const { db, auth, as, clock, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    await createUser(db, auth, { username: 'admin2', password: 'rahasia-admin-dua', role: 'admin' }, as('admin1', 'admin'), now)
    await resetPassword(db, auth, { username: 'admin2', password: 'sementara-123' }, as('admin1', 'admin'), now)
    const signIn = await auth.login('admin2', 'sementara-123', undefined, SOURCE)
    expect(signIn.user.pending).toBe('password')
    const me = as('admin2', 'admin', signIn.token)
    await expect(ownEnrolment(auth, me)).rejects.toMatchObject({ code: 'FORBIDDEN' })
    expect((await changeOwnPassword(db, auth, { current: 'sementara-123', password: 'baru-sekali-123' }, me, now)).pending).toBe('totp')
    const { secret } = await ownEnrolment(auth, me)
    expect((await confirmOwnEnrolment(db, auth, { totp: totpAt(secret, clock.now) }, me, now)).pending).toBeUndefined()
  })

  it("records the hub desk's name on changes made through a desk call, and null on the hub's own calls", async () => {
    const { db, auth, clock, as, now } = setup()
    await auth.createUser('admin1', 'rahasia-admin-satu', 'admin')
    const atDesk = { ...as('admin1', 'admin'), desk: { id: 'desk-0a1b2c', name: 'Loket 1' } }
    await createUser(db, auth, { username: 'loket1', password: 'rahasia-loket-satu', role: 'counter' }, atDesk, now)
    clock.now += 1000
    setEnabled(db, auth, { username: 'loket1', enabled: false }, as('admin1', 'admin'), now)
    clock.now += 1000
    setEnabled(db, auth, { username: 'loket1', enabled: true }, { ...as('admin1', 'admin'), desk: { id: 'desk-3d4e5f', name: 'Poli Umum' } }, now)
    clock.now += 1000
    await resetPassword(db, auth, { username: 'loket1', password: 'sementara-baru-1' }, atDesk, now)

    expect(userAudit(db, { limit: 10 }).map((a) => [a.action, a.desk])).toEqual([
      ['resetPassword', 'Loket 1'],
      ['enable', 'Poli Umum'],
      ['disable', null],
      ['create', 'Loket 1'],
    ])
  })
})
