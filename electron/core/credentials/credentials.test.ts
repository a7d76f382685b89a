import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { AppError } from '../errors'
import { KeychainDeadlineError, keychainDeadline } from './deadline'
import { CredentialStore, KeychainUnavailableError, loadKeytar, type KeychainBackend } from './index'

const run = promisify(execFile)
const inKeyring = process.env.FASKES_IN_KEYRING === '1'
// A fake test credential: obviously not real.
const creds = { consId: '99999', secretKey: 'sim-secret-not-real', userKey: 'sim-user-key', username: 'sim.user', password: 'sim-pass', kdAplikasi: '095' }

// Runs against the real Secret Service that tools/dev/with-keyring.sh starts (gnome-keyring in a private D-Bus session).
describe.runIf(inKeyring)('CredentialStore on gnome-keyring', () => {
  const service = `faskes-test-${randomUUID()}`

  it('stores, reads back and deletes PCare credentials and a Fabric key', async () => {
    const store = new CredentialStore(await loadKeytar(), service)
    expect(await store.pcare()).toBeNull()
    await store.setPcare(creds)
    expect(await store.pcare()).toEqual(creds)
    const pem = '-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n'
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    await store.setFabricIdentity('RSMSP', pem, cert)
    // One item holds the key and its certificate (ledger/enrolment.ts LedgerKeychain), in that order.
    expect(await store.fabricKey('RSMSP')).toBe(pem + cert)
    await store.setFabricPin('RSMSP', '123456')
    expect(await store.fabricPin('RSMSP')).toBe('123456')
    await store.clear('fabric-pin:RSMSP')
    expect(await store.fabricPin('RSMSP')).toBeNull()
    expect(await store.presence()).toEqual({ pcare: true, antrean: false, satusehat: false, fabric: { RSMSP: true, PuskesmasMSP: false, BPJSMSP: false } })
    await store.clear('pcare')
    await store.clear('fabric-key:RSMSP')
    expect(await store.presence()).toMatchObject({ pcare: false, fabric: { RSMSP: false } })
  })

  it('mints the seal key once, reads the same key after a restart, and never re-mints it while sealed data exists', async () => {
    const keytar = await loadKeytar()
    const first = await new CredentialStore(keytar, service).sealKey(() => false)
    expect(first).toHaveLength(32)
    // A new store is a restart of the app: the key comes back from the Secret Service, not a fresh one.
    expect((await new CredentialStore(keytar, service).sealKey(() => true)).equals(first)).toBe(true)
    // The item gone while sealed data exists (a "not found" answer): refused, and no new item is written.
    await keytar.deletePassword(service, 'local-seal-key')
    await expect(new CredentialStore(keytar, service).sealKey(() => true)).rejects.toMatchObject({ code: 'UNAVAILABLE', key: 'auth.sealKeyMissing' })
    expect(await keytar.getPassword(service, 'local-seal-key')).toBeNull()
  })

  it('rejects malformed secrets before they reach the keychain', async () => {
    const store = new CredentialStore(await loadKeytar(), service)
    await expect(store.setPcare({ ...creds, password: 'a:b' })).rejects.toThrow(/v\.noColon/)
    await expect(store.setFabricIdentity('RSMSP', 'not a key', '-----BEGIN CERTIFICATE-----')).rejects.toThrow(/v\.pemKey/)
    expect(await store.pcare()).toBeNull()
  })
})

describe('without a Secret Service', () => {
  it('fails with a clear keychain error and never falls back to plaintext', async () => {
    // A child process with no D-Bus session and no display: keytar cannot reach any keychain.
    const script = `
      import('${new URL('./index.ts', import.meta.url).pathname}').then(async (ns) => {
        const m = ns.loadKeytar ? ns : ns.default
        const store = new m.CredentialStore(await m.loadKeytar(), 'faskes-nokeyring')
        try { await store.setPcare(${JSON.stringify(creds)}); console.log('STORED') }
        catch (e) { console.log(e.code + '|' + e.message) }
      })`
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' }
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', script], { env, timeout: 20_000 })
    expect(stdout).not.toContain('STORED')
    expect(stdout).toMatch(/^UNAVAILABLE\|Keychain sistem operasi tidak tersedia/m)
  })

  it('wraps backend failures in KeychainUnavailableError', async () => {
    const broken = {
      getPassword: async () => {
        throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')
      },
      setPassword: async () => {},
      deletePassword: async () => true,
    }
    await expect(new CredentialStore(broken).pcare()).rejects.toBeInstanceOf(KeychainUnavailableError)
  })
})

