import { describe, expect, it } from 'vitest'
import { retryDelayMs } from './backoff'

describe('retryDelayMs', () => {
  it('follows 1, 5, 15, 15 minutes with jitter inside +-20 %', () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4, 10].map((a) => retryDelayMs(a, undefined, { random: mid }))).toEqual([60_000, 300_000, 900_000, 900_000, 900_000])
    expect(retryDelayMs(1, undefined, { random: () => 0 })).toBe(48_000)
    expect(retryDelayMs(1, undefined, { random: () => 0.999999 })).toBeLessThanOrEqual(72_000)
  })
  it('never goes below Retry-After', () => {
    expect(retryDelayMs(1, 600_000, { random: () => 0.5 })).toBe(600_000)
    expect(retryDelayMs(3, 1_000, { random: () => 0.5 })).toBe(900_000)
  })
  it('scales for tests', () => {
    expect(retryDelayMs(2, undefined, { random: () => 0.5, scale: 0.001 })).toBe(300)
  })
})
