import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { groupedFingerprint } from '../../electron/contract/fingerprint'
import { formatServerMessage } from '../../electron/contract/messages'
import { en } from '../../renderer/src/locales/en'
import { id } from '../../renderer/src/locales/id'
import { tempDir } from '../../test/helpers/tmp'
import { createCore, type Core } from '../../electron/core/app'
import { AuthService } from '../../electron/core/auth'
import { totpAt } from '../../electron/core/auth/totp'
import { pairDesk, readDeskPairing } from '../../electron/core/hub/desk'
import { createPairingCode, revokeDesk, setDeploymentMode } from '../../electron/core/hub/registry'
import { startHubServer, type HubServer } from '../../electron/core/hub/server'
import { createHandlers } from '../../electron/core/ipc/handlers'
import { createLogger } from '../../electron/core/log'
import { startDeskShell, type DeskShell } from './desk-shell'

/**
 * Pengaturan → "Hub & meja" at a desk (issue 16): the desk shell adds this desk's own pairing from desk.json to the
 * hub's hub.status answer, so an admin can compare the pinned fingerprint with the hub's; never a key, and only to an
 * answer the hub gave (its admin policy decides who sees it).
 */
describe('desk shell: this desk in hub.status', () => {
  let hubDir: ReturnType<typeof tempDir>
  let deskDir: ReturnType<typeof tempDir>
  let core: Core
  let hub: HubServer
  let desk: DeskShell
  const tokens = { admin: '', counter: '' }
  let adminSecret = ''

  beforeEach(async () => {
    hubDir = tempDir('faskes-deskshell-hub-')
    deskDir = tempDir('faskes-deskshell-desk-')
    core = createCore({ dataDir: hubDir.dir, version: 'test', keychain: false })
    setDeploymentMode(core.db, 'hub')
    hub = await startHubServer({ core, handlers: createHandlers(core), dataDir: hubDir.dir, host: '127.0.0.1', port: 0, log: createLogger({ level: 'error', sink: () => {} }) })
    // Sessions live in the hub's database: this service (fixed seal key for the admin's authenticator) signs in.
    const auth = new AuthService(core.db, async () => Buffer.alloc(32, 7))
    const admin = await auth.createUser('admin1', 'rahasia-admin-satu', 'admin', 'now')
    await auth.createUser('loket1', 'rahasia-loket-satu', 'counter')
    adminSecret = admin.enrolment?.secret ?? ''
    const { deskId } = await pairDesk(deskDir.dir, hub.url, createPairingCode(core.db, hub.fingerprint).code, 'Poli Umum')
    // Signed in at this desk: a session is bound to the desk it was made at.
    tokens.admin = (await auth.login('admin1', 'rahasia-admin-satu', totpAt(adminSecret, Date.now()), 'unit', deskId)).token
    tokens.counter = (await auth.login('loket1', 'rahasia-loket-satu', undefined, 'unit', deskId)).token
    const rendererDir = join(deskDir.dir, 'renderer')
    mkdirSync(rendererDir)
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(join(rendererDir, 'assets', 'index-test.css'), ':root { --accent: #0b6e4f; }')
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head><link rel="stylesheet" crossorigin href="./assets/index-test.css"></head><body></body></html>')
    desk = await startDeskShell({ port: 0, dataDir: deskDir.dir, rendererDir })
  })

  afterEach(async () => {
    await desk.close()
    await hub.close()
    await core.close()
    hubDir.cleanup()
    deskDir.cleanup()
  })

  const status = async (token: string) => {
    const res = await fetch(new URL('/rpc', desk.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `faskes_session=${token}` },
      body: JSON.stringify({ channel: 'hub.status', input: {} }),
    })
    return { body: (await res.json()) as { ok: boolean; value?: Record<string, unknown>; error?: { code: string } } }
  }

  it('adds the pinned hub fingerprint, address, desk id, name and pairing time; no key or certificate', async () => {
    const pairing = readDeskPairing(deskDir.dir)
    if (!pairing) throw new Error('not paired')
    const { body } = await status(tokens.admin)
    expect(body).toMatchObject({
      ok: true,
      value: {
        mode: 'desk',
        deskName: 'Poli Umum',
        // The hub's own view of itself, and the desk's: the fingerprints are the same certificate's.
        hub: { fingerprint: hub.fingerprint },
        thisDesk: { hubUrl: pairing.hubUrl, hubFingerprint: hub.fingerprint, deskId: pairing.deskId, deskName: 'Poli Umum', pairedAt: pairing.pairedAt },
      },
    })
    expect(Object.keys(body.value?.thisDesk as object).sort()).toEqual(['deskId', 'deskName', 'hubFingerprint', 'hubUrl', 'pairedAt'])
    const raw = JSON.stringify(body)
    expect(raw).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/)
    // Pengaturan shows it grouped, the form npm run hub prints: 16 groups of 4 upper-case hex digits.
    expect(groupedFingerprint(pairing.hubFingerprint)).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/)
  })

  const page = async () => (await fetch(desk.url)).text()
  const pair = async (form: Record<string, string>) => {
    const res = await fetch(new URL('/pair', desk.url), { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' })
    return { status: res.status, html: await res.text() }
  }
  const value = (html: string, id: string) => / value="([^"]*)"/.exec(new RegExp(`id="${id}"[^>]*>`).exec(html)?.[0] ?? '')?.[1] ?? ''
  const focused = (html: string) => /id="(\w+)"[^>]*autofocus/.exec(html)?.[1]

  it('a revoked desk gets its pairing form again with the reason; a new code pairs it again under a new id, and a failed attempt keeps desk.json', async () => {
    const old = readDeskPairing(deskDir.dir)!
    expect(await page()).not.toContain('action="/pair"')
    revokeDesk(core.db, old.deskId)
    expect((await status(tokens.admin)).body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'hub.deskRefused' } })
    const form = await page()
    expect(form).toContain('action="/pair"')
    expect(form).toContain('Hub menolak meja ini')
    // A wrong code: refused, the old pairing untouched, the address and name kept, the code empty and focused.
    const hubAddress = hub.url.replace('https://', '').replace(/\/$/, '')
    const wrong = await pair({ hub: hubAddress, code: 'AAAAA-AAAAA', name: 'Poli Umum 2' })
    expect(wrong.status).toBe(403)
    expect(readDeskPairing(deskDir.dir)).toEqual(old)
    expect([value(wrong.html, 'hub'), value(wrong.html, 'code'), value(wrong.html, 'name'), focused(wrong.html)]).toEqual([hubAddress, '', 'Poli Umum 2', 'code'])
    // A new code from the admin: paired again, a new desk id, and the app is served again and answers.
    const again = await pair({ hub: hubAddress, code: createPairingCode(core.db, hub.fingerprint).code, name: 'Poli Umum 2' })
    expect(again.status).toBe(303)
    const now = readDeskPairing(deskDir.dir)!
    expect(now.deskId).not.toBe(old.deskId)
    expect(now.deskName).toBe('Poli Umum 2')
    expect(await page()).not.toContain('action="/pair"')
    // The old session ended with the revocation (and is bound to the old id): the page is sent to the sign-in.
    expect((await status(tokens.admin)).body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', key: 'auth.deskSessionEnded' } })
    const signedIn = await new AuthService(core.db, async () => Buffer.alloc(32, 7)).login('admin1', 'rahasia-admin-satu', totpAt(adminSecret, Date.now() + 30_000), 'unit', now.deskId)
    expect((await status(signedIn.token)).body).toMatchObject({ ok: true, value: { thisDesk: { deskId: now.deskId } } })
  })

  it('the first page load after a revocation is the pairing form, filled from the last pairing; a hub away serves the app', async () => {
    const old = readDeskPairing(deskDir.dir)!
    revokeDesk(core.db, old.deskId)
    // No call of the page came first: the page load itself asks the hub.
    const form = await page()
    expect(form).toContain('action="/pair"')
    expect(form).toContain(formatServerMessage('id', 'hub.deskRefused', {}))
    // Address and name from desk.json (the code never), so only the new code is typed; it has the focus.
    const hubAddress = new URL(hub.url).host
    expect([value(form, 'hub'), value(form, 'code'), value(form, 'name'), focused(form)]).toEqual([hubAddress, '', 'Poli Umum', 'code'])

    // A hub that is away is not a refusal: a paired desk serves the app and works offline.
    await desk.close()
    await hub.close()
    desk = await startDeskShell({ port: 0, dataDir: deskDir.dir, rendererDir: join(deskDir.dir, 'renderer') })
    const started = Date.now()
    expect(await page()).not.toContain('action="/pair"')
    expect(Date.now() - started).toBeLessThan(2_500)
  })

  it('the pairing page: one language at a time (Bahasa Indonesia first, a link to English), the app stylesheet, no script', async () => {
    revokeDesk(core.db, readDeskPairing(deskDir.dir)!.deskId)
    const res = await fetch(desk.url)
    const html = await res.text()
    expect(html).toContain('<html lang="id">')
    expect(html).toContain(`<h1 id="pair-title">${id['pair.title']}</h1>`)
    expect(html).not.toContain(en['pair.title'])
    expect(html).toContain(`href="/?lang=en" lang="en" hreflang="en" id="pair-locale">English</a>`)
    const english = await (await fetch(new URL('/?lang=en', desk.url))).text()
    expect(english).toContain('<html lang="en">')
    expect(english).toContain(en['pair.title'])
    expect(english).toContain(formatServerMessage('en', 'hub.deskRefused', {}))
    expect(english).not.toContain(id['pair.title'])
    expect(english).not.toContain(formatServerMessage('id', 'hub.deskRefused', {}))
    expect(english).toContain('name="lang" value="en"')
    // A failed attempt answers in the language it was made in.
    const wrong = await pair({ lang: 'en', hub: new URL(hub.url).host, code: 'AAAAA-AAAAA', name: 'Poli Umum' })
    expect(wrong.html).toContain(formatServerMessage('en', 'hub.pairNoCode', {}))
    expect(wrong.html).not.toContain(formatServerMessage('id', 'hub.pairNoCode', {}))
    // The app's own stylesheet, allowed by the page's CSP and served while the desk is not paired; still no script.
    expect(html).toContain('<link rel="stylesheet" href="/assets/index-test.css">')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("style-src 'self'")
    expect(csp).not.toContain('script-src')
    expect(html).not.toContain('<script')
    const css = await fetch(new URL('/assets/index-test.css', desk.url))
    expect([css.status, await css.text()]).toEqual([200, ':root { --accent: #0b6e4f; }'])
  })

  it('a hub that does not answer: a plain message with the address typed, no errno text; address and name kept, the address focused', async () => {
    const failed = await pair({ hub: '127.0.0.1:1', code: 'AAAAA-AAAAA', name: 'Loket 1' })
    expect(failed.status).toBe(403)
    expect(failed.html).toContain('Hub di 127.0.0.1:1 tidak menjawab')
    expect(failed.html).not.toMatch(/ECONNREFUSED|connect /)
    expect([value(failed.html, 'hub'), value(failed.html, 'code'), value(failed.html, 'name'), focused(failed.html)]).toEqual(['127.0.0.1:1', '', 'Loket 1', 'hub'])
  })

  it('adds nothing to a refused answer: a counter user sees neither the hub nor this desk', async () => {
    const { body } = await status(tokens.counter)
    expect(body).toEqual({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) })
  })
})
