import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { CredentialPresence } from '../../contract'
import { AppError, msg } from '../errors'
import type { AntreanCredentials, CredentialSource, PcareCredentials } from '../pcare/credentials'
import { KEYCHAIN_DEADLINE_MS, keychainDeadline } from './deadline'
import type { SatusehatCredentials } from '../satusehat/token'

/** The subset of keytar we use; the app passes @github/keytar, loaded lazily so a missing libsecret is a clear error. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export const KEYCHAIN_SERVICE = 'id.faskes.workstation'
/** The keychain account (item name) of the seal key, under KEYCHAIN_SERVICE. */
const SEAL_KEY_ACCOUNT = 'local-seal-key'
/** The keychain account of the database key (databaseKey), under KEYCHAIN_SERVICE. */
export const DATABASE_KEY_ACCOUNT = 'local-database-key'
/**
 * Every item a hub needs on another PC to open its restored database and go on sending (hub/keyfile.ts): the database
 * and seal keys, the remotes' credentials and the ledger identities with their PINs.
 */
const RESTORABLE_ACCOUNTS = [
  DATABASE_KEY_ACCOUNT,
  SEAL_KEY_ACCOUNT,
  'pcare',
  'antrean',
  'satusehat',
  ...(['RSMSP', 'PuskesmasMSP', 'BPJSMSP'] as const).flatMap((m) => [`fabric-key:${m}`, `fabric-pin:${m}`]),
]
/** An MSP whose Fabric signing key the keychain may hold (the keys of the contract's CredentialPresence.fabric). */
export type FabricMsp = keyof CredentialPresence['fabric']

const Pcare = z.object({
  consId: z.string().regex(/^\d{1,12}$/, 'v.consId'),
  secretKey: z.string().min(1),
  userKey: z.string().min(1),
  username: z.string().min(1),
  // A ':' would make `user:pass:kdAplikasi` ambiguous on the server side.
  password: z.string().min(1).refine((p) => !p.includes(':'), 'v.noColon'),
  kdAplikasi: z.string().regex(/^\d{3}$/).default('095'),
})
const Antrean = z.object({
  consId: z.string().regex(/^\d{1,12}$/),
  secretKey: z.string().min(1),
  userKey: z.string().min(1),
  username: z.string().optional(),
  password: z.string().optional(),
  kdAplikasi: z.string().optional(),
})
const FabricKey = z.string().regex(/-----BEGIN (EC )?PRIVATE KEY-----/, 'v.pemKey')
const Satusehat = z.object({ clientId: z.string().trim().min(1), clientSecret: z.string().trim().min(1) })

export class KeychainUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('UNAVAILABLE', msg('err.keychainUnavailable', { cause: cause instanceof Error ? cause.message : String(cause) }))
  }
}

/** Loads @github/keytar; a missing libsecret or native build becomes KeychainUnavailableError, never a fallback. */
export async function loadKeytar(): Promise<KeychainBackend> {
  try {
    const mod = (await import('@github/keytar')) as unknown as KeychainBackend & { default?: KeychainBackend }
    return mod.default ?? mod
  } catch (err) {
    throw new KeychainUnavailableError(err)
  }
}

/** A backend that loads @github/keytar on first use, so opening the app never blocks on the keychain. */
export function lazyKeytar(): KeychainBackend {
  let loaded: Promise<KeychainBackend> | null = null
  const get = () => (loaded ??= loadKeytar())
  return {
    getPassword: async (s, a) => (await get()).getPassword(s, a),
    setPassword: async (s, a, p) => (await get()).setPassword(s, a, p),
    deletePassword: async (s, a) => (await get()).deletePassword(s, a),
  }
}

/**
 * Credentials in the OS keychain, one item per secret. There is deliberately no plaintext fallback: without a
 * keychain the workstation refuses to store or use real credentials and says why.
 */
export class CredentialStore implements CredentialSource {
  readonly description = 'OS keychain'
  /** Reads still waiting on the keychain, by account: a hung keychain gets one outstanding call per item, not one per caller. */
  private readonly reading = new Map<string, Promise<string | null>>()
  /** The seal key being read or minted: concurrent callers share it, so two first sign-ins never mint two keys. */
  private sealing: Promise<Buffer> | null = null

