import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { AppError, msg } from '../errors'

/** Where the per-install sealing key comes from: the OS keychain in the app, a fixed buffer in unit tests. */
export type SealKeySource = () => Promise<Buffer>

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
