/**
 * Retry schedule for transient failures: about 1 min, 5 min, 15 min, then every 15 min, with +-20 % jitter
 * so a whole counter's queue does not hit PCare in the same second when the network returns.
 * After MAX_TRANSIENT_ATTEMPTS (96 = about 24 h of trying) a job becomes failed_permanent and waits for a person.
 */
export const BASE_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000] as const
export const MAX_TRANSIENT_ATTEMPTS = 96

export interface BackoffOptions {
  /** Multiplies every delay; tests and benches shrink the schedule, production uses 1. */
  scale?: number
  random?: () => number
}

/** Delay before attempt `attempts + 1`, given `attempts` already made (>= 1). */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, options: BackoffOptions = {}): number {
  const scale = options.scale ?? 1
  const random = options.random ?? Math.random
  const base = BASE_DELAYS_MS[Math.min(Math.max(attempts, 1), BASE_DELAYS_MS.length) - 1] * scale
  const jittered = base * (0.8 + 0.4 * random())
  // The server knows its own load better than our schedule does: never retry earlier than Retry-After.
  return Math.round(Math.max(jittered, retryAfterMs ?? 0))
}
