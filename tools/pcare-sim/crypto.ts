import { createCipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto'
import LZString from 'lz-string'

/*
 * The simulator's side of the scheme, written separately from the client's so a mistake in one is not
 * silently mirrored by the other (docs/pcare.md#headers-and-signature, #response-envelope-and-decryption).
 */

export function expectedSignature(consId: string, secret: string, timestamp: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'))
  mac.update(Buffer.from(consId + '&' + timestamp, 'utf8'))
  return mac.digest('base64')
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

/** JSON → LZ-String EncodedURIComponent → AES-256-CBC(key = sha256(consId+secret+ts), iv = key[0..16)) → base64. */
export function encryptPayload(payload: unknown, consId: string, secret: string, timestamp: string): string {
  const digest = createHash('sha256').update(Buffer.from(`${consId}${secret}${timestamp}`, 'utf8')).digest()
  const iv = Buffer.from(digest.subarray(0, 16))
  const cipher = createCipheriv('aes-256-cbc', digest, iv)
  const compressed = LZString.compressToEncodedURIComponent(JSON.stringify(payload))
  return Buffer.concat([cipher.update(compressed, 'utf8'), cipher.final()]).toString('base64')
}
