import type { Scheduler } from '../../electron/core/sync/scheduler'
import type { TargetWorker } from '../../electron/core/sync/worker'

/**
 * A scheduler whose timers never fire and whose clock moves only when the test says (`advance`): a worker built on it
 * does nothing by itself (no poll, no probe, no retry), so a test drives it with `drain` and never waits on the wall
 * clock. Real I/O (an HTTP simulator) still takes the time it takes.
 */
export function steppedScheduler(start = Date.now()): { scheduler: Scheduler; advance(ms: number): void } {
  let now = start
  return {
    scheduler: { now: () => now, setTimeout: () => null, clearTimeout: () => {} },
    advance(ms) {
      now += ms
    },
  }
}

/** Longer than any wait of the retry schedule (15 min at most, a Retry-After at most an hour; sync/backoff.ts). */
const PAST_ANY_RETRY_MS = 2 * 60 * 60_000

/**
 * Runs `worker` (built on `stepped`'s scheduler and started: its poll and probe timers then never fire) until
 * `settled()` holds: each round moves its clock past any retry wait, kicks it and waits until nothing is in flight
 * (`whenIdle`, which also covers the chains a finished one made ready). Fails naming `what` after `rounds` rounds; a
 * worker that went offline (paused) never settles.
 */
export async function drain(worker: TargetWorker, stepped: { advance(ms: number): void }, what: string, settled: () => boolean, rounds = 20): Promise<void> {
  for (let round = 0; !settled(); round++) {
    if (round >= rounds) throw new Error(`not settled after ${rounds} rounds: ${what}`)
    stepped.advance(PAST_ANY_RETRY_MS)
    worker.kick()
    await worker.whenIdle()
  }
}
