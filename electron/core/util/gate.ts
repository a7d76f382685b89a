/**
 * A concurrency gate: `run(fn)` starts `fn` at once while fewer than `limit` runs are in progress, otherwise when one
 * of them settles, in call order. The result or rejection of `fn` is passed through; a rejection frees the slot like a
 * result. Time spent waiting for a slot is not spent inside `fn`, so a deadline `fn` sets when it starts (a gRPC
 * call's) is not used up by the wait.
 * @param limit runs in progress at most (>= 1).
 */
export function gate(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  if (!(limit >= 1)) throw new RangeError(`gate limit must be >= 1, got ${limit}`)
  let running = 0
  const waiting: (() => void)[] = []
  // A freed slot is handed to the first waiter directly (running stays the same), so a caller arriving between the
  // release and the waiter's resumption cannot take it too.
  const release = (): void => {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    else running++
    try {
      return await fn()
    } finally {
      release()
    }
  }
}
