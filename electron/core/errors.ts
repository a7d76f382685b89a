import type { ErrorCode, ErrorShape, FieldError } from '../contract'

/**
 * An error meant for a person at the counter: `message` is shown as is (Bahasa Indonesia),
 * `code` lets the UI branch. Anything else that escapes core becomes INTERNAL with a generic message.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message)
    this.name = 'AppError'
  }

  toShape(): ErrorShape {
    return this.fields?.length ? { code: this.code, message: this.message, fields: this.fields } : { code: this.code, message: this.message }
  }
}
