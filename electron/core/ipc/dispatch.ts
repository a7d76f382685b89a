import { z } from 'zod'
import { contract, type Channel, type Role, type ErrorShape, type Input, type Output, type Result } from '../../contract'
import { AppError, fieldError, isServerMessageKey, msg, type Msg } from '../errors'
import type { MessageParams } from '../../contract/messages'

/** Who is calling; filled by the transport (Electron IPC or the browser shell), never by the page. */
export interface CallContext {
  transport: 'ipc' | 'browser-shell' | 'hub' | 'test'
  /**
   * Where the call comes from, for sign-in throttling: the browser shell's remote address, the hub's `desk:<id>`;
   * absent = the transport itself.
   */
  source?: string
  /** The paired desk a hub call came through (its mTLS certificate decided it, core/hub/server.ts); absent elsewhere. */
  desk?: { id: string; name: string }
  /** Signed-in user, set by the transport from its session; recorded on resends and local records. */
  user?: string
  /** Role of the signed-in user; set together with `user` from the session. */
  role?: Role
  /** Where this transport keeps the caller's session token (browser shell: HttpOnly cookie; Electron: per webContents). */
  session?: SessionCarrier
  /**
   * How this transport proves that a first-run caller sits at this machine (auth.setup). Electron's IPC: its own
   * window (the invoker answers no other frame, no other process); the browser shell: a one-time code. Without one,
   * auth.setup is refused.
   */
  setupGate?: SetupGate
}

/** A transport's proof for the first admin (see CallContext.setupGate; implementations in core/auth/setup-gate.ts). */
export interface SetupGate {
  /** Whether the first-run screen must ask for the one-time setup code. */
  readonly needsCode: boolean
  /** Whether `code` (as typed; ignored when needsCode is false) admits the caller. */
  admits(code: string | undefined): boolean
  /** The first admin exists: the code is spent and its file removed. */
  spend(): void
}

/** The page never holds the token: the transport reads and writes it, core only sees it here. */
export interface SessionCarrier {
  token(): string | undefined
  set(token: string | null): void
}

export type Handler<C extends Channel> = (input: z.output<(typeof contract)[C]['input']>, ctx: CallContext) => Output<C> | Promise<Output<C>>
export type HandlerTable = { [C in Channel]: Handler<C> }

function isChannel(name: unknown): name is Channel {
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
    return fail(shape('UNKNOWN_CHANNEL', msg('err.unknownChannel')))
  }
  const spec = contract[channel]
  const parsed = parseChannelInput(channel, rawInput)
  if (!parsed.ok) return parsed
  try {
    const handler = table[channel] as (input: unknown, ctx: CallContext) => unknown
    const value = await handler(parsed.value, ctx)
    const out = spec.output.safeParse(value)
    if (!out.success) {
      onInternalError(channel, out.error)
      return fail(shape('INTERNAL', msg('err.internal')))
    }
    return { ok: true, value: out.data }
  } catch (err) {
    if (err instanceof AppError) return fail(err.toShape())
    if (err instanceof z.ZodError) return invalidInput(err)
    onInternalError(channel, err)
    return fail(shape('INTERNAL', msg('err.internal')))
  }
}

/**
 * A call's input checked against its channel's contract, the one check every entry runs before core sees the input:
 * dispatch (Electron IPC, the browser shell, the hub's /rpc), the hub's replay of a desk's offline write (hub/apply.ts)
 * and the desk's own offline answers (hub/desk-node.ts), so a write the desk accepts offline is one the hub accepts.
 * `value` is the parsed input (defaults filled); a missing input counts as `{}`. A mismatch is INVALID_INPUT
 * (`err.invalidInput`) with one field error per issue (zodFields). Never throws.
 */
export function parseChannelInput<C extends Channel>(channel: C, input: unknown): Result<z.output<(typeof contract)[C]['input']>> {
  // reportInput: the issue carries the value, so a missing field reads "required" and a wrong one "format".
  const parsed = contract[channel].input.safeParse(input ?? {}, { reportInput: true })
  return parsed.success ? { ok: true, value: parsed.data as z.output<(typeof contract)[C]['input']> } : invalidInput(parsed.error)
}

/** Typed helper for callers that know the channel at compile time (tests, the browser shell's page side). */
export function call<C extends Channel>(table: HandlerTable, channel: C, input: Input<C>, ctx: CallContext) {
  return dispatch(table, channel, input, ctx) as Promise<Result<Output<C>>>
}

function invalidInput(err: z.ZodError): Result<never> {
  return fail({ ...shape('INVALID_INPUT', msg('err.invalidInput')), fields: zodFields(err) })
}

function fail(error: ErrorShape): Result<never> {
  return { ok: false, error }
}

function shape(code: ErrorShape['code'], m: Msg): ErrorShape {
  return { code, message: m.text, key: m.key }
}

/**
 * Validator issues as field errors staff can read, in either language: a schema's own message is a catalogue key
 * (e.g. 'v.noKartu'); zod's built-in issues are mapped by kind, so its English text never reaches the page.
 */
export function zodFields(err: z.ZodError) {
  return err.issues.map((i) => fieldError(i.path.join('.') || '(input)', issueMessage(i)))
}

function issueMessage(i: z.core.$ZodIssue): Msg {
  // A refinement's own issue may carry the key's parameters (e.g. a vital sign's range).
  if (isServerMessageKey(i.message)) return msg(i.message, i.code === 'custom' ? (i.params as MessageParams | undefined) : undefined)
  switch (i.code) {
    case 'invalid_type':
      if (i.input === undefined || i.input === null || i.input === '') return msg('v.required')
      return msg(i.expected === 'number' || i.expected === 'int' ? 'v.number' : 'v.format')
    case 'too_small': {
      const min = Number(i.minimum)
      if (i.origin === 'string') return min <= 1 ? msg('v.required') : msg('v.minLength', { min })
      if (i.origin === 'array' || i.origin === 'set') return msg('v.minItems', { min })
      return msg('v.min', { min })
    }
    case 'too_big': {
      const max = Number(i.maximum)
      if (i.origin === 'string') return msg('v.maxLength', { max })
      if (i.origin === 'array' || i.origin === 'set') return msg('v.maxItems', { max })
      return msg('v.max', { max })
    }
    case 'invalid_value':
    case 'invalid_union':
      return msg('v.choice')
    case 'unrecognized_keys':
      return msg('v.unknownField', { name: i.keys.join(', ') })
    case 'not_multiple_of':
      return msg('v.integer')
    default:
      return msg('v.format')
  }
}
