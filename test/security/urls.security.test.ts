import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { serverMessages } from '../../electron/contract/messages'
import { remoteUrlProblem } from '../../electron/contract/remote-url'
import { createCore, type Core } from '../../electron/core/app'
import { dispatch } from '../../electron/core/ipc/dispatch'
import { createHandlers } from '../../electron/core/ipc/handlers'
import { updaterOptions } from '../../electron/core/updater'
import { tempDir } from '../helpers/tmp'

/**
 * Security review finding 16 (the PCare base URL accepts http://), replayed against core through the channel the
 * probe used: `settings.update` with plain-http addresses on another computer. PCare's X-authorization (Basic
 * user:password:kdAplikasi), user_key and X-signature would cross the network in clear. Each remote address (PCare,
 * Antrean FKTP, update feed) must be refused with a keyed field error in the user's language, loopback demo stand-ins
 * still allowed, and an http address saved before this rule must be kept (never silently replaced by the demo
 * simulator) and marked as needing change. (Ledger peers are host:port, not URLs: their TLS is the gateway's.)
 */
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
const save = (patch: unknown) => dispatch(createHandlers(core), 'settings.update', patch, ctx)

const ATTACKER = 'http://attacker.example/pcare-rest'

describe('https-only remote addresses (finding 16)', () => {
  it.each([
    ['pcare.baseUrl', { pcare: { baseUrl: ATTACKER } }],
    ['pcare.antreanBaseUrl', { pcare: { antreanBaseUrl: 'http://attacker.example/antreanfktp' } }],
    ['updater.url', { updater: { url: 'http://attacker.example/feed/' } }],
  ])('refuses plain http to another computer for %s, with a keyed field error, and stores nothing', async (field, patch) => {
    const before = core.settings.get()
    const r = await save(patch)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('INVALID_INPUT')
    expect(r.error.fields).toEqual([expect.objectContaining({ field, key: 'v.httpsOnly' })])
    expect(core.settings.get()).toEqual(before)
  })

  it('says why in both languages', () => {
    expect(serverMessages.id['v.httpsOnly']).toMatch(/https:\/\//)
    expect(serverMessages.en['v.httpsOnly']).toMatch(/https:\/\//)
    expect(serverMessages.en['v.httpsOnly']).not.toBe(serverMessages.id['v.httpsOnly'])
  })

  it('still refuses hosts that only look like loopback', async () => {
    for (const url of ['http://127.0.0.1.attacker.example/', 'http://localhost.attacker.example/', 'http://attacker.example/?localhost']) {
      const r = await save({ pcare: { baseUrl: url } })
      expect(!r.ok && r.error.fields?.map((f) => f.key), url).toEqual(['v.httpsOnly'])
    }
  })

  it('accepts https anywhere and plain http to the demo stand-ins on this computer', () => {
    // Straight into core's settings (the same schema as the channel): the channel itself is an admin's (auth/policy.ts).
    for (const url of ['https://apijkn.bpjs-kesehatan.go.id/pcare-rest', 'http://127.0.0.1:9100/pcare-rest', 'http://localhost:9100/pcare-rest', 'http://[::1]:9100/pcare-rest']) {
      expect(core.settings.update({ pcare: { baseUrl: url }, updater: { url } }).pcare.baseUrl, url).toBe(url)
      expect(core.settings.get().updater.url).toBe(url)
    }
  })

  it('keeps an http address saved by an older version, marks it as needing change, and never uses it for updates', async () => {
    // As an older version stored it (one JSON row per top-level key).
    const pcare = { ...core.settings.get().pcare, baseUrl: ATTACKER }
    core.db.prepare('INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('pcare', JSON.stringify(pcare), Date.now())
    core.db
      .prepare('INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, ?)')
      .run('updater', JSON.stringify({ url: 'http://attacker.example/feed/' }), Date.now())
    expect(core.settings.get().pcare.baseUrl).toBe(ATTACKER) // not dropped (null would mean the demo simulator)
    // Saving something else keeps it.
    expect(core.settings.update({ faskesName: 'Puskesmas Uji' }).pcare.baseUrl).toBe(ATTACKER)
    expect(remoteUrlProblem(ATTACKER)).toBe('v.httpsOnly') // what Pengaturan marks on the field
    // Saving the settings form as it stands is refused at that field until the address is changed.
    const r = await save({ pcare: { ...pcare } })
    expect(!r.ok && r.error.fields?.map((f) => [f.field, f.key])).toEqual([['pcare.baseUrl', 'v.httpsOnly']])
    // The update feed is not used from an http address, in development or production.
    expect(updaterOptions(core.settings.get(), { production: false })).toBeNull()
    expect(updaterOptions(core.settings.get(), { production: true })).toBeNull()
  })
})
