import { describe, expect, it } from 'vitest'
import { assertSendable, fhirDateTime, SatusehatTimeError } from './time'

// 2025-03-01 08:10:05.678 WIB = 01:10:05.678 UTC
const AT = Date.UTC(2025, 2, 1, 1, 10, 5, 678)

describe('fhirDateTime', () => {
  it('writes UTC with +00:00, no Z and no milliseconds', () => {
    expect(fhirDateTime(AT, 'Asia/Jakarta', 'utc')).toBe('2025-03-01T01:10:05+00:00')
  })
  it('writes the same instant with the faskes offset in zone style', () => {
    expect(fhirDateTime(AT, 'Asia/Jakarta', 'zone')).toBe('2025-03-01T08:10:05+07:00')
    expect(fhirDateTime(AT, 'Asia/Makassar', 'zone')).toBe('2025-03-01T09:10:05+08:00')
    expect(fhirDateTime(Date.UTC(2025, 2, 1, 20, 0, 0), 'Asia/Jayapura', 'zone')).toBe('2025-03-02T05:00:00+09:00')
    for (const zone of ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const) {
      expect(Date.parse(fhirDateTime(AT, zone, 'zone'))).toBe(Math.floor(AT / 1000) * 1000)
    }
  })
})

describe('assertSendable', () => {
  it('refuses the future beyond the skew and times before 2014-06-03', () => {
    const now = AT
    expect(() => assertSendable('t', now + 30_000, now, 60_000)).not.toThrow()
    expect(() => assertSendable('t', now + 61_000, now, 60_000)).toThrow(SatusehatTimeError)
    expect(() => assertSendable('t', Date.UTC(2014, 5, 2), now, 0)).toThrow(/too_old/)
    expect(() => assertSendable('t', NaN, now, 0)).toThrow(/invalid/)
  })
})
