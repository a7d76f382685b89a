import type { Channel, ErrorCode, FieldError, Input, Output } from '../../electron/contract'

/** A failed call, typed: `code` to branch on, `message` to show, `fields` to place next to inputs. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly fields: FieldError[]

  constructor(code: ErrorCode, message: string, fields: FieldError[] = []) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.fields = fields
  }

  /** The message for one input (path as the contract names it, e.g. `ledger.peerEndpoint`). */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message
  }
}

/** Calls one channel and returns its value, or throws ApiError. The page never sees a raw Result. */
export async function call<C extends Channel>(channel: C, input: Input<C>): Promise<Output<C>> {
  let result
  try {
    result = await window.faskes.invoke(channel, input)
  } catch {
    // The bridge itself failed (Electron main gone, browser shell stopped): say so instead of crashing.
    throw new ApiError('UNAVAILABLE', 'Layanan lokal tidak dapat dihubungi.')
  }
  if (result.ok) return result.value
  throw new ApiError(result.error.code, result.error.message, result.error.fields)
}

export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError('INTERNAL', err instanceof Error ? err.message : String(err))
}
