import { afterEach, describe, expect, it } from 'vitest'
import type { Channel, Input } from '../../electron/contract'
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../electron/contract/session'
import { createCore, type Core } from '../../electron/core/app'
import { AuthService } from '../../electron/core/auth'
import { call, type CallContext } from '../../electron/core/ipc/dispatch'
import { createHandlers } from '../../electron/core/ipc/handlers'
import { tempDir } from '../helpers/tmp'

/**
 * Security review finding 5: every call, the 2 s sync.status poll included, refreshed the session, and a session had
 * no absolute lifetime (a token used every 11 h still worked after 330 h). Replayed against core's handler table (the
 * one both transports dispatch into) on a stepped clock: polls must not keep a session alive, 15 minutes without user
 * activity lock it, and 12 hours after sign-in it is over whatever happened in between.
 */
const CLERK = { username: 'loket1', password: 'kata-sandi-loket-1' }
const HOUR = 60 * 60 * 1000

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function workstation() {
  const tmp = tempDir('faskes-sec-session-')
  const core: Core = createCore({ dataDir: tmp.dir, version: 'test', keychain: false })
  cleanups.push(() => tmp.cleanup(), () => core.close())
  const clock = { now: 1_800_000_000_000 }
  await new AuthService(core.db, null).createUser(CLERK.username, CLERK.password, 'counter')
  const table = createHandlers(core, { now: () => clock.now })
  // The transport's session carrier, like the browser shell's cookie jar.
  let token: string | undefined
  const ctx: CallContext = { transport: 'test', session: { token: () => token, set: (t) => void (token = t ?? undefined) } }
  const rpc = <C extends Channel>(channel: C, input: Input<C>) => call(table, channel, input, ctx)
  expect(await rpc('auth.login', CLERK)).toMatchObject({ ok: true })
  return { clock, rpc }
}

describe('sessions end (finding 5)', () => {
  it('polling does not keep a session alive: after 15 minutes of polls only, user channels answer auth.locked', async () => {
    const { clock, rpc } = await workstation()
    const start = clock.now
    // The page's polls: sync.status every 2 s, today's unsent jobs with it. Bounded: 15 minutes of 2 s steps.
    for (let i = 0; i < SESSION_IDLE_MS / 2000; i++) {
      clock.now += 2000
      await rpc('sync.status', {})
      await rpc('registration.unsent', { noRawat: [] })
    }
    expect(clock.now - start).toBe(SESSION_IDLE_MS)
    expect(await rpc('registration.today', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', key: 'auth.locked' } })
    // Input after the lock does not reopen it; only the password does, and the same session goes on.
    expect(await rpc('session.touch', {})).toMatchObject({ ok: false, error: { key: 'auth.locked' } })
    expect(await rpc('auth.unlock', { password: 'bukan-kata-sandinya' })).toMatchObject({ ok: false, error: { key: 'auth.badCredentials' } })
    expect(await rpc('auth.unlock', { password: CLERK.password })).toEqual({ ok: true, value: { username: CLERK.username, role: 'counter' } })
    expect(await rpc('registration.today', {})).toMatchObject({ ok: true })
  })

  it('user activity (session.touch) keeps it open; 15 minutes without it lock it', async () => {
    const { clock, rpc } = await workstation()
    for (let i = 0; i < 6; i++) {
      clock.now += 10 * 60_000
      expect(await rpc('session.touch', {})).toMatchObject({ ok: true })
    }
    expect(await rpc('registration.today', {})).toMatchObject({ ok: true })
    clock.now += SESSION_IDLE_MS - 1
    expect(await rpc('registration.today', {})).toMatchObject({ ok: true })
    clock.now += 1
    expect(await rpc('registration.today', {})).toMatchObject({ ok: false, error: { key: 'auth.locked' } })
  })

  it('a token used every 11 h is refused after 12 h, even unlocked and active all along', async () => {
    const { clock, rpc } = await workstation()
    const start = clock.now
    clock.now += 11 * HOUR
    // The replay of the finding: used after 11 h, it is locked (idle) and the password reopens it.
    expect(await rpc('registration.today', {})).toMatchObject({ ok: false, error: { key: 'auth.locked' } })
    expect(await rpc('auth.unlock', { password: CLERK.password })).toMatchObject({ ok: true })
    // Active every 10 minutes up to the 12th hour: still open just before, over at 12 h.
    while (clock.now + 10 * 60_000 < start + SESSION_MAX_MS) {
      clock.now += 10 * 60_000
      expect(await rpc('session.touch', {})).toMatchObject({ ok: true })
    }
    expect(await rpc('registration.today', {})).toMatchObject({ ok: true })
    clock.now = start + SESSION_MAX_MS
    expect(await rpc('registration.today', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', key: 'auth.signInFirst' } })
    // Past the lifetime the lock screen cannot help: only a full sign-in, which starts a new 12 h.
    expect(await rpc('auth.unlock', { password: CLERK.password })).toMatchObject({ ok: false, error: { key: 'auth.signInFirst' } })
    clock.now += 11 * HOUR
    expect(await rpc('registration.today', {})).toMatchObject({ ok: false, error: { key: 'auth.signInFirst' } })
    expect(await rpc('auth.login', CLERK)).toMatchObject({ ok: true })
    expect(await rpc('registration.today', {})).toMatchObject({ ok: true })
  })
})
