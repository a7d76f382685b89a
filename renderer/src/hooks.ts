import { useCallback, useEffect, useRef, useState, type FormEvent, type RefObject } from 'react'
import type { Channel, Input, Output } from '../../electron/contract'
import { asApiError, call, type ApiError } from './api'
import { useOnDeskSettled } from './desk-settle'
import { NO_ANSWER, createPoller, settleAnswer, viewAnswers, type Answers, type Poller, type Settled } from './poller'
import { startTodayFeed, type TodayFeed } from './today-feed'

/** What `useCall` hands the page. */
export interface CallState<T> {
  /**
   * The last good answer to the current input, kept while a later poll fails. Undefined until it arrives, unless
   * `keepPrevious` keeps the answer to the previous input meanwhile.
   */
  value: T | undefined
  /** The failure of the latest call for the current input; cleared by its next success. */
  error: ApiError | undefined
  /**
   * True until the first call for the current input settled, and from `reload()` until its answer (not on every
   * poll, so nothing flickers).
   */
  loading: boolean
  /** Ask again now (after a save, say); waits for a call in flight instead of overlapping it. */
  reload: () => void
}

/** Options of `useCall`. */
export interface CallOptions {
  /** Ask again this many milliseconds after each answer; without it, once per input and on `reload()`. */
  pollMs?: number
  /**
   * While a changed input is being asked, keep showing the previous input's answer (a filtered table that should not
   * blink empty on every keystroke). Off by default: an answer about another visit is usually wrong to show.
   */
  keepPrevious?: boolean
}

/**
 * The one way the page reads data from core: calls `channel` with `input` at once and, with `pollMs`, again that
 * long after each answer, never two calls at a time (see `createPoller`), until unmount. `input` is compared by
 * value (its JSON), so an object literal written in render does not re-ask; a changed input asks at once (after a
 * call in flight settled), and an answer to an older input is dropped. `input: null` asks nothing, for a question
 * that is not complete yet (value undefined, not loading). Errors arrive as `ApiError` in `error`, never thrown.
 */
export function useCall<C extends Channel>(channel: C, input: Input<C> | null, opts: CallOptions = {}): CallState<Output<C>> {
  const key = input === null ? null : JSON.stringify(input)
  const [answers, setAnswers] = useState<Answers<Output<C>, ApiError>>(NO_ANSWER)
  // The poller reads the input of the latest render, so a changed input needs no new poller (and cannot overlap).
  const latest = useRef({ input, key })
  latest.current = { input, key }
  const poller = useRef<Poller | null>(null)
  const asked = useRef<string | null>(null)
  // reload() presses: the ref is what the next call reads, the state what render compares with `answered`.
  const reloads = useRef(0)
  const [reloaded, setReloaded] = useState(0)
  const active = key !== null
  const { pollMs, keepPrevious = false } = opts

  useEffect(() => {
    if (!active) return
    const load = async (): Promise<Settled<Output<C>, ApiError>> => {
      const { input: i, key: k } = latest.current
      const tag = { key: k ?? '', reloads: reloads.current }
      asked.current = k
      try {
        return { ...tag, ok: true, value: await call(channel, i as Input<C>) }
      } catch (err) {
        return { ...tag, ok: false, error: asApiError(err) }
      }
    }
    const settle = (r: Settled<Output<C>, ApiError>) => {
      if (r.key !== latest.current.key) return
      setAnswers((s) => settleAnswer(s, r))
    }
    // load() never throws: its failures come back tagged with their input, like its answers.
    const p = createPoller(load, { value: settle, error: () => undefined }, { pollMs })
    poller.current = p
    return () => {
      p.stop()
      poller.current = null
      // A question that goes away takes its answers with it: a later one starts empty.
      setAnswers(NO_ANSWER)
    }
  }, [channel, pollMs, active])

  useEffect(() => {
    if (key !== null && asked.current !== key) poller.current?.reload()
  }, [key])

  const reload = useCallback(() => {
    if (!poller.current) return
    reloads.current += 1
    setReloaded(reloads.current)
    poller.current.reload()
  }, [])
  return { ...viewAnswers(answers, key, keepPrevious, reloaded), reload }
}

