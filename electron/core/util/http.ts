/** Limits of one HTTP call, in ms: `totalMs` for the whole answer, `headersMs` (optional) until its headers arrive. */
export interface CallTimeouts {
  headersMs?: number
  totalMs: number
}

/**
 * How a timed call ended: the answer with its whole body text, or no complete answer. `transport` is 'timeout' when
 * one of our timers aborted it, else 'network'; `error` is what fetch threw (see `networkCause`).
 */
export type TimedAnswer = { ok: true; res: Response; text: string } | { ok: false; transport: 'timeout' | 'network'; error: unknown }

/**
 * `fetch` with the PCare/SATUSEHAT timeout rules: a headers timer (cleared when the headers arrive) and a total timer
 * over the body read. Never throws; the caller classifies a failure into its own error type.
 */
export async function fetchWithTimeouts(fetchImpl: typeof fetch, url: string, init: RequestInit, timeouts: CallTimeouts): Promise<TimedAnswer> {
  const ctl = new AbortController()
  let timedOut = false
  const abort = (): void => {
    timedOut = true
    ctl.abort()
  }
  const headersTimer = timeouts.headersMs === undefined ? undefined : setTimeout(abort, timeouts.headersMs)
  const totalTimer = setTimeout(abort, timeouts.totalMs)
  try {
    const res = await fetchImpl(url, { ...init, signal: ctl.signal })
    clearTimeout(headersTimer)
    const text = await res.text()
    return { ok: true, res, text }
  } catch (error) {
    return { ok: false, transport: timedOut ? 'timeout' : 'network', error }
  } finally {
    clearTimeout(headersTimer)
    clearTimeout(totalTimer)
  }
}

/** `Name: cause` of a fetch failure (undici hides the socket error in `cause`), for an error message. */
export function networkCause(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${(err as { cause?: Error }).cause?.message ?? err.message}` : String(err)
}
