import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * scrypt at OWASP's current recommendation for scrypt (Password Storage Cheat Sheet: N=2^17, r=8, p=1). It needs
 * 128 * N * r = 128 MiB, above Node's default `maxmem` of 32 MiB, hence the raised limit. About 0.4–0.9 s per hash on
 * the 2-core workstation; async, so it runs on libuv's thread pool and a sign-in never blocks the main process.
 */
export const SCRYPT_COST = { N: 2 ** 17, r: 8, p: 1, keylen: 32 } as const
/** Node refuses a cost whose memory (about 128 * N * r bytes) exceeds maxmem; this is twice what SCRYPT_COST needs. */
const MAXMEM = 256 * 1024 * 1024
/** The largest cost a stored hash may ask for: a tampered row must not make one sign-in allocate gigabytes. */
const MAX_STORED_N = 2 ** 20

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))
}

const format = (salt: Buffer, hash: Buffer) => `scrypt$${SCRYPT_COST.N}$${SCRYPT_COST.r}$${SCRYPT_COST.p}$${salt.toString('base64')}$${hash.toString('base64')}`

/** `scrypt$N$r$p$salt$hash` (salt and hash base64): the parameters travel with the hash so older costs still verify. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, keylen } = SCRYPT_COST
  const salt = randomBytes(16)
  return format(salt, await scryptAsync(password, salt, keylen, { N, r, p, maxmem: MAXMEM }))
}

/**
 * hashPassword on the calling thread, for the admin's rare user creation inside a database transaction. Sign-in,
 * which anyone can flood, uses the async verifyPassword and never this.
 */
export function hashPasswordSync(password: string): string {
  const { N, r, p, keylen } = SCRYPT_COST
  const salt = randomBytes(16)
  return format(salt, scryptSync(password, salt, keylen, { N, r, p, maxmem: MAXMEM }))
}

/**
 * Checks a password against a stored hash with the hash's own parameters. `upgrade` is true when the password is
 * right but the hash was made at another cost than SCRYPT_COST: the caller then stores a fresh hashPassword().
 * An unreadable stored value verifies nothing (false), never throws.
 */
export async function verifyPassword(password: string, stored: string): Promise<{ ok: boolean; upgrade: boolean }> {
  const [kind, n, r, p, salt, hash] = stored.split('$')
  const N = Number(n)
  const R = Number(r)
  const P = Number(p)
  const valid = kind === 'scrypt' && salt && hash && [N, R, P].every(Number.isInteger) && N > 1 && N <= MAX_STORED_N && R >= 1 && R <= 32 && P >= 1 && P <= 16
  if (!valid) return { ok: false, upgrade: false }
  const expected = Buffer.from(hash, 'base64')
  if (expected.length === 0) return { ok: false, upgrade: false }
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: P, maxmem: Math.max(MAXMEM, 256 * N * R) })
  const ok = timingSafeEqual(actual, expected)
  const { N: n0, r: r0, p: p0, keylen } = SCRYPT_COST
  return { ok, upgrade: ok && (N !== n0 || R !== r0 || P !== p0 || expected.length !== keylen) }
}
