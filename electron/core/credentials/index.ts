import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { CredentialPresence } from '../../contract'
import { AppError, msg } from '../errors'
import type { AntreanCredentials, CredentialSource, PcareCredentials } from '../pcare/credentials'

/** The subset of keytar we use; the app passes @github/keytar, loaded lazily so a missing libsecret is a clear error. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export const KEYCHAIN_SERVICE = 'id.faskes.workstation'
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
  constructor(
    private readonly backend: KeychainBackend,
    private readonly service = KEYCHAIN_SERVICE,
  ) {}

  private async get(account: string): Promise<string | null> {
    try {
      return await this.backend.getPassword(this.service, account)
    } catch (err) {
      throw new KeychainUnavailableError(err)
    }
  }
  private async set(account: string, value: string): Promise<void> {
    try {
      await this.backend.setPassword(this.service, account, value)
    } catch (err) {
      throw new KeychainUnavailableError(err)
    }
  }
  private async del(account: string): Promise<void> {
    try {
      await this.backend.deletePassword(this.service, account)
    } catch (err) {
      throw new KeychainUnavailableError(err)
    }
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
  async setFabricKey(msp: FabricMsp, pem: string): Promise<void> {
    await this.set(`fabric-key:${msp}`, FabricKey.parse(pem))
  }
  async clear(what: 'pcare' | 'antrean' | `fabric-key:${FabricMsp}`): Promise<void> {
    await this.del(what)
  }

  /**
   * The per-install key that seals small secrets kept in SQLite (the admins' TOTP seeds). Created on first use;
   * losing it (a new keychain) means re-enrolling the admins, never a readable seed in the database.
   */
  async sealKey(): Promise<Buffer> {
    const stored = await this.get('local-seal-key')
    if (stored) return Buffer.from(stored, 'base64')
    const key = randomBytes(32)
    await this.set('local-seal-key', key.toString('base64'))
    return key
  }

  /** Which secrets are present, for the settings page. Values never leave this class except to the clients. */
  async presence(): Promise<{ pcare: boolean; antrean: boolean; fabric: Record<FabricMsp, boolean> }> {
    const [p, a, rs, pk, bp] = await Promise.all([
      this.get('pcare'),
      this.get('antrean'),
      this.get('fabric-key:RSMSP'),
      this.get('fabric-key:PuskesmasMSP'),
      this.get('fabric-key:BPJSMSP'),
    ])
    return { pcare: p !== null, antrean: a !== null, fabric: { RSMSP: rs !== null, PuskesmasMSP: pk !== null, BPJSMSP: bp !== null } }
  }
}
