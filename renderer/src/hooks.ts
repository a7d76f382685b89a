import { useEffect, useRef, useState, type RefObject } from 'react'
import { asApiError, type ApiError } from './api'

/**
 * Calls `load` now and then every `intervalMs` after the previous call settled (never overlapping),
 * until unmount. Keeps the last good value when a call fails, and reports the failure separately.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number): { value: T | undefined; error: ApiError | undefined } {
  const [state, setState] = useState<{ value: T | undefined; error: ApiError | undefined }>({ value: undefined, error: undefined })
  const loadRef = useRef(load)
  loadRef.current = load
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const value = await loadRef.current()
        if (!stopped) setState({ value, error: undefined })
      } catch (err) {
        if (!stopped) setState((s) => ({ value: s.value, error: asApiError(err) }))
      }
      if (!stopped) timer = setTimeout(tick, intervalMs)
    }
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [intervalMs])
  return state
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