/**
 * `value` once it has stayed the same for `ms` milliseconds (compared with `Object.is`); until then the previous
 * settled value, starting with the first one. Feeds a type-ahead's `useCall` so each keystroke does not ask core:
 * `useCall(channel, useDebounced(q, 120) ...)`.
 */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return settled
}

/**
 * Today's registrations at this facility (cancelled ones included), kept current by core's change feed
 * (`registration.changes`, today-feed.ts): a row registered or examined here or at another desk of the hub is merged
 * the moment it changes, and the whole list (with its send states) is read again every `fullEveryMs` milliseconds.
 */
export function useTodayRegistrations(fullEveryMs: number): CallState<Output<'registration.today'>> {
  const [state, setState] = useState<{ value?: Output<'registration.today'>; error?: ApiError; loading: boolean }>({ loading: true })
  const feed = useRef<TodayFeed | null>(null)
  useEffect(() => {
    const f = startTodayFeed(
      {
        changes: (input) => call('registration.changes', input),
        value: (value) => setState({ value, loading: false }),
        error: (err) => setState((s) => ({ ...s, error: asApiError(err), loading: false })),
      },
      fullEveryMs,
    )
    feed.current = f
    return () => {
      f.stop()
      feed.current = null
    }
  }, [fullEveryMs])
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }))
    feed.current?.reload()
  }, [])
  // A desk's offline work just reached the hub: the whole list again, under the hub's numbers (no local desk-N).
  useOnDeskSettled(reload)
  return { value: state.value, error: state.error, loading: state.loading, reload }
}

/**
 * Keyboard-first: when a workspace is shown (and its data is there), focus its first field,
 * or its heading when it has none, so typing or a screen reader starts in the right place.
 */
export function useFocusFirst(container: RefObject<HTMLElement | null>, ready = true) {
  useEffect(() => {
    const root = container.current
    if (!ready || !root) return
    const target = root.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea:not([disabled])') ?? root.querySelector<HTMLElement>('h1')
    target?.focus()
  }, [container, ready])
}

/** Options of `useSubmit` (and `runSubmit`). */
export interface SubmitOptions {
  /**
   * A check only the page can make (two passwords typed alike), run after the old error is cleared and before
   * anything is sent; `false` stops this submit without going busy.
   */
  check?: () => boolean
  /** Called after a failure is kept in `error` and busy is cleared (to empty password fields, say). */
  onError?: (error: ApiError) => void
}

/** What `useSubmit` hands a form. */
export interface SubmitState {
  /** The form's `onSubmit`; never rejects. */
  submit: (e: FormEvent) => Promise<void>
  /** True from sending until a failure; stays true after success, when the form gives way to the next screen. */
  busy: boolean
  /** The latest failure as `ApiError`; null from the next submit on. */
  error: ApiError | null
}

/**
 * One submit of a form that sends once and then moves on: prevents the page reload, clears the previous error, runs
 * `opts.check`, marks busy, awaits `action`; a failure is kept as `ApiError` and clears busy so the user can retry,
 * while a success leaves busy set (the caller's `action` already led elsewhere). Pure over its setters, for tests.
 */
export async function runSubmit(
  e: Pick<FormEvent, 'preventDefault'>,
  action: () => Promise<unknown>,
  set: { busy: (busy: boolean) => void; error: (error: ApiError | null) => void },
  opts: SubmitOptions = {},
): Promise<void> {
  e.preventDefault()
  set.error(null)
  if (opts.check && !opts.check()) return
  set.busy(true)
  try {
    await action()
  } catch (err) {
    const error = asApiError(err)
    set.error(error)
    set.busy(false)
    opts.onError?.(error)
  }
}

/**
 * The submit of a sign-in style form (see `runSubmit`): `action` sends with the values of the latest render and
 * reports success itself (`onDone(await call(...))`); the form renders `busy` on its button and `error` in its
 * `FormErrorScope`.
 */
export function useSubmit(action: () => Promise<unknown>, opts: SubmitOptions = {}): SubmitState {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const submit = (e: FormEvent) => runSubmit(e, action, { busy: setBusy, error: setError }, opts)
  return { submit, busy, error }
}
