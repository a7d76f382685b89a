import { afterEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../electron/core/app'
import { AuthService } from '../../electron/core/auth'
import { THROTTLE } from '../../electron/core/auth/throttle'
import { totpAt } from '../../electron/core/auth/totp'
import { requireBuiltRenderer, seedCore, startShell } from '../e2e/workstation'
import { tempDir } from '../helpers/tmp'
import { shellClient } from './shell-client'

/**
 * Security review findings 3 (no throttling on auth.login), 4 (a right admin password without a code answered
 * differently from a wrong one) and 17 (one TOTP code accepted by two concurrent sign-ins), replayed as someone on the
 * same machine: guessing over the browser shell's HTTP port, and against core with a stepped clock for the lock.
 */
const COUNTER = { username: 'loket1', password: 'kata-sandi-loket-1' }
const ADMIN = { username: 'admin', password: 'kata-sandi-admin-1' }

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function dataDir(): string {
  const tmp = tempDir('faskes-sec-signin-')
  cleanups.push(() => tmp.cleanup())
  return tmp.dir
}

/** Core on its own data folder, no keychain: admins get a fixed seal key through AuthService below. */
function core(): Core {
  const c = createCore({ dataDir: dataDir(), version: 'test', keychain: false })
  cleanups.push(() => c.close())
  return c
}


describe('sign-in throttling (finding 3)', () => {
  it('over HTTP: 40 wrong passwords, then the right one, is refused; guessing slows down instead of running at hash speed', async () => {
    requireBuiltRenderer()
    const dir = dataDir()
    await seedCore(dir, (c) => new AuthService(c.db, null).createUser(COUNTER.username, COUNTER.password, 'counter'), { keychain: false })
    const shell = await startShell(dir)
    cleanups.push(() => shell.close())

    // Any local process, as curl would: no cookie (none is ever set, since no sign-in succeeds).
    const rpc = async (channel: string, input: unknown) => (await shellClient(shell).rpc(channel, input)).body
    const answers = []
    for (let i = 0; i < 40; i++) answers.push(await rpc('auth.login', { username: COUNTER.username, password: `tebakan-salah-${i}` }))
    expect(answers.every((a) => !a.ok && a.error?.code === 'UNAUTHENTICATED')).toBe(true)
    // The first failures are checked; once the delay starts the rest are refused without a check.
    expect(answers.slice(0, THROTTLE.delayAfter).every((a) => a.error?.key === 'auth.badCredentials')).toBe(true)
    expect(answers.filter((a) => a.error?.key === 'auth.throttled').length).toBeGreaterThan(20)

    const right = await rpc('auth.login', COUNTER)
    expect(right).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', key: 'auth.throttled' } })
    // The source is throttled too: another name from the same address waits as well.
    expect(await rpc('auth.login', { username: 'loket2', password: 'apa-saja-123' })).toMatchObject({ ok: false, error: { key: 'auth.throttled' } })
  })

  it('against core: a guesser who waits out every delay is locked for 15 minutes after 10 failures; an admin can unlock', async () => {
    const c = core()
    let now = 1_800_000_000_000
    const auth = new AuthService(c.db, null, () => now)
    await auth.createUser(COUNTER.username, COUNTER.password, 'counter')
    const attempt = (password: string, source = 'ipc') => auth.login(COUNTER.username, password, undefined, source)

    for (let i = 0; i < THROTTLE.lockAfter; i++) {
      await expect(attempt(`salah-${i}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED', key: 'auth.badCredentials' })
      now += 60_000 // past every delay (the longest is 32 s), inside the 15-minute window
    }
    expect(auth.lockedUntil(COUNTER.username)).toBe(now - 60_000 + THROTTLE.lockMs)
    // Locked: the right password is refused without being checked, from this source and from any other.
    await expect(attempt(COUNTER.password)).rejects.toMatchObject({ key: 'auth.throttled' })
    now += 13 * 60_000
    await expect(attempt(COUNTER.password, '127.0.0.9')).rejects.toMatchObject({ key: 'auth.throttled' })

    // An admin (on another AuthService over the same database, as the Users screen would call) unlocks the user.
    new AuthService(c.db, null, () => now).unlockUser(COUNTER.username)
    expect(auth.lockedUntil(COUNTER.username)).toBeNull()
    // At the Electron window ("ipc") only the user is counted, so the unlocked user signs in at the same counter.
    expect((await attempt(COUNTER.password)).user).toEqual({ username: COUNTER.username, role: 'counter' })
  })

  it("against core: at an Electron counter one user's ten wrong passwords lock that user, not a colleague or the admin", async () => {
    const c = core()
    let now = 1_800_000_000_000
    const auth = new AuthService(c.db, null, () => now)
    await auth.createUser(COUNTER.username, COUNTER.password, 'counter')
    await auth.createUser('loket2', 'kata-sandi-loket-2', 'counter')
    for (let i = 0; i < THROTTLE.lockAfter; i++) {
      await expect(auth.login(COUNTER.username, `salah-${i}`, undefined, 'ipc')).rejects.toMatchObject({ key: 'auth.badCredentials' })
      now += 60_000
    }
    await expect(auth.login(COUNTER.username, COUNTER.password, undefined, 'ipc')).rejects.toMatchObject({ key: 'auth.throttled' })
    expect((await auth.login('loket2', 'kata-sandi-loket-2', undefined, 'ipc')).user.username).toBe('loket2')
  })

  it('against core: without an admin the lock ends by itself after 15 minutes', async () => {
    const c = core()
    let now = 1_800_000_000_000
    const auth = new AuthService(c.db, null, () => now)
    await auth.createUser(COUNTER.username, COUNTER.password, 'counter')
    for (let i = 0; i < THROTTLE.lockAfter; i++) {
      await expect(auth.login(COUNTER.username, `salah-${i}`, undefined, `src-${i}`)).rejects.toMatchObject({ key: 'auth.badCredentials' })
      now += 40_000
    }
    now += THROTTLE.lockMs - 40_000 - 1
    await expect(auth.login(COUNTER.username, COUNTER.password, undefined, 'src-x')).rejects.toMatchObject({ key: 'auth.throttled' })
    now += 1
    expect((await auth.login(COUNTER.username, COUNTER.password, undefined, 'src-x')).user.username).toBe(COUNTER.username)
  })
})

describe('one answer for every failure (finding 4) and a code used once (finding 17)', () => {
  async function adminCore() {
    const c = core()
    const now = 1_800_000_000_000
    const auth = new AuthService(c.db, async () => Buffer.alloc(32, 3), () => now)
    const { enrolment } = await auth.createUser(ADMIN.username, ADMIN.password, 'admin')
    return { auth, code: totpAt(enrolment!.secret, now), wrongCode: totpAt(enrolment!.secret, now + 10 * 60_000) }
  }

  it('a right admin password without a code, with a wrong code, and a wrong password all get the same answer', async () => {
    const { auth, code, wrongCode } = await adminCore()
    const answer = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code: string; key: string; message: string; fields?: unknown[] }) => JSON.stringify([e.code, e.key, e.message, e.fields ?? []]))
    // Each from its own source, so the throttle never answers instead.
    const noCode = await answer(auth.login(ADMIN.username, ADMIN.password, undefined, 's1'))
    const badCode = await answer(auth.login(ADMIN.username, ADMIN.password, wrongCode, 's2'))
    const badPassword = await answer(auth.login(ADMIN.username, 'bukan-kata-sandinya', code, 's3'))
    const unknown = await answer(auth.login('tidak-ada', 'bukan-kata-sandinya', code, 's4'))
    expect(noCode).toContain('auth.badCredentials')
    expect(new Set([noCode, badCode, badPassword, unknown]).size).toBe(1)
    expect(await answer(auth.login(ADMIN.username, ADMIN.password, code, 's5'))).toBe('accepted')
  })

  it('the same code in two concurrent sign-ins: exactly one succeeds', async () => {
    const { auth, code } = await adminCore()
    const both = await Promise.allSettled([auth.login(ADMIN.username, ADMIN.password, code, 'a'), auth.login(ADMIN.username, ADMIN.password, code, 'b')])
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(refused.reason).toMatchObject({ code: 'UNAUTHENTICATED', key: 'auth.badCredentials' })
  })
})
