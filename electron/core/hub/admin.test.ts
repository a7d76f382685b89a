import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import type { Channel, Input } from '../../contract'
import { createCore, type Core } from '../app'
import { AuthService } from '../auth'
import { totpAt } from '../auth/totp'
import { call, type CallContext, type HandlerTable } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'
import { sha256Hex } from '../util/canonical'
import { HUB_PID_FILE } from './admin'
import { startBackups } from './backup'
import { loadOrCreateHubCertificate, certFingerprint } from './cert'
import { pairingKey } from './pairing'
import { listDesks, recordHubEndpoint, setDeploymentMode } from './registry'
import { HUB_CERT_FILE } from './server'

/** The Pengaturan "Hub & desk" channels through the real handler table (policy, dispatch, registry). */
describe('hub admin channels (issue 16)', () => {
  let dir: ReturnType<typeof tempDir>
  let core: Core
  let handlers: HandlerTable
  const sessions: Record<'admin' | 'counter' | 'clinician', string> = { admin: '', counter: '', clinician: '' }

  beforeEach(async () => {
    dir = tempDir('faskes-hub-admin-')
    core = createCore({ dataDir: dir.dir, version: 'test', keychain: false })
    handlers = createHandlers(core)
    // Sessions live in the database: this service (with a fixed seal key for the admin's authenticator) signs in, the table's resolves.
    const auth = new AuthService(core.db, async () => Buffer.alloc(32, 7))
    const admin = await auth.createUser('admin1', 'rahasia-admin-satu', 'admin', 'now')
    await auth.createUser('loket1', 'rahasia-loket-satu', 'counter')
    await auth.createUser('dokter1', 'rahasia-dokter-satu', 'clinician')
    sessions.admin = (await auth.login('admin1', 'rahasia-admin-satu', totpAt(admin.enrolment?.secret ?? '', Date.now()), 'unit')).token
    sessions.counter = (await auth.login('loket1', 'rahasia-loket-satu', undefined, 'unit')).token
    sessions.clinician = (await auth.login('dokter1', 'rahasia-dokter-satu', undefined, 'unit')).token
  })

  afterEach(async () => {
    await core.close()
    dir.cleanup()
  })

  const ctx = (token: string | undefined, desk?: CallContext['desk']): CallContext => ({ transport: 'test', session: { token: () => token, set: () => {} }, desk })
  /**
   * The role's call as if its user had signed in at `desk` (none: the hub's own window): a session is bound to the
   * desk it was made at (AuthService.resolve), so the token is re-bound here rather than signing in again per desk
   * (an admin's one-time code cannot be used twice in the same 30 s).
   */
  const as = <C extends Channel>(role: keyof typeof sessions, channel: C, input: Input<C>, desk?: CallContext['desk']) => {
    core.db.prepare('UPDATE sessions SET desk_id = ? WHERE token_hash = ?').run(desk?.id ?? null, sha256Hex(sessions[role]))
    return call(handlers, channel, input, ctx(sessions[role], desk))
  }

  /** Makes this install a hub with its certificate in the data folder, as `npm run hub` does at its first start. */
  const becomeHub = () => {
    setDeploymentMode(core.db, 'hub')
    return certFingerprint(loadOrCreateHubCertificate(`${dir.dir}/hub-tls.key`, `${dir.dir}/${HUB_CERT_FILE}`, ['127.0.0.1']).certPem)
  }

  it('are admin only: counter, clinician and anonymous callers are refused and no code is made', async () => {
    becomeHub()
    for (const role of ['counter', 'clinician'] as const) {
      expect(await as(role, 'hub.status', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      expect(await as(role, 'hub.pairingCode', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      expect(await as(role, 'hub.revokeDesk', { id: 'desk-x' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    expect(await call(handlers, 'hub.pairingCode', {}, ctx(undefined))).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(core.db.prepare("SELECT value FROM settings WHERE key = 'hub.pairingCodes'").get()).toBeUndefined()
  })

  it('off a hub: the mode shows, there is no desk list, and codes and revocations are refused', async () => {
    expect(await as('admin', 'hub.status', {})).toEqual({ ok: true, value: { mode: 'standalone', deskName: null, desks: null, hub: null, thisDesk: null } })
    expect(await as('admin', 'hub.pairingCode', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'hub.notHub' } })
    expect(await as('admin', 'hub.revokeDesk', { id: 'desk-x' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'hub.notHub' } })
    // A call through a desk is at a desk, whatever the answering install says.
    expect(await as('admin', 'hub.status', {}, { id: 'desk-1', name: 'Loket 1' })).toMatchObject({ ok: true, value: { mode: 'desk', deskName: 'Loket 1' } })
  })

  it('making a pairing code and revoking a desk are in the user audit: who, when, which desk; never the code', async () => {
    becomeHub()
    const fp = (n: number) => String(n).repeat(64)
    const desks = [
      { id: 'desk-aaa', name: 'Loket 1', fingerprint: fp(1), pairedAt: 1, revokedAt: null },
      { id: 'desk-bbb', name: 'Poli Umum', fingerprint: fp(2), pairedAt: 2, revokedAt: null },
    ]
    core.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('hub.desks', ?, 0)").run(JSON.stringify(desks))
    const before = Date.now()
    const made = await as('admin', 'hub.pairingCode', {})
    if (!made.ok) throw new Error(made.error.message)
    const revoked = await as('admin', 'hub.revokeDesk', { id: 'desk-bbb' }, { id: 'desk-aaa', name: 'Loket 1' })
    if (!revoked.ok) throw new Error(revoked.error.message)
    // A repeat changes nothing and is not audited again; refused calls write nothing.
    expect(await as('admin', 'hub.revokeDesk', { id: 'desk-bbb' })).toMatchObject({ ok: true, value: { revokedAt: revoked.value.revokedAt } })
    expect(await as('counter', 'hub.pairingCode', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await as('admin', 'hub.revokeDesk', { id: 'desk-zzz' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })

    const audit = await as('admin', 'users.audit', {})
    if (!audit.ok) throw new Error(audit.error.message)
    const hubRows = audit.value.filter((a) => a.action.startsWith('desk'))
    expect(hubRows).toEqual([
      { at: revoked.value.revokedAt, actor: 'admin1', username: 'Poli Umum', action: 'deskRevoke', desk: 'Loket 1' },
      { at: expect.any(Number), actor: 'admin1', username: '', action: 'deskPairingCode', desk: null },
    ])
    expect(hubRows[1].at).toBeGreaterThanOrEqual(before)
    const everything = JSON.stringify(core.db.prepare('SELECT * FROM user_audit').all())
    expect(everything).not.toContain(made.value.code)
    expect(everything).not.toContain(made.value.code.replace('-', ''))
  })

  it('a hub chosen at first run, before `npm run hub` started on its folder: no fingerprint or address yet, and no code', async () => {
    setDeploymentMode(core.db, 'hub')
    expect(await as('admin', 'hub.status', {})).toMatchObject({ ok: true, value: { mode: 'hub', hub: { fingerprint: null, url: null, dataDir: dir.dir } } })
    expect(await as('admin', 'hub.pairingCode', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'hub.notHub' } })
  })

  it("on a hub: the last online backup's time, folder and outcome (Deliver 5)", async () => {
    becomeHub()
    const backupDir = join(dir.dir, 'share')
    const schedule = startBackups(core.db, { file: core.dbFile, dir: backupDir, keep: 1, intervalMs: 3_600_000 })
    const made = await schedule.runNow()
    await schedule.stop()
    expect(await as('admin', 'hub.status', {})).toMatchObject({ ok: true, value: { hub: { backup: { at: made.at, dir: backupDir, ok: true } } } })
  })

  it('on a hub: "running" only while the hub.pid file names a live process (desks can connect only then)', async () => {
    becomeHub()
    const running = async () => ((await as('admin', 'hub.status', {})) as { value: { hub: { running: boolean } } }).value.hub.running
    expect(await running()).toBe(false)
    writeFileSync(join(dir.dir, HUB_PID_FILE), `${process.pid}\n`)
    expect(await running()).toBe(true)
    // A pid no process has (above Linux's pid_max): a hub killed without removing its file.
    writeFileSync(join(dir.dir, HUB_PID_FILE), '4194305\n')
    expect(await running()).toBe(false)
    writeFileSync(join(dir.dir, HUB_PID_FILE), 'garbage')
    expect(await running()).toBe(false)
  })

  it('on a hub: a code bound to the hub certificate, the desk list without fingerprints, and revocation', async () => {
    const hubFingerprint = becomeHub()
    const before = Date.now()
    const made = await as('admin', 'hub.pairingCode', {})
    if (!made.ok) throw new Error(made.error.message)
    expect(made.value.expiresAt).toBeGreaterThan(before)
    // Only the code's scrypt key over this hub's fingerprint is stored, never the code.
    const stored = core.db.prepare("SELECT value FROM settings WHERE key = 'hub.pairingCodes'").get() as { value: string }
    expect(stored.value).not.toContain(made.value.code)
    expect(stored.value).toContain(pairingKey(made.value.code, hubFingerprint)?.toString('hex'))

    const fp = (n: number) => String(n).repeat(64)
    const desks = [
      { id: 'desk-aaa', name: 'Loket 1', fingerprint: fp(1), pairedAt: 1, revokedAt: null },
      { id: 'desk-bbb', name: 'Poli Umum', fingerprint: fp(2), pairedAt: 2, revokedAt: null },
    ]
    core.db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('hub.desks', ?, 0)").run(JSON.stringify(desks))
    recordHubEndpoint(core.db, 'https://192.168.1.10:8443/')
    const status = await as('admin', 'hub.status', {})
    expect(status).toEqual({
      ok: true,
      value: {
        mode: 'hub',
        deskName: null,
        desks: desks.map(({ id, name, pairedAt }) => ({ id, name, pairedAt, revokedAt: null })),
        // What the admin reads out at pairing: this hub's own certificate, address and data folder.
        hub: { fingerprint: hubFingerprint, url: 'https://192.168.1.10:8443/', dataDir: dir.dir, backup: null, running: false },
        thisDesk: null,
      },
    })

    // From desk-aaa itself the admin cannot revoke desk-aaa; desk-bbb yes; an unknown id is NOT_FOUND.
    expect(await as('admin', 'hub.revokeDesk', { id: 'desk-aaa' }, { id: 'desk-aaa', name: 'Loket 1' })).toMatchObject({ ok: false, error: { code: 'CONFLICT', key: 'hub.revokeOwnDesk' } })
    expect(await as('admin', 'hub.revokeDesk', { id: 'desk-zzz' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', key: 'hub.deskNotFound' } })
    const revoked = await as('admin', 'hub.revokeDesk', { id: 'desk-bbb' }, { id: 'desk-aaa', name: 'Loket 1' })
    expect(revoked).toMatchObject({ ok: true, value: { id: 'desk-bbb', revokedAt: expect.any(Number) } })
    expect(listDesks(core.db).map((d) => [d.id, d.revokedAt === null])).toEqual([
      ['desk-aaa', true],
      ['desk-bbb', false],
    ])
  })
})
