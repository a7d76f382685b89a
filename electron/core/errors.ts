import type { ErrorCode, ErrorShape, FieldError } from '../contract'
import { formatServerMessage, isServerMessageKey, type MessageParams, type ServerMessageKey } from '../contract/messages'

/**
 * A message for a person, by key (see `contract/messages.ts`): `text` is its Indonesian form for logs and the CLI,
 * `key` and `params` let the page show it in the user's language.
 */
export interface Msg {
  key: ServerMessageKey
  params?: MessageParams
  text: string
}

/** Builds a Msg from a catalogue key; parameters fill `{name}` placeholders. */
export function msg(key: ServerMessageKey, params?: MessageParams): Msg {
  return params ? { key, params, text: formatServerMessage('id', key, params) } : { key, text: formatServerMessage('id', key) }
}

/** A field error by key, e.g. `fieldError('vitals.suhu', msg('v.suhuRange', { min: 34, max: 42 }))`. */
export function fieldError(field: string, m: Msg): FieldError {
  return m.params ? { field, message: m.text, key: m.key, params: m.params } : { field, message: m.text, key: m.key }
}

/**
 * An error meant for a person at the counter, always by catalogue key (`msg(key, params)`) so the page shows it in
 * the user's language; field errors likewise (`fieldError`). test/unit/messages.test.ts refuses plain text in either.
 * `code` lets the UI branch. Anything else that escapes core becomes INTERNAL with a generic message.
 */
export class AppError extends Error {
  readonly key: ServerMessageKey
  readonly params?: MessageParams

  constructor(
    readonly code: ErrorCode,
    message: Msg,
    readonly fields?: FieldError[],
  ) {
    super(message.text)
    this.name = 'AppError'
    this.key = message.key
    if (message.params) this.params = message.params
  }

  toShape(): ErrorShape {
    const shape: ErrorShape = { code: this.code, message: this.message, key: this.key }
    if (this.params) shape.params = this.params
    if (this.fields?.length) shape.fields = this.fields
    return shape
  }
}

export { isServerMessageKey }
