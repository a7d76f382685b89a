import { describe, expect, it } from 'vitest'
import { base32Decode, base32Encode, hotp, newTotpSecret, otpauthUri, stepAt, totpAt, verifyTotp } from './totp'

// RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to the hash's key size; 8 digits.
const seeds = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
}
const vectors: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
]

describe('TOTP (RFC 6238)', () => {
  it.each(vectors)('T=%i gives the RFC test vectors for SHA1, SHA256, SHA512', (t, s1, s256, s512) => {
    const step = stepAt(t * 1000)
    expect(hotp(seeds.sha1, step, 8, 'sha1')).toBe(s1)
    expect(hotp(seeds.sha256, step, 8, 'sha256')).toBe(s256)
    expect(hotp(seeds.sha512, step, 8, 'sha512')).toBe(s512)
  })

  it('6-digit codes are the last six digits of the RFC SHA1 vectors', () => {
    const secret = base32Encode(seeds.sha1)
    for (const [t, s1] of vectors) expect(totpAt(secret, t * 1000)).toBe(s1.slice(2))
  })

  it('accepts the previous, current and next step and nothing further', () => {
    const secret = newTotpSecret()
    const now = 1_700_000_015_000
    for (const d of [-1, 0, 1]) expect(verifyTotp(secret, totpAt(secret, now + d * 30_000), now)).toBe(stepAt(now) + BigInt(d))
    expect(verifyTotp(secret, totpAt(secret, now - 60_000), now)).toBeNull()
    expect(verifyTotp(secret, totpAt(secret, now + 60_000), now)).toBeNull()
    expect(verifyTotp(secret, '12345', now)).toBeNull()
    expect(verifyTotp(secret, 'abcdef', now)).toBeNull()
  })

  it('base32 round-trips and the otpauth URI carries the secret and parameters', () => {
    const secret = newTotpSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(base32Encode(base32Decode(secret))).toBe(secret)
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString()).toBe('12345678901234567890')
    const uri = new URL(otpauthUri('Faskes Uji', 'admin', secret))
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.searchParams.get('secret')).toBe(secret)
    expect(uri.searchParams.get('period')).toBe('30')
    expect(uri.searchParams.get('digits')).toBe('6')
  })
})
