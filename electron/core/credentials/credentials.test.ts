import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CredentialStore, KeychainUnavailableError, loadKeytar } from './index'

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
    await store.setFabricKey('RSMSP', pem)
    expect(await store.fabricKey('RSMSP')).toBe(pem)
    expect(await store.presence()).toEqual({ pcare: true, antrean: false, fabric: { RSMSP: true, PuskesmasMSP: false, BPJSMSP: false } })
    await store.clear('pcare')
    await store.clear('fabric-key:RSMSP')
    expect(await store.presence()).toMatchObject({ pcare: false, fabric: { RSMSP: false } })
  })

  it('rejects malformed secrets before they reach the keychain', async () => {
    const store = new CredentialStore(await loadKeytar(), service)
    await expect(store.setPcare({ ...creds, password: 'a:b' })).rejects.toThrow(/v\.noColon/)
    await expect(store.setFabricKey('RSMSP', 'not a key')).rejects.toThrow(/v\.pemKey/)
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
