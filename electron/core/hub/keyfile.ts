import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto'
import { z } from 'zod'
import { DATABASE_KEY_ACCOUNT } from '../credentials'

/**
 * The hub's sealed key file (issue 16, Deliver 5; docs/hub.md "Backup and restore"). A backup copy is encrypted with
 * the hub's database key, which lives only in the hub's keychain: restoring on another PC needs it, so the admin
 * exports it once, sealed with a passphrase they type, and keeps the file apart from the backups.
 *
 * Contents (HubSecrets): the restorable keychain items (database key, seal key of the admins' authenticators, PCare /
 * SATUSEHAT credentials and ledger identities that are present) and the hub's TLS key and certificate, so desks keep
 * their pinned certificate. Sealing: scrypt (N = 2^17, r = 8, p = 1, 16-byte salt; about 128 MiB and half a second,
 * so guessing passphrases offline is slow) derives a 32-byte key; AES-256-GCM with a 12-byte IV seals the JSON, with
 * the file's header as additional data, so a changed parameter fails the tag as a wrong passphrase does.
 */

const FORMAT = 'faskes-hub-key-v1' as const
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const
/** node:crypto's default maxmem (32 MiB) is below what N = 2^17, r = 8 needs (128 MiB). */
const MAXMEM = 256 * 1024 * 1024
/** Shorter passphrases are refused at export: the file may travel on a USB stick. */
export const MIN_PASSPHRASE = 12

/** What a key file holds. `keychain`: account → stored text (CredentialStore.exportForRestore); `files`: name → text. */
export const HubSecrets = z.object({
  keychain: z.record(z.string(), z.string()),
  files: z.partialRecord(z.enum(['hub-tls.key', 'hub-tls.crt']), z.string()),
})
export type HubSecrets = z.infer<typeof HubSecrets>

const Header = z.object({
  format: z.literal(FORMAT),
  kdf: z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string() }),
})
const SealedFile = Header.extend({ iv: z.string(), tag: z.string(), data: z.string() })

/** Raised for a wrong passphrase or a changed file: AES-GCM cannot tell them apart, and neither should we. */
export class KeyFileError extends Error {}

function derive(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  if (kdf.N > 2 ** 20 || kdf.r > 16 || kdf.p > 4) return Promise.reject(new KeyFileError('key file: scrypt parameters out of range'))
  return new Promise((done, fail) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...kdf, maxmem: MAXMEM }, (err, key) => (err ? fail(err) : done(key))),
  )
}

function aad(header: z.infer<typeof Header>): Buffer {
  return Buffer.from(JSON.stringify({ format: header.format, kdf: header.kdf }), 'utf8')
}

/**
 * Seals `secrets` under `passphrase` and returns the file's text (JSON). Throws when the passphrase is shorter than
 * MIN_PASSPHRASE or the secrets hold no database key.
 */
export async function sealKeyFile(secrets: HubSecrets, passphrase: string): Promise<string> {
  if (passphrase.length < MIN_PASSPHRASE) throw new Error(`the passphrase must have at least ${MIN_PASSPHRASE} characters`)
  if (!secrets.keychain[DATABASE_KEY_ACCOUNT]) throw new Error('no database key to export (has this hub opened its database yet?)')
  const header = { format: FORMAT, kdf: { name: 'scrypt' as const, ...SCRYPT, salt: randomBytes(16).toString('base64') } }
  const key = await derive(passphrase, Buffer.from(header.kdf.salt, 'base64'), header.kdf)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad(header))
  const data = Buffer.concat([cipher.update(JSON.stringify(HubSecrets.parse(secrets)), 'utf8'), cipher.final()])
  return JSON.stringify({ ...header, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') }, null, 1) + '\n'
}

/** Opens a key file's text. Throws KeyFileError for a wrong passphrase, a changed file or one that is not a key file. */
export async function openKeyFile(text: string, passphrase: string): Promise<HubSecrets> {
  let file: z.infer<typeof SealedFile>
  try {
    file = SealedFile.parse(JSON.parse(text))
  } catch {
    throw new KeyFileError(`not a hub key file (${FORMAT})`)
  }
  const key = await derive(passphrase, Buffer.from(file.kdf.salt, 'base64'), file.kdf)
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64'))
    d.setAAD(aad(file))
    d.setAuthTag(Buffer.from(file.tag, 'base64'))
    const plain = Buffer.concat([d.update(Buffer.from(file.data, 'base64')), d.final()])
    return HubSecrets.parse(JSON.parse(plain.toString('utf8')))
  } catch {
    throw new KeyFileError('wrong passphrase, or the key file was changed')
  }
}

/** The 32-byte database key inside `secrets` (sealKeyFile refuses a file without one). */
export function databaseKeyOf(secrets: HubSecrets): Buffer {
  const key = Buffer.from(secrets.keychain[DATABASE_KEY_ACCOUNT] ?? '', 'base64')
  if (key.length !== 32) throw new KeyFileError('the key file holds no 32-byte database key')
  return key
}
