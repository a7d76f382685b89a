import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract } from '../../contract'
import { channelNames } from '../../contract/channels'
import { createCore, type Core } from '../app'
import { AuthService } from '../auth'
import { totpAt } from '../auth/totp'
import { dispatch, parseChannelInput } from './dispatch'
import { createHandlers } from './handlers'
import { tempDir } from '../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
let core: Core
beforeEach(() => {
  tmp = tempDir()
  core = createCore({ dataDir: tmp.dir, version: '9.9.9' })
})
afterEach(() => {
  core.close()
  tmp.cleanup()
})
const ctx = { transport: 'test' as const }

/**
 * A signed-in admin's call context, for the channels that answer nobody else once a user exists (issue 13): the admin
 * is created and signed in through core's AuthService (a fixed seal key; the code of this moment), and the token
 * travels in a jar as a transport's does.
 */
async function adminCtx() {
  const auth = new AuthService(core.db, async () => Buffer.alloc(32, 3))
  const { enrolment } = await auth.createUser('admin', 'kata-sandi-admin-1', 'admin')
  const { token } = await auth.login('admin', 'kata-sandi-admin-1', totpAt(enrolment!.secret, Date.now()), 'test')
  return { transport: 'test' as const, session: { token: () => token, set: () => {} } }
}

describe('dispatch', () => {
  it('keeps the preload channel list equal to the contract', () => {
    expect([...channelNames].sort()).toEqual(Object.keys(contract).sort())
  })

  it('rejects an unknown channel without reaching any handler', async () => {
    const r = await dispatch(createHandlers(core), 'db.exec', { sql: 'DROP TABLE outbox' }, ctx)
    expect(r).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Perintah tidak dikenal.', key: 'err.unknownChannel' } })
  })

  it('validates input before the handler runs and names the field', async () => {
    let reached = false
    const table = { ...createHandlers(core), 'settings.update': () => ((reached = true), core.settings.get()) }
    const r = await dispatch(table, 'settings.update', { kdPPK: 'bad code' }, ctx)
    expect(reached).toBe(false)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT')
      expect(r.error.fields?.[0].field).toBe('kdPPK')
    }
    const extra = await dispatch(table, 'app.info', { sneaky: 1 }, ctx)
    expect(extra.ok).toBe(false)
  })

  it('sends validator issues as catalogue keys, never zod\'s own English text', async () => {
    const r = await dispatch(createHandlers(core), 'registration.create', { noKartu: '12', kdPoli: '001', kunjSakit: 'ya', keluhan: 'x'.repeat(501) }, ctx)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toMatchObject({ code: 'INVALID_INPUT', key: 'err.invalidInput' })
    const byField = Object.fromEntries((r.error.fields ?? []).map((f) => [f.field, f]))
    expect(byField.noKartu).toMatchObject({ key: 'v.noKartu', message: 'Nomor kartu BPJS harus 13 digit angka.' })
    expect(byField.kunjSakit).toMatchObject({ key: 'v.format' })
    expect(byField.keluhan).toMatchObject({ key: 'v.maxLength', params: { max: 500 }, message: 'Maksimal 500 karakter.' })
    for (const f of r.error.fields ?? []) expect(f.message).not.toMatch(/Invalid|expected|received|Too (small|big)/)
  })

  it('checks input with the same parseChannelInput the hub and the desk use: the same error, the parsed value', async () => {
    const bad = { noKartu: '12', kdPoli: '001', keluhan: 'x'.repeat(501) }
    const viaDispatch = await dispatch(createHandlers(core), 'registration.create', bad, ctx)
    expect(parseChannelInput('registration.create', bad)).toEqual(viaDispatch)
    // A missing input counts as {}: a channel with no fields passes, one with required fields names them.
    expect(parseChannelInput('app.info', undefined)).toEqual({ ok: true, value: {} })
    const missing = parseChannelInput('examination.save', null)
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.error.fields?.map((f) => f.field)).toContain('noRawat')
  })

  it('turns an unexpected throw into INTERNAL without leaking its text', async () => {
    const seen: unknown[] = []
    const table = {
      ...createHandlers(core),
      'app.info': () => {
        throw new Error('SQLITE_CORRUPT at /secret/path')
      },
    }
    const r = await dispatch(table, 'app.info', {}, ctx, (_c, e) => seen.push(e))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('INTERNAL')
      expect(r.error.message).not.toContain('/secret/path')
    }
    expect(seen).toHaveLength(1)
  })

  it('reports a handler output that breaks the contract as INTERNAL', async () => {
    const table = { ...createHandlers(core), 'sync.status': () => ({ targets: 'many' }) as never }
    const r = await dispatch(table, 'sync.status', {}, ctx)
    expect(r.ok === false && r.error.code).toBe('INTERNAL')
  })

  it('round-trips settings through the SQLite file', async () => {
    const table = createHandlers(core)
    const admin = await adminCtx()
    const r = await dispatch(table, 'settings.update', { faskesName: 'Puskesmas Sukamaju', ledger: { org: 'RS' } }, admin)
    expect(r.ok).toBe(true)
    core.close()
    core = createCore({ dataDir: tmp.dir, version: '9.9.9' })
    // The session lives in the file too: the same admin is still signed in after the reopen.
    const info = await dispatch(createHandlers(core), 'app.info', {}, admin)
    expect(info).toMatchObject({ ok: true, value: { faskesName: 'Puskesmas Sukamaju', demo: { ledger: true, pcare: true } } })
    const s = await dispatch(createHandlers(core), 'settings.get', {}, admin)
    expect(s).toMatchObject({ ok: true, value: { ledger: { org: 'RS', channel: 'bpjs-main' } } })
  })

  it('counts sync status from real outbox rows', async () => {
    const ins = core.db.prepare(`INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id,
      payload, payload_hash, status, next_attempt_at, correlation_id, created_at, updated_at, done_at)
      VALUES (?, ?, 'op', ?, 1, 'e', 'e', '{}', 'h', ?, 0, 'c', 0, 0, ?)`)
    ins.run('a', 'pcare', 'c1', 'pending', null)
    ins.run('b', 'pcare', 'c2', 'failed_permanent', null)
    ins.run('c', 'ledger', 'c3', 'done', 1234)
    ins.run('d', 'pcare', 'c4', 'failed_transient', null)
    const r = await dispatch(createHandlers(core), 'sync.status', {}, await adminCtx())
    expect(r.ok).toBe(true)
    if (r.ok) {
      const t = (r.value as { targets: { target: string }[] }).targets
      expect(t.find((x) => x.target === 'pcare')).toMatchObject({ pending: 2, failed: 1, inFlight: 0, lastSuccessAt: null })
      expect(t.find((x) => x.target === 'ledger')).toMatchObject({ pending: 0, failed: 0, lastSuccessAt: 1234 })
    }
  })
})