/**
 * A keychain stand-in, ONLY for what the real Secret Service cannot be made to do on demand: never answer (a Secret
 * Service call blocked behind an unlock prompt, keytar with the network adaptor out) and answer "not found" for an
 * item that exists (a cancelled unlock prompt on Linux). The normal path runs on gnome-keyring above.
 */
function standIn(mode: { hang: boolean; notFound: boolean }) {
  const items = new Map<string, string>()
  const calls = { get: 0, set: 0 }
  const never = new Promise<never>(() => {})
  const backend: KeychainBackend = {
    getPassword: async (s, a) => {
      calls.get++
      if (mode.hang) return never
      return mode.notFound ? null : (items.get(`${s}/${a}`) ?? null)
    },
    setPassword: async (s, a, p) => {
      calls.set++
      if (mode.hang) return never
      items.set(`${s}/${a}`, p)
    },
    deletePassword: async (s, a) => (mode.hang ? never : items.delete(`${s}/${a}`)),
  }
  return { backend, items, calls }
}

describe('keychain deadline', () => {
  it('passes an answer through and turns a call that never settles into KeychainDeadlineError', async () => {
    expect(await keychainDeadline(Promise.resolve('x'), 50)).toBe('x')
    const started = Date.now()
    const err = await keychainDeadline(new Promise(() => {}), 60).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(KeychainDeadlineError)
    expect(err).toMatchObject({ code: 'UNAVAILABLE', key: 'err.keychainTimeout' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(50)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('bounds every store call on a hung keychain, and piles up one read per item, not one per caller', async () => {
    const k = standIn({ hang: true, notFound: false })
    const store = new CredentialStore(k.backend, 'svc', 80)
    const results = await Promise.allSettled([store.pcare(), store.pcare(), store.presence(), store.sealKey(() => false), store.setAntrean({ consId: '1', secretKey: 's', userKey: 'u' })])
    for (const r of results) expect(r.status === 'rejected' && r.reason instanceof KeychainDeadlineError).toBe(true)
    // pcare twice + presence (pcare again, antrean, satusehat, three Fabric keys) + the seal key: pcare is read once.
    expect(k.calls.get).toBe(7)
    // The one write is setAntrean's: no seal key is minted when its read did not answer.
    expect(k.calls.set).toBe(1)
  })
})

describe('seal key never re-minted', () => {
  it('mints on first use only; concurrent first uses share one key', async () => {
    const k = standIn({ hang: false, notFound: false })
    const store = new CredentialStore(k.backend, 'svc')
    const [a, b] = await Promise.all([store.sealKey(() => false), store.sealKey(() => false)])
    expect(a.equals(b)).toBe(true)
    expect(k.calls.set).toBe(1)
    expect((await store.sealKey(() => true)).equals(a)).toBe(true)
    expect(k.calls.set).toBe(1)
  })

  it('a "not found" answer while sealed data exists is a keyed error and leaves the item alone', async () => {
    const mode = { hang: false, notFound: false }
    const k = standIn(mode)
    const store = new CredentialStore(k.backend, 'svc')
    const key = await store.sealKey(() => false)
    const item = [...k.items.values()][0]
    mode.notFound = true
    const err = await store.sealKey(() => true).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'UNAVAILABLE', key: 'auth.sealKeyMissing' })
    expect(k.calls.set).toBe(1)
    expect([...k.items.values()]).toEqual([item])
    // Once the keychain answers again (unlocked), the same key comes back.
    mode.notFound = false
    expect((await store.sealKey(() => true)).equals(key)).toBe(true)
  })
})
