import { createCipheriv, createHash } from 'node:crypto'
import LZString from 'lz-string'
import { describe, expect, it } from 'vitest'
import { encryptPayload, expectedSignature } from '../../../tools/pcare-sim/crypto'
import { prng } from '../../../tools/pcare-sim/icd10'
import { authorization, decryptResponse, DecodeError, responseKey, signature, timestampOf } from './crypto'

/*
 * Known-answer vectors, computed outside this code base with Python's standard hmac/hashlib and the
 * `cryptography` package (AES-256-CBC, PKCS#7), the LZ strings with the lz-string npm package:
 *
 *   cons, sec, ts = '99999', 'sim-secret-not-real', '1723456789'
 *   base64(hmac.new(sec, f'{cons}&{ts}', sha256))                 -> SIGNATURE
 *   base64(b'sim-user:sim-pass-not-real:095')                     -> AUTH
 *   key = sha256(cons + sec + ts); iv = key[:16]                    -> KEY_HEX
 *   base64(AES-CBC(key, iv).encrypt(pkcs7(LZ)))                     -> CIPHER_*
 */
const CONS = '99999'
const SECRET = 'sim-secret-not-real'
const TS = '1723456789'
const SIGNATURE = 'YqbDz5losIqZcfPIgkulS7DzbEE8ARxzNxSmiKMLcK4='
const AUTH = 'Basic c2ltLXVzZXI6c2ltLXBhc3Mtbm90LXJlYWw6MDk1'
const KEY_HEX = 'f103e24e6d20a5910bec77681e60932cb60bf74f6d353474fa7939668453624c'
const VECTORS = [
  {
    json: { count: 1, list: [{ kdSadar: '01', nmSadar: 'Compos mentis' }] },
    lz: 'N4Igxg9grgdgLiAXARgDQgDYEsDODEDaoA1gCYDKAhqZQE5IgAMyI6MAtlTfYiAMIR2ABwg4ABOwCm8XCAC+AXTlA',
    cipher:
      'TJDcGtkBEsFNpexqMhREKTq8F25AGy4LY64zf0gmWDlclDFgj88D0PTnloB8LrVNK1Z/5ofM+mxp7dfoSL99xmsgY2s8yNEzMQtY2L4mXb9Z4byj9oBnm65UCoBO0wbU',
  },
  {
    json: { nama: 'Siti Aminah – ñ', noKartu: '0009999000001' },
    lz: 'N4IgdghgthIFwgMoEsAuyAEBBKzIAsNBkAgwEeQAacAewGkIAnVAV3hAAZOBOHrz-gIwgAvkA',
    cipher:
      'oyXQZp78V8Mj9agV/ykIhkEVKiTJePpKxYA/Y6zkBofBOavuY2WAbLIyjtc+GzyVbPzaywVrE+6rPTKLv1dseCI3GijBUIX12BCUNSiu71s=',
  },
]

describe('known-answer vectors (computed independently)', () => {
  it('signature, authorization, key and timestamp', () => {
    expect(signature(CONS, SECRET, TS)).toBe(SIGNATURE)
    expect(expectedSignature(CONS, SECRET, TS)).toBe(SIGNATURE)
    expect(authorization('sim-user', 'sim-pass-not-real', '095')).toBe(AUTH)
    expect(authorization('sim-user', 'sim-pass-not-real', '095', false)).toBe(AUTH.slice(6))
    const { key, iv } = responseKey(CONS, SECRET, TS)
    expect(key.toString('hex')).toBe(KEY_HEX)
    expect(iv.toString('hex')).toBe(KEY_HEX.slice(0, 32))
    expect(timestampOf(1_723_456_789_999)).toBe(TS)
  })
  it.each(VECTORS)('client decrypts and simulator encrypts vector %#', (v) => {
    expect(LZString.compressToEncodedURIComponent(JSON.stringify(v.json))).toBe(v.lz)
    expect(decryptResponse(v.cipher, CONS, SECRET, TS)).toEqual(v.json)
    expect(encryptPayload(v.json, CONS, SECRET, TS)).toBe(v.cipher)
  })
})

describe('round trips and failures', () => {
  it('round-trips random payloads through a separately written Node encryptor', () => {
    for (let i = 0; i < 200; i++) {
      const ts = String(1_700_000_000 + i * 7919)
      const payload = { i, text: 'x'.repeat(i % 50), list: Array.from({ length: i % 7 }, (_, k) => ({ k, nik: '9999' + k })) }
      const digest = createHash('sha256').update(`${CONS}${SECRET}${ts}`).digest()
      const c = createCipheriv('aes-256-cbc', digest, digest.subarray(0, 16))
      const ct = Buffer.concat([c.update(LZString.compressToEncodedURIComponent(JSON.stringify(payload))), c.final()]).toString('base64')
      expect(decryptResponse(ct, CONS, SECRET, ts)).toEqual(payload)
    }
  })
  it('fails with a DecodeError for a wrong timestamp, a wrong secret or non-base64', () => {
    const ct = VECTORS[0].cipher
    const stageOf = (fn: () => unknown): string | undefined => {
      try {
        fn()
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError)
        return (e as DecodeError).stage
      }
      return undefined
    }
    // A wrong key almost always breaks the PKCS#7 padding; if the padding happens to pass, LZ or JSON fails.
    expect(['aes', 'lz', 'json']).toContain(stageOf(() => decryptResponse(ct, CONS, SECRET, '1723456790')))
    expect(['aes', 'lz', 'json']).toContain(stageOf(() => decryptResponse(ct, CONS, 'other', TS)))
    expect(stageOf(() => decryptResponse('not base64!', CONS, SECRET, TS))).toBe('base64')
    expect(stageOf(() => decryptResponse('QUJD', CONS, SECRET, TS))).toBe('aes')
  })

  it('calls a body base64 exactly when /^[A-Za-z0-9+/]*={0,2}$/ (length a multiple of 4, whitespace ignored) does', () => {
    const rnd = prng(4_117)
    const chars = 'QUJDRA+/=== \n-_.\u00e9'
    const anchored = /^[A-Za-z0-9+/]*={0,2}$/
    for (let i = 0; i < 5_000; i++) {
      let s = ''
      for (let k = Math.floor(rnd() * 14); k > 0; k--) s += chars[Math.floor(rnd() * chars.length)]
      const compact = s.replace(/\s+/g, '')
      const want = compact.length > 0 && compact.length % 4 === 0 && anchored.test(compact)
      let stage: string | undefined
      try {
        decryptResponse(s, CONS, SECRET, TS)
      } catch (e) {
        stage = (e as DecodeError).stage
      }
      expect({ s, base64: stage !== 'base64' }).toEqual({ s, base64: want })
    }
  })
})
