import type { Output } from '../../electron/contract'
import type { Timers } from './poller'

type Rows = Output<'registration.today'>
type Changes = Output<'registration.changes'>

/**
 * Today's list after one `registration.changes` answer: the whole list when `full`, else the old list with the
 * changed rows replaced or added and the `gone` ones dropped, in registration order (createdAt, then noRawat).
 */
export function mergeChanges(rows: Rows | undefined, changes: Changes): Rows {
  if (changes.full || rows === undefined) return changes.rows
  const byId = new Map(rows.map((r) => [r.noRawat, r]))
  for (const r of changes.rows) byId.set(r.noRawat, r)
  for (const n of changes.gone) byId.delete(n)
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a.noRawat < b.noRawat ? -1 : a.noRawat > b.noRawat ? 1 : 0))
}

/** How the feed reads core, and how it reports; the page's `call`, tests a fake. */
export interface TodayFeedIo {
  changes(input: { cursor: string | null; waitMs: number }): Promise<Changes>
  value(rows: Rows): void
  error(err: unknown): void
  timers?: Timers
}

/** A running feed (see `startTodayFeed`). */
export interface TodayFeed {
  /** Read the whole list again now (after this page's own save); the answer of the call in flight is dropped. */
  reload(): void
  /** No further calls; the answer of a call in flight is dropped. */
  stop(): void
}

/** Longest one long-poll waits at core (the contract's bound is 10 s). */
const WAIT_MS = 10_000
/** After a failure (core or hub away), ask again after this long. */
const RETRY_MS = 2_000
/** After an answer with nothing in it, at least this long before the next call: a core that does not wait cannot make the page spin. */
const QUIET_GAP_MS = 250

const globalTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
}

/**
 * Today's list kept current by core's change feed (issue 16): one `registration.changes` long-poll at a time, each
 * answer merged (mergeChanges) the moment a visit changes here or at another desk of the hub. The whole list is read
 * again every `fullEveryMs` as well, because the send states (PCare, ledger) change by the sync engine, which records
 * no visit change. One generation per reload: an answer started before a reload is dropped, so an older delta never
 * overwrites a newer list.
 */
export function startTodayFeed(io: TodayFeedIo, fullEveryMs: number, now: () => number = Date.now): TodayFeed {
  const timers = io.timers ?? globalTimers
  let stopped = false
  let generation = 0
  let cursor: string | null = null
  let lastFull = -Infinity
  let rows: Rows | undefined
  let timer: unknown

  const run = async (gen: number) => {
    timer = undefined
    const full = cursor === null || now() - lastFull >= fullEveryMs
    const waitMs = full ? 0 : Math.max(0, Math.min(WAIT_MS, lastFull + fullEveryMs - now()))
    let answer: Changes
    try {
      answer = await io.changes({ cursor: full ? null : cursor, waitMs })
    } catch (err) {
      if (stopped || gen !== generation) return
      io.error(err)
      timer = timers.setTimeout(() => void run(gen), RETRY_MS)
      return
    }
    if (stopped || gen !== generation) return
    if (answer.full) lastFull = now()
    cursor = answer.cursor
    const empty = !answer.full && answer.rows.length === 0 && answer.gone.length === 0
    if (!empty) {
      rows = mergeChanges(rows, answer)
      io.value(rows)
    }
    if (empty) timer = timers.setTimeout(() => void run(gen), QUIET_GAP_MS)
    else void run(gen)
  }
  void run(generation)
  return {
    reload() {
      if (stopped) return
      generation += 1
      cursor = null
      if (timer !== undefined) timers.clearTimeout(timer)
      void run(generation)
    },
    stop() {
      stopped = true
      if (timer !== undefined) timers.clearTimeout(timer)
    },
  }
}
