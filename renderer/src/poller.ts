/**
 * The timers a poller schedules with: the global ones in the page, fake ones in tests. `ms` is milliseconds.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** What a poller reports: each answer and each failure of `load`, never after `stop()`. */
export interface PollHandlers<T> {
  value(v: T): void
  error(err: unknown): void
}

/** A running poller (see `createPoller`). */
export interface Poller {
  /** Ask again now; when a call is in flight, once it settled (never two calls at a time). */
  reload(): void
  /** No further calls, and the answer of a call in flight is dropped. Idempotent. */
  stop(): void
}

const globalTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
}

/**
 * Calls `load` at once and then, when `pollMs` is given, again `pollMs` milliseconds after the previous call
 * settled: calls never overlap, so a slow core is asked less often instead of piling calls up (a fixed
 * `setInterval` would start the next call while the last is still waiting). Without `pollMs` it calls once and then
 * only on `reload()`. A failure is reported and the polling goes on. The scheduling is pure (no React) so it can be
 * tested with fake timers; `useCall` in hooks.ts is its only user.
 */
export function createPoller<T>(load: () => Promise<T>, on: PollHandlers<T>, opts: { pollMs?: number; timers?: Timers } = {}): Poller {
  const timers = opts.timers ?? globalTimers
  let stopped = false
  let inFlight = false
  let again = false
  let timer: unknown
  const run = async () => {
    timer = undefined
    inFlight = true
    again = false
    try {
      const v = await load()
      if (!stopped) on.value(v)
    } catch (err) {
      if (!stopped) on.error(err)
    }
    inFlight = false
    if (stopped) return
    if (again) void run()
    else if (opts.pollMs !== undefined) timer = timers.setTimeout(() => void run(), opts.pollMs)
  }
  void run()
  return {
    reload() {
      if (stopped) return
      if (inFlight) {
        again = true
        return
      }
      if (timer !== undefined) timers.clearTimeout(timer)
      void run()
    },
    stop() {
      stopped = true
      if (timer !== undefined) timers.clearTimeout(timer)
      timer = undefined
    },
  }
}

/**
 * The answers a `useCall` keeps, each with the input it answers (`key`, the input's JSON); `answered` is the last
 * `reload()` press (counted from 1) that an answer followed.
 */
export interface Answers<T, E> {
  valueKey: string | null
  value: T | undefined
  errorKey: string | null
  error: E | undefined
  answered: number
}

/** One settled call: the input it asked (`key`), the reload presses made before it started, and its outcome. */
export type Settled<T, E> = { key: string; reloads: number } & ({ ok: true; value: T } | { ok: false; error: E })

/** Nothing answered yet. */
export const NO_ANSWER: Answers<never, never> = { valueKey: null, value: undefined, errorKey: null, error: undefined, answered: 0 }

/** Folds one settled call in: a success replaces value and clears the error; a failure keeps the last good value. */
export function settleAnswer<T, E>(s: Answers<T, E>, r: Settled<T, E>): Answers<T, E> {
  const answered = Math.max(s.answered, r.reloads)
  return r.ok ? { valueKey: r.key, value: r.value, errorKey: null, error: undefined, answered } : { ...s, errorKey: r.key, error: r.error, answered }
}

/**
 * What the page sees for the current input `key` (null: nothing asked): the value answering it (or, with
 * `keepPrevious`, the last one for any input), its error, and whether it is still waiting for a first answer or for
 * the answer to reload press number `reloaded`.
 */
export function viewAnswers<T, E>(s: Answers<T, E>, key: string | null, keepPrevious: boolean, reloaded: number): { value: T | undefined; error: E | undefined; loading: boolean } {
  if (key === null) return { value: undefined, error: undefined, loading: false }
  const hasValue = s.valueKey === key
  const hasError = s.errorKey === key
  return {
    value: hasValue || keepPrevious ? s.value : undefined,
    error: hasError ? s.error : undefined,
    loading: (!hasValue && !hasError) || s.answered < reloaded,
  }
}
