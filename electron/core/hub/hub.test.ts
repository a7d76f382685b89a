import { readdirSync, statSync } from 'node:fs'
import { connect, createServer as createTlsServer, type Server as TlsServer } from 'node:tls'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import type { RegistrationChanges } from '../../contract'
import { createCore, type Core } from '../app'
import { AuthService } from '../auth'
import type { Changes } from '../clinic/changes'
import type { CallContext, HandlerTable } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'
import { createLogger } from '../log'
import { selfSignedCertificate } from './cert'
import { HubClient, pairDesk, readDeskPairing } from './desk'
import { MAX_ATTEMPTS } from './pairing'
import { createPairingCode, deploymentMode, listDesks, revokeDesk, setDeploymentMode } from './registry'
import { startHubServer, type HubServer } from './server'

const quiet = createLogger({ level: 'error', sink: () => {} })
const CARD = '0001234567890'
const visit = { noKartu: CARD, kdPoli: '001', kunjSakit: true, keluhan: 'demam' }

describe('hub and desks over HTTPS (issue 16, Deliver 2)', () => {
  let hubDir: ReturnType<typeof tempDir>
  let deskDirs: ReturnType<typeof tempDir>[]
  let core: Core
  let hub: HubServer
  let seen: CallContext[]
  const clients: HubClient[] = []

  beforeEach(async () => {
    hubDir = tempDir('faskes-hub-')
    deskDirs = [tempDir('faskes-desk-'), tempDir('faskes-desk-')]
    core = createCore({ dataDir: hubDir.dir, version: 'test', keychain: false })
    await new AuthService(core.db, null).createUser('loket', 'rahasia-loket-1', 'counter')
    core.db.prepare("INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '3200000000000001', 'Uji', '0199B001', 1, 0)").run(CARD)
    const real = createHandlers(core)
    seen = []
    // The real table, with auth.me also remembering the context the hub built for each call.
    const handlers: HandlerTable = { ...real, 'auth.me': (input, ctx) => (seen.push(ctx), real['auth.me'](input, ctx)) }
    hub = await startHubServer({ core, handlers, dataDir: hubDir.dir, host: '127.0.0.1', port: 0, log: quiet })
  })

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close()
    await hub.close()
    await core.close()
    hubDir.cleanup()
    for (const d of deskDirs) d.cleanup()
  })

  const code = () => createPairingCode(core.db, hub.fingerprint).code
  const client = (dir: string) => {
    const pairing = readDeskPairing(dir)
    if (!pairing) throw new Error('not paired')
    const c = new HubClient(dir, pairing)
    clients.push(c)
    return c
  }

  it('records the mode, pairs a desk with a typed code, pins the hub and names the desk in every call', async () => {
    expect(deploymentMode(core.db)).toBe('standalone')
    setDeploymentMode(core.db, 'hub')
    expect(deploymentMode(core.db)).toBe('hub')

    const typed = code().toLowerCase().replace('-', ' ')
    const pairing = await pairDesk(deskDirs[0].dir, hub.url, typed, 'Loket 1')
    expect(pairing.hubFingerprint).toBe(hub.fingerprint)
    expect(listDesks(core.db)).toEqual([expect.objectContaining({ id: pairing.deskId, name: 'Loket 1', revokedAt: null })])
    // The code is spent: a second desk cannot use it.
    await expect(pairDesk(deskDirs[1].dir, hub.url, typed, 'Poli Umum')).rejects.toMatchObject({ key: 'hub.pairNoCode' })

    const desk = client(deskDirs[0].dir)
    const anon = await desk.call('auth.me', {}, undefined)
    expect(anon.result).toMatchObject({ ok: true, value: { user: null } })
    const login = await desk.call('auth.login', { username: 'loket', password: 'rahasia-loket-1' }, undefined)
    expect(login.result).toMatchObject({ ok: true, value: { username: 'loket', role: 'counter' } })
    expect(login.session).toMatch(/^[\w-]{20,}$/)
    const me = await desk.call('auth.me', {}, login.session ?? undefined)
    expect(me.result).toMatchObject({ ok: true, value: { user: { username: 'loket' } } })
    expect(seen.at(-1)).toMatchObject({ transport: 'hub', source: `desk:${pairing.deskId}`, desk: { id: pairing.deskId, name: 'Loket 1' } })

    // The desk's files: its key, its certificate and the pairing, all owner-only; nothing else.
    const files = readdirSync(deskDirs[0].dir).sort()
    expect(files).toEqual(['desk-tls.crt', 'desk-tls.key', 'desk.json'])
    for (const f of files) expect(statSync(join(deskDirs[0].dir, f)).mode & 0o777).toBe(0o600)
    expect(statSync(join(hubDir.dir, 'hub-tls.key')).mode & 0o777).toBe(0o600)
  })

  it('refuses wrong codes, and after MAX_ATTEMPTS wrong ones the right code is dead too', async () => {
    const right = code()
    const wrong = right.startsWith('0') ? `1${right.slice(1)}` : `0${right.slice(1)}`
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await expect(pairDesk(deskDirs[0].dir, hub.url, wrong, 'Tamu')).rejects.toMatchObject({ key: 'hub.pairBadCode' })
    }
    await expect(pairDesk(deskDirs[0].dir, hub.url, right, 'Tamu')).rejects.toMatchObject({ key: 'hub.pairNoCode' })
    expect(listDesks(core.db)).toEqual([])
    expect(readDeskPairing(deskDirs[0].dir)).toBeNull()
  })

  it('a machine in the middle with its own certificate cannot pair, even when it relays the right code', async () => {
    const mitm = await relay(hub.port)
    try {
      await expect(pairDesk(deskDirs[0].dir, `https://127.0.0.1:${mitm.port}/`, code(), 'Poli')).rejects.toMatchObject({ key: 'hub.pairBadCode' })
      expect(listDesks(core.db)).toEqual([])
    } finally {
      mitm.server.close()
    }
  })

  it('a paired desk refuses a different hub certificate, and a revoked desk is refused at its next call', async () => {
    const pairing = await pairDesk(deskDirs[0].dir, hub.url, code(), 'Poli Umum')
    const desk = client(deskDirs[0].dir)
    expect((await desk.call('auth.me', {}, undefined)).result.ok).toBe(true)

    const mitm = await relay(hub.port)
    try {
      const redirected = new HubClient(deskDirs[0].dir, { ...pairing, hubUrl: `https://127.0.0.1:${mitm.port}/` })
      clients.push(redirected)
      expect((await redirected.call('auth.me', {}, undefined)).result).toMatchObject({ ok: false, error: { key: 'hub.pinMismatch' } })
    } finally {
      mitm.server.close()
    }

    expect(revokeDesk(core.db, pairing.deskId)).toMatchObject({ revokedNow: true })
    expect((await desk.call('auth.me', {}, undefined)).result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', key: 'hub.deskRefused' } })
    await expect(desk.nextChange(null)).rejects.toMatchObject({ code: 'UNAVAILABLE' })
  })

  it('binds a session to its desk: another desk, the re-paired desk and the hub window cannot use it; revoking ends it', async () => {
    const first = await pairDesk(deskDirs[0].dir, hub.url, code(), 'Loket 1')
    await pairDesk(deskDirs[1].dir, hub.url, code(), 'Poli')
    const signIn = async (desk: HubClient) => (await desk.call('auth.login', { username: 'loket', password: 'rahasia-loket-1' }, undefined)).session ?? undefined
    const today = (desk: HubClient, token: string | undefined) => desk.call('registration.today', {}, token)

    // Made at desk 1, presented by desk 2: refused with the desk message, the desk is told to drop it, and the copy
    // is ended, so desk 1 cannot use it either.
    const stolen = await signIn(client(deskDirs[0].dir))
    expect((await today(client(deskDirs[0].dir), stolen)).result.ok).toBe(true)
    const elsewhere = await today(client(deskDirs[1].dir), stolen)
    expect(elsewhere.result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', key: 'auth.deskSessionEnded' } })
    expect(elsewhere.session).toBeNull()
    expect((await today(client(deskDirs[0].dir), stolen)).result).toMatchObject({ ok: false, error: { key: 'auth.deskSessionEnded' } })

    // A desk session is not one of the hub's own window (no desk in the context) either.
    const atDesk = await signIn(client(deskDirs[0].dir))
    const auth = new AuthService(core.db, null)
    expect(auth.resolve(atDesk)).toBeNull()

    // Revoking desk 1 ends its sessions; paired again (same key, new id), its old token is refused.
    const kept = await signIn(client(deskDirs[0].dir))
    expect(auth.resolve(kept, first.deskId)).toMatchObject({ user: { username: 'loket' } })
    expect(revokeDesk(core.db, first.deskId)).toMatchObject({ revokedNow: true })
    expect(auth.resolve(kept, first.deskId)).toBeNull()
    const again = await pairDesk(deskDirs[0].dir, hub.url, code(), 'Loket 1')
    expect(again.deskId).not.toBe(first.deskId)
    const repaired = new HubClient(deskDirs[0].dir, again)
    clients.push(repaired)
    expect((await today(repaired, kept)).result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', key: 'auth.deskSessionEnded' } })
    // auth.me is public: the page gets no user (the sign-in screen) and the desk drops the cookie.
    const me = await repaired.call('auth.me', {}, kept)
    expect(me).toMatchObject({ result: { ok: true, value: { user: null } }, session: null })
    const fresh = await signIn(repaired)
    expect((await today(repaired, fresh)).result.ok).toBe(true)

    // Pairing again without a revocation (same key) also ends the sessions of the replaced record.
    const third = await pairDesk(deskDirs[0].dir, hub.url, code(), 'Loket 1')
    expect(auth.resolve(fresh, again.deskId)).toBeNull()
    expect(auth.resolve(fresh, third.deskId)).toBeNull()
  })

  it('wakes a waiting desk with the changed visit when another desk writes, and not for reads or refused writes', async () => {
    await pairDesk(deskDirs[0].dir, hub.url, code(), 'Loket')
    await pairDesk(deskDirs[1].dir, hub.url, code(), 'Poli')
    const counter = client(deskDirs[0].dir)
    const poli = client(deskDirs[1].dir)
    const session = (await counter.call('auth.login', { username: 'loket', password: 'rahasia-loket-1' }, undefined)).session ?? undefined
    const start = await poli.nextChange(null)
    expect(start.changed).toBeNull()
    let woke: Changes | null = null
    const waiting = poli.nextChange(start.cursor).then((c) => (woke = c))
    await counter.call('registration.today', {}, session)
    // Refused (no session): records nothing.
    expect((await counter.call('registration.create', visit, undefined)).result.ok).toBe(false)
    await new Promise((r) => setTimeout(r, 100))
    expect(woke).toBeNull()
    const made = await counter.call('registration.create', visit, session)
    expect(made.result.ok).toBe(true)
    const noRawat = (made.result as { value: { noRawat: string } }).value.noRawat
    await waiting
    expect(woke).toMatchObject({ changed: [noRawat] })
    // Behind already: answers at once with what it missed.
    expect(await poli.nextChange(start.cursor)).toMatchObject({ changed: [noRawat] })
  })

  it('two desks change the same visit: the second, holding the version it read, gets CONFLICT and nothing is overwritten', async () => {
    await pairDesk(deskDirs[0].dir, hub.url, code(), 'Loket 1')
    await pairDesk(deskDirs[1].dir, hub.url, code(), 'Loket 2')
    const one = client(deskDirs[0].dir)
    const two = client(deskDirs[1].dir)
    const signIn = async (c: HubClient) => (await c.call('auth.login', { username: 'loket', password: 'rahasia-loket-1' }, undefined)).session ?? undefined
    const [s1, s2] = [await signIn(one), await signIn(two)]
    const made = await one.call('registration.create', visit, s1)
    const noRawat = (made.result as { value: { noRawat: string } }).value.noRawat
    // Both desks show the visit at the same version.
    const rowAt = async (c: HubClient, s: string | undefined) =>
      ((await c.call('registration.today', {}, s)).result as { value: { noRawat: string; version: number }[] }).value.find((r) => r.noRawat === noRawat)!
    const seenBy1 = await rowAt(one, s1)
    const seenBy2 = await rowAt(two, s2)
    expect(seenBy2.version).toBe(seenBy1.version)
    const first = await one.call('registration.cancel', { noRawat, reason: 'salah poli', version: seenBy1.version }, s1)
    expect(first.result).toMatchObject({ ok: true })
    const second = await two.call('registration.cancel', { noRawat, reason: 'pasien pulang', version: seenBy2.version }, s2)
    expect(second.result).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'visit.changedElsewhere', params: { noRawat } } })
    // One correction, with the first desk's reason: the second did not overwrite it.
    const reasons = core.db.prepare('SELECT reason FROM corrections WHERE no_rawat = ?').all(noRawat) as { reason: string }[]
    expect(reasons).toEqual([{ reason: 'salah poli' }])
    expect((await rowAt(two, s2)).version).toBe(seenBy1.version + 1)
  })

  it('registration.changes over /rpc: the whole list for a null cursor, then only the changed rows', async () => {
    await pairDesk(deskDirs[0].dir, hub.url, code(), 'Loket')
    const desk = client(deskDirs[0].dir)
    const session = (await desk.call('auth.login', { username: 'loket', password: 'rahasia-loket-1' }, undefined)).session ?? undefined
    const first = await desk.call('registration.create', visit, session)
    expect(first.result.ok).toBe(true)
    const all = (await desk.call('registration.changes', { cursor: null, waitMs: 0 }, session)).result as { ok: true; value: RegistrationChanges }
    expect(all.value).toMatchObject({ full: true, gone: [] })
    expect(all.value.rows).toHaveLength(1)
    const pending = desk.call('registration.changes', { cursor: all.value.cursor, waitMs: 5000 }, session)
    const second = await desk.call('registration.create', { ...visit, kdPoli: '002' }, session)
    const delta = ((await pending).result as { ok: true; value: RegistrationChanges }).value
    expect(delta).toMatchObject({ full: false, gone: [] })
    expect(delta.rows.map((r) => r.noRawat)).toEqual([(second.result as { value: { noRawat: string } }).value.noRawat])
    // A cursor from another start of the hub (or garbage) asks for the whole list again.
    const stale = (await desk.call('registration.changes', { cursor: 'abc:1', waitMs: 0 }, session)).result as { ok: true; value: RegistrationChanges }
    expect(stale.value).toMatchObject({ full: true })
    expect(stale.value.rows).toHaveLength(2)
  })
})

/** A TLS relay with its own certificate in front of the hub: it terminates the desk's TLS and forwards the bytes. */
async function relay(hubPort: number): Promise<{ server: TlsServer; port: number }> {
  const own = selfSignedCertificate('Not the hub', ['127.0.0.1'], 'server')
  const relayClient = selfSignedCertificate('Relay', [], 'client')
  const server = createTlsServer({ key: own.keyPem, cert: own.certPem, requestCert: true, rejectUnauthorized: false }, (inbound) => {
    const outbound = connect({ host: '127.0.0.1', port: hubPort, rejectUnauthorized: false, key: relayClient.keyPem, cert: relayClient.certPem })
    inbound.pipe(outbound).pipe(inbound)
    inbound.on('error', () => outbound.destroy())
    outbound.on('error', () => inbound.destroy())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { server, port: (server.address() as AddressInfo).port }
}