  /** `deadlineMs` bounds every keychain call (KEYCHAIN_DEADLINE_MS; tests pass less). */
  constructor(
    private readonly backend: KeychainBackend,
    private readonly service = KEYCHAIN_SERVICE,
    private readonly deadlineMs = KEYCHAIN_DEADLINE_MS,
  ) {}

  /** One keychain call under the deadline; a backend failure becomes KeychainUnavailableError, a timeout KeychainDeadlineError. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    const started = (async () => {
      try {
        return await run()
      } catch (err) {
        throw new KeychainUnavailableError(err)
      }
    })()
    return keychainDeadline(started, this.deadlineMs)
  }
  private get(account: string): Promise<string | null> {
    let pending = this.reading.get(account)
    if (!pending) {
      const read = this.backend.getPassword(this.service, account)
      pending = read.finally(() => this.reading.delete(account))
      // The map's copy is only awaited through call(); its own rejection is handled there.
      pending.catch(() => {})
      this.reading.set(account, pending)
    }
    const shared = pending
    return this.call(() => shared)
  }
  private set(account: string, value: string): Promise<void> {
    return this.call(() => this.backend.setPassword(this.service, account, value))
  }
  private async del(account: string): Promise<void> {
    await this.call(() => this.backend.deletePassword(this.service, account))
  }

  async pcare(): Promise<PcareCredentials | null> {
    const raw = await this.get('pcare')
    return raw === null ? null : (Pcare.parse(JSON.parse(raw)) as PcareCredentials)
  }
  async setPcare(c: z.input<typeof Pcare>): Promise<void> {
    await this.set('pcare', JSON.stringify(Pcare.parse(c)))
  }
  async antrean(): Promise<AntreanCredentials | null> {
    const raw = await this.get('antrean')
    return raw === null ? null : Antrean.parse(JSON.parse(raw))
  }
  async setAntrean(c: z.input<typeof Antrean>): Promise<void> {
    await this.set('antrean', JSON.stringify(Antrean.parse(c)))
  }
  async fabricKey(msp: FabricMsp): Promise<string | null> {
    return this.get(`fabric-key:${msp}`)
  }
  /**
   * The enrolled ledger key with ITS certificate, in one item (`fabric-key:<msp>`: key PEM, then certificate PEM):
   * one write, so a re-enrolment interrupted between the two can never pair a new key with an old certificate.
   */
  async setFabricIdentity(msp: FabricMsp, keyPem: string, certPem: string): Promise<void> {
    if (!/-----BEGIN CERTIFICATE-----/.test(certPem)) throw new Error('setFabricIdentity: certPem is not a PEM certificate')
    await this.set(`fabric-key:${msp}`, `${FabricKey.parse(keyPem).trim()}\n${certPem.trim()}\n`)
  }
  /** The PIN of the PKCS#11 token that holds the ledger key (ledger/pkcs11.ts), or null. */
  async fabricPin(msp: FabricMsp): Promise<string | null> {
    return this.get(`fabric-pin:${msp}`)
  }
  async setFabricPin(msp: FabricMsp, pin: string): Promise<void> {
    await this.set(`fabric-pin:${msp}`, z.string().min(1).parse(pin))
  }
  /** SATUSEHAT's OAuth2 client credentials (one item, `satusehat`), or null. */
  async satusehat(): Promise<SatusehatCredentials | null> {
    const raw = await this.get('satusehat')
    return raw === null ? null : Satusehat.parse(JSON.parse(raw))
  }
  async setSatusehat(c: z.input<typeof Satusehat>): Promise<void> {
    await this.set('satusehat', JSON.stringify(Satusehat.parse(c)))
  }
  async clear(what: 'pcare' | 'antrean' | 'satusehat' | `fabric-key:${FabricMsp}` | `fabric-pin:${FabricMsp}`): Promise<void> {
    await this.del(what)
  }

