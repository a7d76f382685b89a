import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { CredentialStore } from '../credentials'
import type { DB } from '../db'
import { AppError, msg } from '../errors'

/** Where the per-install sealing key comes from: the OS keychain in the app (keychainSealKey), a fixed buffer in unit tests. */
export type SealKeySource = () => Promise<Buffer>

/**
 * Every column that holds seal() output. A new sealed value MUST be listed here: while any of these holds a value,
 * a keychain that says "no seal key" is never answered with a new key (see CredentialStore.sealKey).
 */
const SEALED_COLUMNS = [{ table: 'users', column: 'totp_secret' }] as const

/** True when the database holds any sealed value (a row of SEALED_COLUMNS that is not null). */
function hasSealedValues(db: DB): boolean {
  return SEALED_COLUMNS.some(({ table, column }) => db.prepare(`SELECT 1 FROM ${table} WHERE ${column} IS NOT NULL LIMIT 1`).get() !== undefined)
}

/**
 * The app's seal key source: the keychain's key, which may be minted only while this database holds nothing sealed
 * (CredentialStore.sealKey throws auth.sealKeyMissing otherwise). Null without a keychain, as AuthService expects.
 */
export function keychainSealKey(db: DB, store: CredentialStore | null): SealKeySource | null {
  return store ? () => store.sealKey(() => hasSealedValues(db)) : null
}

const PREFIX = 'v1.'

/**
 * Seals a small secret (an admin's TOTP seed) for storage in SQLite with AES-256-GCM under a key that lives only in
 * the OS keychain: a copied database file alone does not give away the second factor.
 */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', key, iv)
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()])
  return PREFIX + Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url')
}

export function open(key: Buffer, sealed: string): string {
  if (!sealed.startsWith(PREFIX)) throw new AppError('INTERNAL', msg('auth.sealFormat'))
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url')
  try {
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
    d.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')
  } catch {
    // Another machine's keychain, or a changed key: the admin must be re-enrolled; nothing else can be done safely.
    throw new AppError('UNAUTHENTICATED', msg('auth.sealKeyMismatch'))
  }
}
