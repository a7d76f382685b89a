/**
 * Every retry, probe and reconnect policy of the sync engine and the ledger paths, in one place, with the other
 * background loops of core (the outbox's chain lock lease, the reference-list refresher, the app updater). Each
 * constant is in milliseconds unless its name says otherwise. Per-call deadlines (how long ONE call may take) are not
 * here: the gateway's live in `ledger/gateway.ts` (DEFAULT_DEADLINES), PCare's in the settings (`pcare.timeoutMs`).
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

/**
 * The longest PCare Retry-After honoured (pcare/errors.ts parseRetryAfter): a larger or mistaken value would park a job
 * for hours, while the retry schedule already spaces attempts out.
 */
export const RETRY_AFTER_MAX_MS = 60 * 60_000

/**
 * How long other runners honour a runner's hold on a chain (chain_locks, sync/outbox.ts): a lock whose owner died on
 * another machine sharing the database file is taken over once it lapses (a dead process on this host is noticed at
 * once). Longer than one send may take (PCare's 30 s total timeout, the gateway's 60 s commit-status deadline), so a
 * live send does not lose its chain.
 */
export const CHAIN_LOCK_LEASE_MS = 120_000

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
 * Ledger batches (sync/ledger-batch.ts): ready ledger jobs of one kind go out together as one Batch:Submit transaction
 * of at most `maxItems` intents (the chaincode takes 100); the first job of a batch waits at most `lingerMs` for others.
 * A batch that fails as a whole is sent again job by job, `fallbackConcurrency` at a time (the single-send pipelining
 * depth). A chaincode without Batch:Submit (older than issue 17) turns batching off for `offMs`.
 */
export const LEDGER_BATCH = { maxItems: 50, lingerMs: 200, fallbackConcurrency: 16, offMs: 10 * 60_000 } as const

/**
 * Reconcile reads (a ledger job that may have landed is read back by its key before it is sent again) run at most this
 * many at once. A hub restored from a copy, or a workstation after a crash mid-drain, has every in-flight job flagged
 * at once (up to the lane's 100); fired together, on a loaded 2-core PC their 5 s evaluate deadlines passed and each
 * job waited the retry schedule (a minute, then five). Waiting for a slot does not use up a read's deadline.
 */
export const LEDGER_RECONCILE_AT_ONCE = 4

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

/**
 * Reference-list refresher (reference/auto.ts): while every list is fresh, how often it checks whether one became due.
 * Lists go stale after a day (REFERENCE_MAX_AGE_MS), so ten minutes late is no harm and costs no PCare request.
 */
export const REFERENCE_CHECK_MS = 10 * 60_000
/**
 * Reference-list refresher after a failed fetch (PCare offline, nothing configured yet): the first wait, doubled per
 * failure in a row up to `maxMs`; saving settings or credentials tries at once anyway.
 */
export const REFERENCE_RETRY = { firstMs: 5000, maxMs: 5 * 60_000 } as const

/** Wait before the next reference fetch after `failures` (>= 1) failed in a row: firstMs doubled per failure, capped. */
export function referenceRetryDelayMs(failures: number, policy: { firstMs: number; maxMs: number } = REFERENCE_RETRY): number {
  return Math.min(policy.firstMs * 2 ** Math.max(failures - 1, 0), policy.maxMs)
}

/** App updater (updater/index.ts): the first check this long after start, so it does not compete with start-up work. */
export const UPDATE_FIRST_CHECK_MS = 60_000
/** App updater: between successful checks (a release reaches every workstation within the working day). */
export const UPDATE_INTERVAL_MS = 6 * 60 * 60_000
/** App updater: after a failed check or download (the feed is often unreachable from a puskesmas). */
export const UPDATE_RETRY_MS = 30 * 60_000

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
