import { z } from 'zod'
import { contract, type Channel, type Role, type ErrorShape, type Input, type Output, type Result } from '../../contract'
import { AppError } from '../errors'

/** Who is calling; filled by the transport (Electron IPC or the browser shell), never by the page. */
export interface CallContext {
  transport: 'ipc' | 'browser-shell' | 'test'
  /** Signed-in user, set by the transport from its session; recorded on resends and local records. */
  user?: string
  /** Role of the signed-in user; set together with `user` from the session. */
  role?: Role
  /** Where this transport keeps the caller's session token (browser shell: HttpOnly cookie; Electron: per webContents). */
  session?: SessionCarrier
}

/** The page never holds the token: the transport reads and writes it, core only sees it here. */
export interface SessionCarrier {
  token(): string | undefined
  set(token: string | null): void
}

export type Handler<C extends Channel> = (input: z.output<(typeof contract)[C]['input']>, ctx: CallContext) => Output<C> | Promise<Output<C>>
export type HandlerTable = { [C in Channel]: Handler<C> }

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/**
 * The single entry for every call from the page. Validates the input against the contract before any handler
 * runs, validates the output on the way back (a mismatch is our bug, reported as INTERNAL), and turns every
 * failure into a typed, readable error. Never throws.
 */
export async function dispatch(
  table: HandlerTable,
  channel: unknown,
  rawInput: unknown,
  ctx: CallContext,
  onInternalError: (channel: string, err: unknown) => void = () => {},
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return fail({ code: 'UNKNOWN_CHANNEL', message: 'Perintah tidak dikenal.' })
  }
  const spec = contract[channel]
  const parsed = spec.input.safeParse(rawInput ?? {})
  if (!parsed.success) {
    return fail({ code: 'INVALID_INPUT', message: 'Data yang dikirim tidak valid.', fields: zodFields(parsed.error) })
  }
  try {
    const handler = table[channel] as (input: unknown, ctx: CallContext) => unknown
    const value = await handler(parsed.data, ctx)
    const out = spec.output.safeParse(value)
    if (!out.success) {
      onInternalError(channel, out.error)
      return fail({ code: 'INTERNAL', message: 'Terjadi kesalahan internal. Data Anda tetap tersimpan.' })
    }
    return { ok: true, value: out.data }
  } catch (err) {
    if (err instanceof AppError) return fail(err.toShape())
    if (err instanceof z.ZodError) {
      return fail({ code: 'INVALID_INPUT', message: 'Data yang dikirim tidak valid.', fields: zodFields(err) })
    }
    onInternalError(channel, err)
    return fail({ code: 'INTERNAL', message: 'Terjadi kesalahan internal. Data Anda tetap tersimpan.' })
  }
}

/** Typed helper for callers that know the channel at compile time (tests, the browser shell's page side). */
export function call<C extends Channel>(table: HandlerTable, channel: C, input: Input<C>, ctx: CallContext) {
  return dispatch(table, channel, input, ctx) as Promise<Result<Output<C>>>
}

function fail(error: ErrorShape): Result<never> {
  return { ok: false, error }
}

function zodFields(err: z.ZodError) {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(input)', message: i.message }))
}
