import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AuthService } from '../../electron/core/auth'
import { keychainSealKey, open } from '../../electron/core/auth/seal'
import { cachePeserta, checkPatient } from '../../electron/core/clinic/eligibility'
import { interactiveRemotes } from '../../electron/core/clinic/remotes'
import { CredentialStore, loadKeytar, type KeychainBackend } from '../../electron/core/credentials'
import { openDatabase, type DB } from '../../electron/core/db'
import type { Peserta } from '../../electron/core/pcare/types'
import { SettingsStore } from '../../electron/core/settings'
import { SyncEngine } from '../../electron/core/sync/engine'
import { tempDir } from '../helpers/tmp'

/**
 * Security review, the keychain as it really behaves (issue 13, Deliver 6), replayed against core:
 * - a keychain that answers "not found" for the seal key while sealed TOTP seeds exist (what a cancelled unlock prompt
 *   answers on Linux) made the app mint a new key and overwrite the old one, locking every admin out for good;
 * - a keychain that never answers held the counter's card check past its deadline, or for ever.
 * The normal path runs on the real Secret Service (gnome-keyring through tools/dev/with-keyring.sh, as `npm test` does).
 * The "not found for an item that exists" and "never answers" behaviours cannot be produced on demand by a real
 * keychain (they need a person cancelling a prompt, or a keychain stuck behind one), so those two use a stand-in.
 */

const inKeyring = process.env.FASKES_IN_KEYRING === '1'
const ADMIN = { username: 'admin', password: 'kata-sandi-panjang-untuk-uji-1' }
const CARD = '0009999000003'

/** The keychain stand-in: items in memory; `notFound` answers null for every read, `hang` never answers at all. */
function standIn(mode: { hang: boolean; notFound: boolean }) {
  const items = new Map<string, string>()
  const writes: string[] = []
  const never = new Promise<never>(() => {})
  const backend: KeychainBackend = {
    getPassword: async (s, a) => (mode.hang ? never : mode.notFound ? null : (items.get(`${s}/${a}`) ?? null)),
    setPassword: async (s, a, p) => {
      if (mode.hang) return never
      writes.push(a)
      items.set(`${s}/${a}`, p)
    },
    deletePassword: async (s, a) => (mode.hang ? never : items.delete(`${s}/${a}`)),
  }
  return { backend, items, writes }
}

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  tmp = tempDir('faskes-keychain-sec-')
  db = openDatabase(`${tmp.dir}/faskes.db`)
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

const sealedSeed = () => (db.prepare('SELECT totp_secret FROM users WHERE username = ?').get(ADMIN.username) as { totp_secret: string }).totp_secret

describe('seal key: never re-minted while sealed data exists', () => {
  it('a "not found" answer for the seal key while an admin\'s seed is sealed is refused, and the keychain item is left alone', async () => {
    const mode = { hang: false, notFound: false }
    const k = standIn(mode)
    const store = new CredentialStore(k.backend, 'faskes-sec')
    const source = keychainSealKey(db, store)!
    await new AuthService(db, source).setupAdmin(ADMIN.username, ADMIN.password)
    expect(k.writes).toEqual(['local-seal-key'])
    const item = [...k.items.values()]

    // The unlock prompt is cancelled: the keychain says the item is not there.
    mode.notFound = true
    await expect(source()).rejects.toMatchObject({ code: 'UNAVAILABLE', key: 'auth.sealKeyMissing' })
    expect(k.writes).toEqual(['local-seal-key'])
    expect([...k.items.values()]).toEqual(item)

    // Unlocked again: the same key comes back and the admin's sealed seed still opens (no lockout).
    mode.notFound = false
    expect(open(await source(), sealedSeed())).toMatch(/^[A-Z2-7]+$/)
  })

  it.runIf(inKeyring)('normal path on the Secret Service: one key minted, the same key after a restart, the seed opens', async () => {
    const service = `faskes-sec-${randomUUID()}`
    const keytar = await loadKeytar()
    try {
      await new AuthService(db, keychainSealKey(db, new CredentialStore(keytar, service))).setupAdmin(ADMIN.username, ADMIN.password)
      const stored = await keytar.getPassword(service, 'local-seal-key')
      expect(stored).toBeTruthy()
      // A restart: a new store on the same keychain and database.
      const key = await keychainSealKey(db, new CredentialStore(keytar, service))!()
      expect(key.toString('base64')).toBe(stored)
      expect(open(key, sealedSeed())).toMatch(/^[A-Z2-7]+$/)
    } finally {
      await keytar.deletePassword(service, 'local-seal-key')
    }
  })
})

describe('a keychain that never answers', () => {
  it("the counter's card check answers within its deadline from the cache, saying why, and reports no remote down", async () => {
    const settings = new SettingsStore(db)
    // Real PCare and ledger settings: their credentials then come from the keychain (no demo stand-ins).
    // A real peer with its TLS CA and an enrolled software identity, so the signing key is what the keychain is asked for.
    const pem = '-----BEGIN CERTIFICATE-----\nTUlJ\n-----END CERTIFICATE-----\n'
    settings.update({ pcare: { baseUrl: 'https://apijkn.bpjs-kesehatan.go.id/pcare-rest' }, ledger: { peerEndpoint: 'peer0.puskesmas.example:7051', peerTlsCaPem: pem } })
    const org = settings.get().ledger.org
    settings.setLedgerIdentity({
      kind: 'software', enrollmentId: 'ws-sec', mspId: `${org}MSP`, kdPPK: settings.get().kdPPK, role: 'workstation', certPem: pem, chainPem: pem,
      notBefore: Date.now() - 60_000, notAfter: Date.now() + 86_400_000, enrolledAt: Date.now(), demo: false,
    })
    const k = standIn({ hang: true, notFound: false })
    // The keychain's own deadline (5 s here, 20 s in the app) is longer than the check's: the check must not wait for it.
    const engine = new SyncEngine(db, settings, { keychain: new CredentialStore(k.backend, 'faskes-sec', 5000) })
    const seenAt = Date.UTC(2025, 0, 6, 2)
    cachePeserta(db, { noKartu: CARD, nama: 'Dewi Lestari', noKTP: '', sex: 'P', tglLahir: '01-01-1990', aktif: true, ketAktif: 'AKTIF', tunggakan: 0 } as Peserta, seenAt)

    const reports: [string, boolean][] = []
    const remotes = { ...interactiveRemotes(engine)!, report: (t: string, ok: boolean) => void reports.push([t, ok]) }
    const deadlineMs = 1500
    const started = Date.now()
    const check = await checkPatient(db, remotes, CARD, seenAt + 3_600_000, deadlineMs)
    const elapsed = Date.now() - started

    // PCare's deadline, then the ledger's: each bounded, not the keychain's 20 s and not for ever.
    expect(elapsed).toBeLessThan(2 * deadlineMs + 1000)
    expect(check).toMatchObject({ source: 'cache', notFound: false, checkedAt: seenAt, patient: { noKartu: CARD, nama: 'Dewi Lestari', aktif: true } })
    expect(check.pcareError).toMatch(/keychain/i)
    expect(check.ledger.error).toMatch(/keychain/i)
    // PCare and the ledger were never asked: the status bar is not told they are down.
    expect(reports).toEqual([])
    await engine.stop()
  })
})
