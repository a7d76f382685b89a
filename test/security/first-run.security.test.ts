import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { totpAt } from '../../electron/core/auth/totp'
import type { BrowserShell } from '../../tools/browser-shell/server'
import { requireBuiltRenderer, startShell } from '../e2e/workstation'
import { tempDir } from '../helpers/tmp'
import { shellClient } from './shell-client'

/**
 * Security review findings 1 and 2, replayed through the browser shell over HTTP as any local process could (no
 * cookie, no Origin, like curl): until the first user existed every channel was open (the PCare URL and the update feed
 * were pointed elsewhere, an admin was created and its TOTP secret handed out, and the owner's setup then refused),
 * and auth.setup stayed callable, deleting every user, until the first admin had signed in. Now only the first-run
 * and sign-in channels answer before the first user exists, auth.setup needs the shell's one-time code (printed on
 * its console, in a 0600 file in the data folder), and it works once and deletes nobody.
 */
const OWNER = { username: 'pemilik', password: 'rahasia-pemilik-1' }
const ATTACKER = 'https://attacker.example'

let shells: BrowserShell[] = []
const dirs: ReturnType<typeof tempDir>[] = []
beforeAll(() => requireBuiltRenderer())
afterEach(async () => {
  for (const s of shells.splice(0)) await s.close()
  for (const d of dirs.splice(0)) d.cleanup()
  shells = []
})

async function freshShell(): Promise<{ shell: BrowserShell; dataDir: string }> {
  const tmp = tempDir('faskes-sec-firstrun-')
  dirs.push(tmp)
  const shell = await startShell(tmp.dir)
  shells.push(shell)
  return { shell, dataDir: tmp.dir }
}

const setupCodeOf = (dataDir: string) => readFileSync(join(dataDir, 'setup-code'), 'utf8').trim()

describe('first run over HTTP (findings 1, 2)', () => {
  it('a process without a cookie cannot set settings, store credentials or create users before the first admin exists', async () => {
    const { shell, dataDir } = await freshShell()
    const mallory = shellClient(shell)
    const attempts = [
      mallory.rpc('settings.update', { pcare: { baseUrl: `${ATTACKER}/pcare-rest` }, updater: { url: `${ATTACKER}/feed/` } }),
      mallory.rpc('users.create', { username: 'mallory', password: 'rahasia-mallory-1', role: 'admin' }),
      mallory.rpc('credentials.setPcare', { consId: '12345', secretKey: 's', userKey: 'u', username: 'x', password: 'y' }),
      mallory.rpc('settings.get'),
    ]
    for (const a of await Promise.all(attempts)) expect(a.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })

    // The owner still finds the first run open, and once signed in sees that nothing of the attempts was stored.
    const owner = shellClient(shell)
    expect((await owner.rpc('auth.me')).body).toMatchObject({ ok: true, value: { user: null, setupRequired: true, setupCodeRequired: true } })
    const made = await owner.rpc('auth.setup', { ...OWNER, setupCode: setupCodeOf(dataDir) })
    expect(made.body).toMatchObject({ ok: true, value: { username: OWNER.username, role: 'admin' } })
    const secret = (made.body.value as { secret: string }).secret
    expect((await owner.rpc('auth.login', { ...OWNER, totp: totpAt(secret, Date.now()) })).body).toMatchObject({ ok: true })
    const settings = await owner.rpc('settings.get')
    expect(settings.body.ok).toBe(true)
    expect(JSON.stringify(settings.body)).not.toContain(ATTACKER)
    const users = await owner.rpc('users.list')
    expect((users.body.value as { username: string }[]).map((u) => u.username)).toEqual([OWNER.username])
  })

  it('setup without the one-time code, or with a wrong one, is refused in the shell and creates nobody', async () => {
    const { shell, dataDir } = await freshShell()
    const mallory = shellClient(shell)
    const code = setupCodeOf(dataDir)
    // The code file is the owner's alone: mode 0600 in the data folder, and it is what the console printed.
    if (process.platform !== 'win32') expect(statSync(join(dataDir, 'setup-code')).mode & 0o777).toBe(0o600)
    expect(code).toBe(shell.setupCode)
    const noCode = await mallory.rpc('auth.setup', { username: 'mallory', password: 'rahasia-mallory-1' })
    expect(noCode.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'auth.setupCodeWrong' } })
    const guessed = await mallory.rpc('auth.setup', { username: 'mallory', password: 'rahasia-mallory-1', setupCode: 'ABCD-EFGH-JKMN' })
    expect(guessed.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(mallory.hasCookie()).toBe(false)
    expect((await mallory.rpc('auth.me')).body).toMatchObject({ ok: true, value: { setupRequired: true } })
  })

  it('setup works once: a second setup is refused, with or without the code, and every user survives', async () => {
    const { shell, dataDir } = await freshShell()
    const owner = shellClient(shell)
    const code = setupCodeOf(dataDir)
    const made = await owner.rpc('auth.setup', { ...OWNER, setupCode: code })
    expect(made.body).toMatchObject({ ok: true, value: { username: OWNER.username, role: 'admin' } })
    const secret = (made.body.value as { secret: string }).secret

    // Before the owner has even signed in (the window the old code left open): the replay, with the spent code too.
    const mallory = shellClient(shell)
    for (const input of [{ username: 'eve', password: 'rahasia-eve-12' }, { username: 'eve', password: 'rahasia-eve-12', setupCode: code }]) {
      expect((await mallory.rpc('auth.setup', input)).body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'auth.setupDone' } })
    }
    expect((await mallory.rpc('users.create', { username: 'eve', password: 'rahasia-eve-12', role: 'admin' })).body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    // The owner signs in with their own password and code: their account is intact.
    expect((await owner.rpc('auth.login', { ...OWNER, totp: totpAt(secret, Date.now()) })).body).toMatchObject({ ok: true, value: { username: OWNER.username, role: 'admin' } })
    expect((await owner.rpc('auth.setup', { username: 'kedua', password: 'rahasia-kedua-1', setupCode: code })).body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const users = (await owner.rpc('users.list')).body
    expect(users.ok).toBe(true)
    expect((users.value as { username: string }[]).map((u) => u.username)).toEqual([OWNER.username])
  })
})
