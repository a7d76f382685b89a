import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpAt } from '../../electron/core/auth/totp'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { createUser, requireBuiltRenderer, seedCore, startShell } from '../e2e/workstation'
import { tempDir } from '../helpers/tmp'

/**
 * Security review finding 6 (users could not be disabled, given a new password or a new authenticator, and an admin
 * who created another admin saw and kept that admin's TOTP secret), replayed over the browser shell's HTTP port as the
 * admin's page and the other users' pages would call it. Each now gets the safe behaviour: a disabled user's session
 * is dead at once and its sign-in refused like a wrong password; a reset password must be changed before anything
 * else; no answer to the creating or re-enrolling admin ever carries the other admin's secret.
 */
const ADMIN = { username: 'admin', password: 'kata-sandi-admin-users' }
const COUNTER = { username: 'loket1', password: 'kata-sandi-loket-users' }

interface Answer {
  ok: boolean
  value?: unknown
  error?: { code: string; key?: string }
}

/** A page's transport over plain HTTP: POST /rpc with its own cookie jar (the shell's HttpOnly session cookie). */
function client(shell: BrowserShell) {
  let cookie: string | undefined
  const raw: string[] = []
  async function rpc(channel: string, input: unknown = {}): Promise<Answer> {
    const res = await fetch(new URL('/rpc', shell.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ channel, input }),
      signal: AbortSignal.timeout(30_000),
    })
    const set = res.headers.get('set-cookie')
    if (set) {
      const pair = set.split(';')[0]
      cookie = pair.endsWith('=') ? undefined : pair
    }
    const text = await res.text()
    raw.push(text)
    return JSON.parse(text) as Answer
  }
  /** Every answer body this client received, as sent over the wire. */
  return { rpc, received: () => raw.join('\n') }
}

let tmp: ReturnType<typeof tempDir>
let shell: BrowserShell
let adminSecret: string
let admin: ReturnType<typeof client>

beforeAll(async () => {
  requireBuiltRenderer()
  tmp = tempDir('faskes-sec-users-')
  adminSecret = await seedCore(tmp.dir, async (core) => {
    await createUser(core, COUNTER, 'counter')
    return createUser(core, ADMIN, 'admin')
  })
  shell = await startShell(tmp.dir)
  admin = client(shell)
  expect(await admin.rpc('auth.login', { ...ADMIN, totp: totpAt(adminSecret, Date.now()) })).toMatchObject({ ok: true })
}, 120_000)

afterAll(async () => {
  await shell?.close()
  tmp?.cleanup()
})

describe('users an admin manages (finding 6)', () => {
  it('a disabled user: its open session is refused at once, and its sign-in gets the wrong-password answer', async () => {
    const counter = client(shell)
    expect(await counter.rpc('auth.login', COUNTER)).toMatchObject({ ok: true })
    expect(await counter.rpc('registration.today')).toMatchObject({ ok: true })

    expect(await admin.rpc('users.setEnabled', { username: COUNTER.username, enabled: false })).toEqual({ ok: true, value: { username: COUNTER.username, enabled: false } })
    expect(await counter.rpc('registration.today')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    const again = await client(shell).rpc('auth.login', COUNTER)
    const wrong = await client(shell).rpc('auth.login', { ...COUNTER, password: 'bukan-kata-sandinya' })
    expect(again).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(again.error?.key).toBe(wrong.error?.key)
    // Nor can the admin lock everyone out: not themself, and (with no other admin) not the last enabled admin.
    expect(await admin.rpc('users.setEnabled', { username: ADMIN.username, enabled: false })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } })

    expect(await admin.rpc('users.setEnabled', { username: COUNTER.username, enabled: true })).toMatchObject({ ok: true })
    expect(await client(shell).rpc('auth.login', COUNTER)).toMatchObject({ ok: true })
  })

  it('a reset password: the old one is refused, the temporary one signs in to nothing but changing it', async () => {
    const before = client(shell)
    expect(await before.rpc('auth.login', COUNTER)).toMatchObject({ ok: true })
    expect(await admin.rpc('users.resetPassword', { username: COUNTER.username, password: 'sementara-loket-1' })).toMatchObject({ ok: true })
    expect(await before.rpc('registration.today')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await client(shell).rpc('auth.login', COUNTER)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })

    const counter = client(shell)
    expect(await counter.rpc('auth.login', { ...COUNTER, password: 'sementara-loket-1' })).toEqual({ ok: true, value: { username: COUNTER.username, role: 'counter', pending: 'password' } })
    for (const channel of ['registration.today', 'patient.check', 'settings.get']) {
      expect(await counter.rpc(channel, channel === 'patient.check' ? { query: '0009999000001' } : {}), channel).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    expect(await counter.rpc('auth.changePassword', { current: 'sementara-loket-1', password: 'baru-loket-sendiri-1' })).toEqual({ ok: true, value: { username: COUNTER.username, role: 'counter' } })
    expect(await counter.rpc('registration.today')).toMatchObject({ ok: true })
  })

  it('creating and re-enrolling an admin never returns its secret to the acting admin; the new admin scans it at their own sign-in', async () => {
    const created = await admin.rpc('users.create', { username: 'admin2', password: 'kata-sandi-admin-kedua', role: 'admin' })
    expect(created).toEqual({ ok: true, value: { username: 'admin2', role: 'admin', enrolAtSignIn: true } })

    const admin2 = client(shell)
    expect(await admin2.rpc('auth.login', { username: 'admin2', password: 'kata-sandi-admin-kedua' })).toMatchObject({ ok: true, value: { pending: 'totp' } })
    expect(await admin2.rpc('users.list')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const first = await admin2.rpc('auth.enrolment')
    const secret1 = (first.value as { secret: string }).secret
    expect(secret1).toMatch(/^[A-Z2-7]{32}$/)
    // The acting admin cannot ask for it either: the enrolment answers only its own user.
    expect(await admin.rpc('auth.enrolment')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await admin2.rpc('auth.enrol', { totp: totpAt(secret1, Date.now()) })).toEqual({ ok: true, value: { username: 'admin2', role: 'admin' } })
    expect(await admin2.rpc('users.list')).toMatchObject({ ok: true })

    // Re-enrolment: admin2's session ends, the admin gets no secret, admin2 gets a new one at their next sign-in.
    expect(await admin.rpc('users.resetEnrolment', { username: 'admin2' })).toEqual({ ok: true, value: { username: 'admin2' } })
    expect(await admin2.rpc('users.list')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    const again = client(shell)
    expect(await again.rpc('auth.login', { username: 'admin2', password: 'kata-sandi-admin-kedua' })).toMatchObject({ ok: true, value: { pending: 'totp' } })
    const secret2 = ((await again.rpc('auth.enrolment')).value as { secret: string }).secret
    expect(secret2).toMatch(/^[A-Z2-7]{32}$/)
    expect(secret2).not.toBe(secret1)

    const seen = admin.received()
    for (const secret of [secret1, secret2]) expect(seen).not.toContain(secret)
    expect(seen).not.toContain('otpauth://')

    // Every step is in the audit the admin reads: who, which user, what.
    const audit = await admin.rpc('users.audit', {})
    const rows = (audit.value as { actor: string; username: string; action: string }[]).map((r) => `${r.actor}>${r.username}:${r.action}`)
    expect(rows).toEqual(
      expect.arrayContaining(['admin>admin2:resetEnrolment', 'admin2>admin2:enrol', 'admin>admin2:create', 'admin>loket1:resetPassword', 'admin>loket1:disable', 'admin>loket1:enable']),
    )
  })
})
