import { describe, expect, it } from 'vitest'
import { attemptsWithin, BASE_DELAYS_MS, MAX_TRANSIENT_ATTEMPTS, reconnectDelay, REFERENCE_RETRY, referenceRetryDelayMs, RETRY_BUDGET_MS, retryDelayMs } from './backoff'

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

describe('the attempt limit', () => {
  it('is the number of attempts that start within the 24 h budget on the schedule', () => {
    // Walk the schedule the way the worker does (delay before attempt n+1 = retryDelayMs(n) at mid jitter).
    const startOf = (n: number) => {
      let t = 0
      for (let a = 1; a < n; a++) t += retryDelayMs(a, undefined, { random: () => 0.5 })
      return t
    }
    expect(startOf(MAX_TRANSIENT_ATTEMPTS)).toBeLessThanOrEqual(RETRY_BUDGET_MS)
    expect(startOf(MAX_TRANSIENT_ATTEMPTS + 1)).toBeGreaterThan(RETRY_BUDGET_MS)
    // About a day of trying, as before the limit was derived (96 was written by hand).
    expect(MAX_TRANSIENT_ATTEMPTS).toBeGreaterThanOrEqual(94)
    expect(MAX_TRANSIENT_ATTEMPTS).toBeLessThanOrEqual(100)
  })
  it('follows the schedule it is given', () => {
    expect(attemptsWithin(0, BASE_DELAYS_MS)).toBe(1)
    expect(attemptsWithin(10, [10])).toBe(2)
    expect(attemptsWithin(35, [5, 10])).toBe(5) // at 0, 5, 15, 25 and 35 (the budget's last instant still counts)
    expect(attemptsWithin(34, [5, 10])).toBe(4)
    expect(() => attemptsWithin(100, [0])).toThrow()
  })
})

describe('reconnectDelay', () => {
  it('doubles per consecutive failure and stops at 8x', () => {
    expect([0, 1, 2, 3, 4, 5, 50, 5000].map((n) => reconnectDelay(5000, n))).toEqual([5000, 5000, 10_000, 20_000, 40_000, 40_000, 40_000, 40_000])
  })
})

describe('referenceRetryDelayMs', () => {
  it('doubles from the first wait per failure in a row and stops at the cap, even after very many failures', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((f) => referenceRetryDelayMs(f))).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000])
    expect(referenceRetryDelayMs(10_000)).toBe(REFERENCE_RETRY.maxMs)
    expect([1, 2, 3, 4].map((f) => referenceRetryDelayMs(f, { firstMs: 50, maxMs: 200 }))).toEqual([50, 100, 200, 200])
  })
})
