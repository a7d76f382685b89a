/**
 * The clock and timers the sync worker and the chain-event listener run on. Production uses `realScheduler`; a test
 * passes its own (or installs vitest fake timers, which `realScheduler` follows because it looks the globals up at
 * each call) so an hour of retries runs in milliseconds and nothing depends on the machine's speed.
 */
export interface Scheduler {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number
  /** Runs `fn` once after about `ms` milliseconds; the handle cancels it. */
  setTimeout(fn: () => void, ms: number): unknown
  /** Cancels a timer from `setTimeout`; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: unknown): void
}

/** The wall clock and Node's timers. */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
}

/** Resolves after `ms` on `scheduler` (a pause between two in-place repeats of one call). */
export function sleep(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.setTimeout(resolve, ms))
}
