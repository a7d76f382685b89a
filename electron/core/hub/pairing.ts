import { createHmac, randomInt, scryptSync, timingSafeEqual } from 'node:crypto'

/**
 * Pairing a desk with the hub (issue 16, Deliver 2). No PAKE library for Node is maintained today (the npm SPAKE2
 * packages are unmaintained; OPAQUE/SRP solve a different problem), so the one-time code authenticates the hub's
 * certificate fingerprint with HMAC instead:
 *
 *   K        = scrypt(code, "faskes-hub-pairing-v1:" + hubFingerprint)              (SCRYPT below)
 *   deskProof = HMAC-SHA256(K, "desk|" + hubFingerprint + "|" + deskFingerprint + "|" + nonce + "|" + deskName)
 *   hubProof  = HMAC-SHA256(K, "hub|"  + hubFingerprint + "|" + deskFingerprint + "|" + nonce + "|" + deskId)
 *
 * The desk computes K over the fingerprint of the certificate it actually sees in the TLS handshake. A machine in the
 * middle presents another certificate, so its K differs from the hub's, the hub refuses the desk's proof (one of
 * MAX_ATTEMPTS) and the desk refuses any answer the middle machine makes up. Both proofs also bind the desk's own
 * client certificate (mTLS), so the middle cannot pair its key instead. What remains is an offline guess of the code
 * from a captured deskProof: 50 bits behind scrypt, for a code that dies after CODE_TTL_MS, is out of reach.
 */

/** Crockford base32 (no I, L, O, U): what staff type, read aloud without ambiguity. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
/** 10 symbols = 50 bits. */
const CODE_LENGTH = 10
/** How long a code lives after the admin made it. */
export const CODE_TTL_MS = 10 * 60 * 1000
/** Wrong proofs against a hub before every open code dies (a new one must be made). */
export const MAX_ATTEMPTS = 5
/** scrypt cost: about 50-100 ms once per pairing on each side, and per guess for anyone guessing offline. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const

/** A new random code, shown as `XXXXX-XXXXX`. */
export function newPairingCode(): string {
  let raw = ''
  for (let i = 0; i < CODE_LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)]
  return `${raw.slice(0, 5)}-${raw.slice(5)}`
}

/**
 * The code as typed, reduced to its 10 symbols: case, spaces and dashes do not matter, and the letters Crockford
 * reads as digits (O→0, I/L→1) are mapped. Null when it cannot be a code.
 */
function normalizePairingCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1')
  return s.length === CODE_LENGTH && [...s].every((c) => ALPHABET.includes(c)) ? s : null
}

/** K for a code (any typed form) and the hub fingerprint seen; null when the code is malformed. */
export function pairingKey(code: string, hubFingerprint: string): Buffer | null {
  const norm = normalizePairingCode(code)
  return norm ? scryptSync(norm, `faskes-hub-pairing-v1:${hubFingerprint}`, 32, SCRYPT) : null
}

/** What both proofs are computed over. Fingerprints are certFingerprint()'s lower-case hex. */
export interface PairingTranscript {
  hubFingerprint: string
  deskFingerprint: string
  /** 32 random bytes from the desk, hex. */
  nonce: string
}

/** The desk's proof that it knows the code and sees the hub's real certificate (hex). */
export function deskProof(key: Buffer, t: PairingTranscript, deskName: string): string {
  return hmac(key, ['desk', t.hubFingerprint, t.deskFingerprint, t.nonce, deskName])
}

/** The hub's answer: proof that it knows the code too, bound to the desk id it gave (hex). */
export function hubProof(key: Buffer, t: PairingTranscript, deskId: string): string {
  return hmac(key, ['hub', t.hubFingerprint, t.deskFingerprint, t.nonce, deskId])
}

/** Constant-time comparison of two hex proofs. */
export function proofsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex')
  const y = Buffer.from(b, 'hex')
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y)
}

function hmac(key: Buffer, parts: string[]): string {
  // JSON keeps the parts apart: a name containing '|' cannot shift one field into the next.
  return createHmac('sha256', key).update(JSON.stringify(parts)).digest('hex')
}
