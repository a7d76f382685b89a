import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import type { Channel } from '../../contract'
import { createCore, type Core } from '../app'
import { call, type CallContext, type SetupGate } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'
import { deploymentMode, setDeploymentMode } from '../hub/registry'
import { authorize, channelPolicy, seesDiagnoses } from './policy'
import { openSetupCodeGate, SETUP_CODE_FILE, windowSetupGate } from './setup-gate'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function dir(): string {
  const tmp = tempDir('faskes-setup-')
  cleanups.push(() => tmp.cleanup())
  return tmp.dir
}

function core(): Core {
  const c = createCore({ dataDir: dir(), version: 'test' })
  cleanups.unshift(() => void c.close())
  return c
}

/** A transport stand-in that keeps the token like a cookie jar would. */
function ctx(setupGate?: SetupGate): CallContext {
  let token: string | undefined
  return { transport: 'test', session: { token: () => token, set: (t) => void (token = t ?? undefined) }, setupGate }
}

const ADMIN = { username: 'pemilik', password: 'rahasia-pemilik-1' }
const usernames = (c: Core) => (c.db.prepare('SELECT username FROM users ORDER BY username').all() as { username: string }[]).map((u) => u.username)

describe('the browser shell setup code', () => {
  it('is written to a 0600 file in the data folder and admits only itself, however it is typed, until spent', () => {
    const d = dir()
    const { gate, code, file } = openSetupCodeGate(d, false)
    expect(file).toBe(join(d, SETUP_CODE_FILE))
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
    expect(readFileSync(file, 'utf8').trim()).toBe(code)
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(gate.needsCode).toBe(true)
    expect(gate.admits(undefined)).toBe(false)
    expect(gate.admits('')).toBe(false)
    expect(gate.admits(code!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBe(false)
    expect(gate.admits(` ${code!.toLowerCase().replace(/-/g, ' ')} `)).toBe(true)
    gate.spend()
    expect(existsSync(file)).toBe(false)
    expect(gate.admits(code!)).toBe(false)
  })

  it('is not made while users exist, and a stale file from an earlier first run is removed', () => {
    const d = dir()
    writeFileSync(join(d, SETUP_CODE_FILE), 'AAAA-BBBB-CCCC\n')
    const { gate, code } = openSetupCodeGate(d, true)
    expect(code).toBeNull()
    expect(existsSync(join(d, SETUP_CODE_FILE))).toBe(false)
    expect(gate.admits('AAAA-BBBB-CCCC')).toBe(false)
  })

  it('is different on every start', () => {
    const codes = new Set(Array.from({ length: 5 }, () => openSetupCodeGate(dir(), false).code))
    expect(codes.size).toBe(5)
  })
})

describe('first run through the handler table', () => {
  it('answers only the first-run and sign-in channels before any user exists', async () => {
    const c = core()
    const table = createHandlers(c)
    // Anonymous callers get the auth.* channels (first run, sign-in, the lock screen's unlock) and nothing else.
    const open = (Object.keys(channelPolicy) as Channel[]).filter((ch) => channelPolicy[ch] === 'public')
    expect(open).toEqual(expect.arrayContaining(['auth.me', 'auth.setup', 'auth.login', 'auth.logout']))
    expect(open.filter((ch) => !ch.startsWith('auth.'))).toEqual([])
    const r = await call(table, 'settings.update', { pcare: { baseUrl: 'https://attacker.example/pcare-rest' } } as never, ctx(windowSetupGate))
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    for (const ch of ['app.info', 'sync.status', 'users.create', 'credentials.setPcare'] as const) {
      expect(() => authorize(ch, null)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }))
    }
    expect(await call(table, 'auth.me', {}, ctx())).toEqual({ ok: true, value: { user: null, setupRequired: true, setupCodeRequired: false, locale: 'id' } })
  })

  it('needs the transport’s proof: no gate, or a wrong code, creates nobody', async () => {
    const c = core()
    const table = createHandlers(c)
    expect(await call(table, 'auth.setup', ADMIN, ctx())).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'auth.setupNoProof' } })
    const shell = openSetupCodeGate(dir(), false)
    expect(await call(table, 'auth.me', {}, ctx(shell.gate))).toMatchObject({ ok: true, value: { setupRequired: true, setupCodeRequired: true } })
    const wrong = await call(table, 'auth.setup', { ...ADMIN, setupCode: 'AAAA-AAAA-AAAA' }, ctx(shell.gate))
    expect(wrong).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'auth.setupCodeWrong', fields: [{ field: 'setupCode' }] } })
    expect(await call(table, 'auth.setup', ADMIN, ctx(shell.gate))).toMatchObject({ ok: false, error: { key: 'auth.setupCodeWrong' } })
    expect(usernames(c)).toEqual([])

    const made = await call(table, 'auth.setup', { ...ADMIN, setupCode: shell.code! }, ctx(shell.gate))
    expect(made).toMatchObject({ ok: true, value: { username: ADMIN.username, role: 'admin', secret: expect.stringMatching(/^[A-Z2-7]{32}$/) } })
    // The admin is stored with its sealed TOTP seed, and the code is spent.
    const row = c.db.prepare('SELECT role, totp_secret FROM users WHERE username = ?').get(ADMIN.username) as { role: string; totp_secret: string | null }
    expect(row.role).toBe('admin')
    expect(row.totp_secret).toBeTruthy()
    expect(row.totp_secret).not.toContain(made.ok ? made.value.secret : '-')
    expect(existsSync(shell.file)).toBe(false)
  })

  it('works once: a second setup is refused, even from the app window, and every user survives', async () => {
    const c = core()
    const table = createHandlers(c)
    expect((await call(table, 'auth.setup', ADMIN, ctx(windowSetupGate))).ok).toBe(true)
    for (const again of [ctx(windowSetupGate), ctx(openSetupCodeGate(dir(), false).gate)]) {
      const r = await call(table, 'auth.setup', { username: 'mallory', password: 'rahasia-mallory-1' }, again)
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'auth.setupDone' } })
    }
    expect(usernames(c)).toEqual([ADMIN.username])
    expect(await call(table, 'auth.me', {}, ctx(windowSetupGate))).toMatchObject({ ok: true, value: { user: null, setupRequired: false } })
  })

  it('records the first-run mode with the first admin only: a refused setup and a later one change no mode', async () => {
    const c = core()
    const table = createHandlers(c)
    const shell = openSetupCodeGate(dir(), false)
    // A wrong code creates nobody and leaves the mode as it was.
    expect(await call(table, 'auth.setup', { ...ADMIN, mode: 'hub', setupCode: 'AAAA-AAAA-AAAA' }, ctx(shell.gate))).toMatchObject({ ok: false, error: { key: 'auth.setupCodeWrong' } })
    expect(deploymentMode(c.db)).toBe('standalone')
    // A desk is another process: the first run cannot record it.
    expect(await call(table, 'auth.setup', { ...ADMIN, mode: 'desk' as 'hub', setupCode: shell.code! }, ctx(shell.gate))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(usernames(c)).toEqual([])
    expect((await call(table, 'auth.setup', { ...ADMIN, mode: 'hub', setupCode: shell.code! }, ctx(shell.gate))).ok).toBe(true)
    expect(deploymentMode(c.db)).toBe('hub')
    // Once a user exists the channel is closed, from the window too, and the recorded mode stays.
    const again = await call(table, 'auth.setup', { username: 'mallory', password: 'rahasia-mallory-1', mode: 'standalone' }, ctx(windowSetupGate))
    expect(again).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'auth.setupDone' } })
    expect(deploymentMode(c.db)).toBe('hub')
  })

  it('without a mode keeps the recorded one (a data folder `npm run hub` already ran on stays a hub)', async () => {
    const c = core()
    setDeploymentMode(c.db, 'hub')
    expect((await call(createHandlers(c), 'auth.setup', ADMIN, ctx(windowSetupGate))).ok).toBe(true)
    expect(deploymentMode(c.db)).toBe('hub')
  })

  it('two setups at once make one admin', async () => {
    const c = core()
    const table = createHandlers(c)
    const results = await Promise.all(
      ['admin-a', 'admin-b'].map((username) => call(table, 'auth.setup', { username, password: 'rahasia-bersama-1' }, ctx(windowSetupGate))),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(usernames(c)).toHaveLength(1)
  })
})

describe('diagnoses by role', () => {
  it('only clinicians and admins see them', () => {
    expect([seesDiagnoses('counter'), seesDiagnoses('clinician'), seesDiagnoses('admin'), seesDiagnoses(undefined)]).toEqual([false, true, true, false])
  })
})
