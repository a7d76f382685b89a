import type { Channel, ErrorCode, ErrorShape, FieldError, Input, Output } from '../../electron/contract'
import { formatServerMessage, isServerMessageKey } from '../../electron/contract/messages'

type Locale = 'id' | 'en'
let messageLocale: Locale = 'id'

/** The language server messages are shown in; the I18nProvider sets it with the page's locale. */
export function setMessageLocale(locale: Locale): void {
  messageLocale = locale
}

/** A server message in the page's language: by its key when core sent one, else the text as sent. */
export function localize(m: { message: string; key?: string; params?: Record<string, string | number> }): string {
  return m.key && isServerMessageKey(m.key) ? formatServerMessage(messageLocale, m.key, m.params) : m.message
}

/** A failed call, typed: `code` to branch on, `message` to show, `fields` to place next to inputs. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly fields: FieldError[]

  /**
   * `message` as text, or as a function read each time: an error from core keeps its message key, so one already on
   * screen follows a language switch instead of staying in the language it arrived in.
   */
  constructor(code: ErrorCode, message: string | (() => string), fields: FieldError[] = []) {
    super(typeof message === 'string' ? message : message())
    if (typeof message === 'function') Object.defineProperty(this, 'message', { get: message, configurable: true })
    this.name = 'ApiError'
    this.code = code
    this.fields = fields
  }

  /** The message for one input (path as the contract names it, e.g. `ledger.peerEndpoint`). */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message
  }

  /** An error from core, with its message and field messages in the page's language. */
  static from(e: ErrorShape): ApiError {
    const fields = (e.fields ?? []).map((f) => Object.defineProperty({ ...f }, 'message', { get: () => localize(f), enumerable: true }))
    return new ApiError(e.code, () => localize(e), fields)
  }
}

type SessionRefusal = 'locked' | 'ended'
type SessionListener = (reason: SessionRefusal, notice?: ApiError) => void
const sessionListeners = new Set<SessionListener>()

/**
 * Tells `listener` when core refuses a call because the session is locked (idle, auth.locked) or over (auth.signInFirst,
 * e.g. 12 h after sign-in; auth.deskSessionEnded, a hub desk's session the hub no longer honours), whichever call it
 * was; the lock screen (Lock.tsx) listens. `notice` is the refusal the sign-in screen should show (the desk's only:
 * it says why a user still working must sign in again). Returns the unsubscribe.
 */
export function onSessionRefused(listener: SessionListener): () => void {
  sessionListeners.add(listener)
  return () => void sessionListeners.delete(listener)
}

/** Calls one channel and returns its value, or throws ApiError. The page never sees a raw Result. */
export async function call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
  let result
  try {
    result = await window.faskes.invoke(channel, input)
  } catch {
    // The bridge itself failed (Electron main gone, browser shell stopped): say so instead of crashing.
    throw new ApiError('UNAVAILABLE', () => formatServerMessage(messageLocale, 'err.unavailableLocal'))
  }
  if (result.ok) return result.value
  const { code, key } = result.error
  const error = ApiError.from(result.error)
  if (code === 'UNAUTHENTICATED' && (key === 'auth.locked' || key === 'auth.signInFirst' || key === 'auth.deskSessionEnded')) {
    for (const listener of sessionListeners) listener(key === 'auth.locked' ? 'locked' : 'ended', key === 'auth.deskSessionEnded' ? error : undefined)
  }
  throw error
}

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError('INTERNAL', err instanceof Error ? err.message : String(err))
}
