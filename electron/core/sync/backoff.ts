/**
 * Every retry, probe and reconnect policy of the sync engine and the ledger paths, in one place. Each constant is in
 * milliseconds unless its name says otherwise. Per-call deadlines (how long ONE call may take) are not here: the
 * gateway's live in `ledger/gateway.ts` (DEFAULT_DEADLINES), PCare's in the settings (`pcare.timeoutMs`).
 */

/**
 * Retry schedule for transient failures: about 1 min, 5 min, 15 min, then every 15 min, with +-20 % jitter
 * so a whole counter's queue does not hit PCare in the same second when the network returns.
 */
export const BASE_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000] as const
/** Relative jitter around each step of BASE_DELAYS_MS (0.2 = +-20 %). */
const RETRY_JITTER = 0.2
/** How long a job keeps trying before a person has to decide (RETRY_LIMIT): one day, so a night's outage is survived. */
export const RETRY_BUDGET_MS = 24 * 60 * 60_000

/**
 * Number of attempts that START within `budgetMs` of the first one when every wait is the schedule's middle value
 * (no jitter, no Retry-After). Attempt 1 is at 0, attempt n at the sum of the first n-1 delays.
 * Bounded: the schedule's last step repeats, so the loop ends after budgetMs / last step iterations.
 */
export function attemptsWithin(budgetMs: number, delays: readonly number[] = BASE_DELAYS_MS): number {
  const last = delays[delays.length - 1]
  if (!(last > 0)) throw new Error('the retry schedule must end with a positive delay')
  let attempts = 1
  let elapsed = 0
  for (;;) {
    const next = elapsed + delays[Math.min(attempts, delays.length) - 1]
    if (next > budgetMs) return attempts
    elapsed = next
    attempts++
  }
}

/**
 * After this many transient failures in a row a job becomes failed_permanent (RETRY_LIMIT) and waits for a person.
 * Derived from RETRY_BUDGET_MS and the schedule: 98 attempts (1 + 5 min, then every 15 min, for 24 h).
 */
export const MAX_TRANSIENT_ATTEMPTS = attemptsWithin(RETRY_BUDGET_MS)

/** How often a worker scans the outbox for due jobs (new work also kicks it at once). */
export const POLL_INTERVAL_MS = 1000
/** While a target is offline, how often its worker asks the remote whether it answers again. */
export const PROBE_INTERVAL_MS = 5000

/**
 * In-place repeats of one ledger call that cannot have changed anything twice: submitting the SAME signed transaction
 * (a duplicate tx id is invalidated, never applied twice) and reading a commit status. `tries` includes the first
 * call; the pause before repeat i (1-based) is `stepMs * i`. Past that the job goes back to the retry schedule.
 */
export const LEDGER_SUBMIT_RETRY = { tries: 3, stepMs: 250 } as const
/** See LEDGER_SUBMIT_RETRY; the same policy for asking a commit status again. */
export const LEDGER_STATUS_RETRY = { tries: 3, stepMs: 250 } as const

/** Pause before in-place repeat `repeat` (1 = the first repeat) of a ledger call under `policy`. */
export function ledgerRepeatDelayMs(policy: { stepMs: number }, repeat: number): number {
  return policy.stepMs * repeat
}

/**
 * Chain-event listener: the first reconnect waits EVENTS_RETRY_MS (as long as a probe interval; the engine passes its
 * probeMs when it has one), each further consecutive failure doubles it up to EVENTS_RETRY_MAX_FACTOR times. A stream
 * that stayed open longer than EVENTS_RETRY_MAX_FACTOR x the base before it broke starts a new outage (the count goes
 * back to one). A workstation with nothing on the ledger yet looks for its first own block every base interval.
 */
export const EVENTS_RETRY_MS = 5000
export const EVENTS_RETRY_MAX_FACTOR = 8

/** Delay before reconnect attempt `failures` (1-based; 0 = the stream ended cleanly): doubling, capped at 8x. */
export function reconnectDelay(retryMs: number, failures: number): number {
  return retryMs * Math.min(2 ** Math.max(failures - 1, 0), EVENTS_RETRY_MAX_FACTOR)
}

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
  const jittered = base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random())
  // The server knows its own load better than our schedule does: never retry earlier than Retry-After.
  return Math.round(Math.max(jittered, retryAfterMs ?? 0))
}