  /**
   * The per-install 32-byte key that seals small secrets kept in SQLite (auth/seal.ts: the admins' TOTP seeds).
   * Created on first use, and ONLY then: when the keychain answers "not found" while `sealedDataExists()` is true,
   * this throws UNAVAILABLE (auth.sealKeyMissing) and leaves the keychain item alone. On Linux a cancelled unlock
   * prompt answers exactly like a missing item (keytar returns null for both, atom/node-keytar#422), so minting
   * there would overwrite the real key and lock every admin out for good. Keychain failures and timeouts throw
   * KeychainUnavailableError / KeychainDeadlineError. Concurrent calls share one read (and at most one mint).
   */
  sealKey(sealedDataExists: () => boolean): Promise<Buffer> {
    this.sealing ??= (async () => {
      const stored = await this.get(SEAL_KEY_ACCOUNT)
      if (stored) return Buffer.from(stored, 'base64')
      if (sealedDataExists()) throw new AppError('UNAVAILABLE', msg('auth.sealKeyMissing'))
      const key = randomBytes(32)
      await this.set(SEAL_KEY_ACCOUNT, key.toString('base64'))
      return key
    })().finally(() => (this.sealing = null))
    return this.sealing
  }

  /**
   * The per-install 32-byte key faskes.db is encrypted with (db/index.ts, OpenOptions.key). Minted on first use, and
   * ONLY while `encryptedDatabaseExists()` is false: a keychain that answers "not found" (or a cancelled unlock
   * prompt, see sealKey) for an encrypted database throws UNAVAILABLE (db.keyMissing) and leaves the item alone,
   * since a new key would never open the old file. Keychain failures and timeouts throw as for sealKey.
   */
  async databaseKey(encryptedDatabaseExists: () => boolean): Promise<Buffer> {
    const stored = await this.get(DATABASE_KEY_ACCOUNT)
    if (stored) return Buffer.from(stored, 'base64')
    if (encryptedDatabaseExists()) throw new AppError('UNAVAILABLE', msg('db.keyMissing'))
    const key = randomBytes(32)
    await this.set(DATABASE_KEY_ACCOUNT, key.toString('base64'))
    return key
  }

  /**
   * The restorable items this keychain holds (account → stored text), for the admin's sealed key file only
   * (`npm run hub:admin -- export-key`). The values are secrets: never log them.
   */
  async exportForRestore(): Promise<Record<string, string>> {
    const out: Record<string, string> = {}
    for (const account of RESTORABLE_ACCOUNTS) {
      const value = await this.get(account)
      if (value !== null) out[account] = value
    }
    return out
  }

  /**
   * Puts a key file's items into this keychain (restore on another PC). An item this keychain already holds with a
   * different value is refused before anything is written (an Error naming the account; admin CLI only): above all a
   * different database key, which would orphan the database it opens. Equal items are left as they are.
   * Unknown accounts are refused too. Returns the accounts written.
   */
  async importForRestore(items: Record<string, string>): Promise<string[]> {
    const accounts = Object.keys(items)
    const unknown = accounts.find((a) => !RESTORABLE_ACCOUNTS.includes(a))
    if (unknown) throw new Error(`not a restorable keychain item: ${unknown}`)
    const missing: string[] = []
    for (const account of accounts) {
      const held = await this.get(account)
      if (held === null) missing.push(account)
      else if (held !== items[account]) {
        throw new Error(`this keychain already holds a different ${account}: restore into a keychain of its own (a new OS user, or FASKES_KEYRING_DIR)`)
      }
    }
    for (const account of missing) await this.set(account, items[account])
    return missing
  }

  /** Which secrets are present, for the settings page. Values never leave this class except to the clients. */
  async presence(): Promise<{ pcare: boolean; antrean: boolean; satusehat: boolean; fabric: Record<FabricMsp, boolean> }> {
    const [p, a, ss, rs, pk, bp] = await Promise.all([
      this.get('pcare'),
      this.get('antrean'),
      this.get('satusehat'),
      this.get('fabric-key:RSMSP'),
      this.get('fabric-key:PuskesmasMSP'),
      this.get('fabric-key:BPJSMSP'),
    ])
    return { pcare: p !== null, antrean: a !== null, satusehat: ss !== null, fabric: { RSMSP: rs !== null, PuskesmasMSP: pk !== null, BPJSMSP: bp !== null } }
  }
}
