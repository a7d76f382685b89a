import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../app'
import { call } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'
import { tempDir } from '../../../test/helpers/tmp'
import { AuthService } from './index'
import { hashPassword, verifyPassword } from './password'
import { windowSetupGate } from './setup-gate'
import { totpAt } from './totp'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function setup(): Core {
  const tmp = tempDir('faskes-auth-')
  const core = createCore({ dataDir: tmp.dir, version: 'test' })
  cleanups.push(() => {
    void core.close()
    tmp.cleanup()
  })
  return core
}

/** A transport stand-in that keeps the token like a cookie jar would. */
function jar() {
  let token: string | undefined
  return { token: () => token, set: (t: string | null) => void (token = t ?? undefined), peek: () => token }
}

describe('passwords', () => {
  it('scrypt hashes are salted and verify only the right password', async () => {
    const a = await hashPassword('kata-sandi-uji-1')
    expect(a).not.toBe(await hashPassword('kata-sandi-uji-1'))
    expect(a).not.toContain('kata-sandi')
    expect((await verifyPassword('kata-sandi-uji-1', a)).ok).toBe(true)
    expect((await verifyPassword('kata-sandi-uji-2', a)).ok).toBe(false)
  })
})

describe('sign-in and roles through the handler table', () => {
  it('first run creates the admin; then admin channels need the admin session with a TOTP code', async () => {
    const core = setup()
    const table = createHandlers(core)
    const admin = jar()
    // The app window's proof for first run (core/security/ipc.ts gives it to the trusted page only).
    const ctx = (j: ReturnType<typeof jar>) => ({ transport: 'test' as const, session: j, setupGate: windowSetupGate })

    expect(await call(table, 'auth.me', {}, ctx(admin))).toEqual({ ok: true, value: { user: null, setupRequired: true, setupCodeRequired: false, locale: 'id' } })
    const setupRes = await call(table, 'auth.setup', { username: 'admin', password: 'rahasia-uji-123' }, ctx(admin))
    if (!setupRes.ok) throw new Error(setupRes.error.message)
    expect(setupRes.value.otpauthUri).toContain(setupRes.value.secret)

    // Users exist now: an anonymous caller is refused at admin channels and at app.info; the sign-in ones still answer.
    const anon = jar()
    expect(await call(table, 'outbox.list', {}, ctx(anon))).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await call(table, 'app.info', {}, ctx(anon))).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect((await call(table, 'auth.me', {}, ctx(anon))).ok).toBe(true)

    expect(await call(table, 'auth.login', { username: 'admin', password: 'rahasia-uji-123' }, ctx(admin))).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await call(table, 'auth.login', { username: 'admin', password: 'salah-salah-1', totp: totpAt(setupRes.value.secret, Date.now()) }, ctx(admin))).toMatchObject({ ok: false })
    const code = totpAt(setupRes.value.secret, Date.now())
    expect(await call(table, 'auth.login', { username: 'admin', password: 'rahasia-uji-123', totp: code }, ctx(admin))).toEqual({ ok: true, value: { username: 'admin', role: 'admin' } })
    expect(admin.peek()).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    // The same code cannot sign in twice, and the token is not stored in the database.
    const again = jar()
    expect(await call(table, 'auth.login', { username: 'admin', password: 'rahasia-uji-123', totp: code }, ctx(again))).toMatchObject({ ok: false })
    expect(JSON.stringify(core.db.prepare('SELECT * FROM sessions').all())).not.toContain(admin.peek())
    expect(await call(table, 'auth.me', {}, ctx(admin))).toEqual({ ok: true, value: { user: { username: 'admin', role: 'admin', kdDokter: null }, setupRequired: false, setupCodeRequired: false, locale: 'id' } })
    // First run is closed once the admin has signed in.
    expect(await call(table, 'auth.setup', { username: 'other', password: 'rahasia-uji-456' }, ctx(anon))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })

    const created = await call(table, 'users.create', { username: 'loket1', password: 'rahasia-loket-1', role: 'counter' }, ctx(admin))
    expect(created).toEqual({ ok: true, value: { username: 'loket1', role: 'counter', enrolAtSignIn: false } })
    const counter = jar()
    expect((await call(table, 'auth.login', { username: 'loket1', password: 'rahasia-loket-1' }, ctx(counter))).ok).toBe(true)
    expect(await call(table, 'outbox.list', {}, ctx(counter))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await call(table, 'users.create', { username: 'x-admin', password: 'rahasia-uji-789', role: 'admin' }, ctx(counter))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect((await call(table, 'registration.today', {}, ctx(counter))).ok).toBe(true)

    // A clinician linked to a PCare doctor code; a counter user cannot be.
    expect(await call(table, 'users.create', { username: 'dr.satu', password: 'rahasia-dokter-1', role: 'clinician', kdDokter: '131491' }, ctx(admin))).toMatchObject({ ok: true })
    expect(await call(table, 'users.create', { username: 'loket2', password: 'rahasia-loket-2', role: 'counter', kdDokter: '131491' }, ctx(admin))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', key: 'user.kdDokterRole' },
    })
    expect(await call(table, 'users.setDokter', { username: 'dr.satu', kdDokter: '131492' }, ctx(counter))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await call(table, 'users.setDokter', { username: 'dr.satu', kdDokter: '131492' }, ctx(admin))).toEqual({ ok: true, value: { username: 'dr.satu', kdDokter: '131492' } })
    const doctor = jar()
    expect((await call(table, 'auth.login', { username: 'dr.satu', password: 'rahasia-dokter-1' }, ctx(doctor))).ok).toBe(true)
    expect(await call(table, 'auth.me', {}, ctx(doctor))).toMatchObject({ ok: true, value: { user: { username: 'dr.satu', kdDokter: '131492' } } })

    const list = await call(table, 'users.list', {}, ctx(admin))
    expect(list.ok && list.value.map((u) => [u.username, u.role, u.totp, u.kdDokter]).sort()).toEqual([
      ['admin', 'admin', true, null],
      ['dr.satu', 'clinician', false, '131492'],
      ['loket1', 'counter', false, null],
    ])
    expect(await call(table, 'auth.logout', {}, ctx(counter))).toEqual({ ok: true, value: { ok: true } })
    expect(counter.peek()).toBeUndefined()
    expect(await call(table, 'registration.today', {}, ctx(counter))).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('a session past its 12 h lifetime resolves to nobody', async () => {
    const core = setup()
    let now = 1_700_000_000_000
    // No keychain here: only admins need one (for their sealed TOTP seed).
    const auth = new AuthService(core.db, null, () => now)
    await auth.createUser('perawat1', 'rahasia-perawat', 'clinician')
    await expect(auth.createUser('admin2', 'rahasia-admin', 'admin')).rejects.toThrow(/Keychain/)
    const { token } = await auth.login('perawat1', 'rahasia-perawat', undefined, 'test')
    expect(auth.resolve(token)).toEqual({ user: { username: 'perawat1', role: 'clinician' }, locked: false })
    now += 13 * 60 * 60 * 1000
    expect(auth.resolve(token)).toBeNull()
    expect(auth.resolve('not-a-token')).toBeNull()
  })
})

describe('sealed TOTP seeds', () => {
  it('keeps only ciphertext in SQLite and verifies codes with the keychain key; another key cannot open it', async () => {
    const core = setup()
    const key = Buffer.alloc(32, 7)
    const now = 1_700_000_000_000
    const auth = new AuthService(core.db, async () => key, () => now)
    const { enrolment } = await auth.createUser('admin1', 'rahasia-admin', 'admin')
    const stored = (core.db.prepare("SELECT totp_secret FROM users WHERE username = 'admin1'").get() as { totp_secret: string }).totp_secret
    expect(stored.startsWith('v1.')).toBe(true)
    expect(stored).not.toContain(enrolment!.secret)
    const code = totpAt(enrolment!.secret, now)
    expect((await auth.login('admin1', 'rahasia-admin', code, 'test')).user.role).toBe('admin')
    const other = new AuthService(core.db, async () => Buffer.alloc(32, 8), () => now + 30_000)
    await expect(other.login('admin1', 'rahasia-admin', totpAt(enrolment!.secret, now + 30_000), 'test')).rejects.toThrow(/Daftarkan ulang/)
  })
})
