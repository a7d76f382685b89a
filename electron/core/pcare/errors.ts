import { maskText } from '../log/mask'
import { RETRY_AFTER_MAX_MS } from '../sync/backoff'

export type PcareErrorKind = 'transient' | 'permanent'

export type PcareErrorReason =
  | 'network'
  | 'timeout'
  | 'http5xx'
  | 'rate_limited'
  | 'gateway_html'
  | 'bad_body'
  | 'garbage_ciphertext'
  | 'unauthorized'
  | 'clock_skew'
  | 'not_registered'
  | 'not_found'
  | 'validation'
  | 'precondition'
  | 'jvalue'
  | 'start_index'
  | 'duplicate'
  | 'screening_required'
  | 'bad_request'
  | 'rejected'
  | 'http4xx'

export interface FieldMessage {
  field: string
  message: string
}

export interface PcareErrorInit {
  kind: PcareErrorKind
  reason: PcareErrorReason
  httpStatus: number | null
  metaCode: number | null
  message: string
  fields: FieldMessage[]
  retryAfterMs?: number
  /** True when the server may already have applied a write (reconcile before re-sending). */
  mayHaveCommitted: boolean
}

export class PcareError extends Error {
  readonly kind: PcareErrorKind
  readonly reason: PcareErrorReason
  readonly httpStatus: number | null
  readonly metaCode: number | null
  readonly fields: FieldMessage[]
  readonly retryAfterMs?: number
  readonly mayHaveCommitted: boolean

  constructor(init: PcareErrorInit) {
    super(init.message)
    this.name = 'PcareError'
    this.kind = init.kind
    this.reason = init.reason
    this.httpStatus = init.httpStatus
    this.metaCode = init.metaCode
    this.fields = init.fields
    this.mayHaveCommitted = init.mayHaveCommitted
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
  }

  get transient(): boolean {
    return this.kind === 'transient'
  }

  /** One line for an admin screen or a log: reason, status, code, message and the 412 field list. */
  describe(): string {
    const parts = [`${this.kind}/${this.reason}`]
    if (this.httpStatus !== null) parts.push(`HTTP ${this.httpStatus}`)
    if (this.metaCode !== null) parts.push(`code ${this.metaCode}`)
    const fields = this.fields.map((f) => `${f.field}: ${f.message}`).join('; ')
    return `${parts.join(' ')}: ${this.message}${fields ? ` [${fields}]` : ''}`
  }
}

/**
 * The sync error code of a reason, as the outbox stores it and the contract lists it (`PCARE_SYNC_CODES` in
 * contract/sync-errors.ts): the reason upper-cased, e.g. 'rate_limited' → 'RATE_LIMITED'.
 */
export function syncCodeOf(reason: PcareErrorReason): Uppercase<PcareErrorReason> {
  return reason.toUpperCase() as Uppercase<PcareErrorReason>
}

/** What went wrong, as observed; classify() turns it into the one typed error. */
export interface FailureFacts {
  /** Set when no usable HTTP answer was read. */
  transport?: 'network' | 'timeout'
  /** Set when an HTTP answer was read but could not be understood. */
  body?: 'html' | 'unparseable' | 'garbage_ciphertext'
  httpStatus?: number | null
  metaCode?: number | null
  message?: string
  fields?: FieldMessage[]
  retryAfterMs?: number
  /** Request method: any non-GET that may have reached the server is ambiguous. */
  method: string
  /** Antrean FKTP answers business rejections with its own codes (e.g. 201 on add). */
  antreanRejection?: boolean
}

const JVALUE = /Newtonsoft\.Json\.Linq\.JValue|JValue/i
const START_INDEX = /StartIndex cannot be less than zero/i
const NOT_REGISTERED = /not registered for this service/i
/**
 * A refusal because the record exists already, as a family: "sudah terdaftar", "sudah ada", and every form of
 * duplicate/duplikat/duplikasi (Antrean answers 208 "Terdapat duplikasi Kode Booking"; docs/pcare.md#antrean-fktp).
 */
const DUPLICATE = /sudah terdaftar|sudah ada|duplica|duplika/i
/**
 * Antrean FKTP refuses `antrean/add` while the patient has not done the Mobile JKN health screening ("Anda belum
 * melakukan skrining kesehatan …"; FK maps any refusal mentioning "skrining" to it). The patient can do it at once on
 * the phone, so the job is retried on the schedule instead of waiting for an admin.
 */
const SCREENING = /skrining/i
/** A 401 about the request time: the signature was fine but X-timestamp was refused (UNCONFIRMED wording on production). */
const CLOCK = /timestamp|jam komputer|clock skew/i

/**
 * The single place that decides transient vs permanent (docs/pcare.md#metadata-codes-and-what-we-do-with-each). Transient failures are
 * worth a retry with backoff; permanent ones need a person (config, credentials or data).
 */
export function classify(f: FailureFacts): PcareError {
  const httpStatus = f.httpStatus ?? null
  const metaCode = f.metaCode ?? null
  const fields = f.fields ?? []
  const rawMessage = f.message ?? ''
  const text = `${rawMessage} ${fields.map((x) => `${x.field} ${x.message}`).join(' ')}`
  const write = f.method.toUpperCase() !== 'GET'
  // The HTTP status reflects the error for PCare; when a gateway answers 200 with an error code, use the code.
  const status = httpStatus !== null && httpStatus >= 300 ? httpStatus : metaCode ?? httpStatus ?? 0

  const make = (
    kind: PcareErrorKind,
    reason: PcareErrorReason,
    message: string,
    mayHaveCommitted = false,
  ): PcareError =>
    new PcareError({
      kind,
      reason,
      httpStatus,
      metaCode,
      message: maskText(message || reason),
      fields: fields.map((x) => ({ field: maskText(String(x.field)), message: maskText(String(x.message)) })),
      retryAfterMs: f.retryAfterMs,
      mayHaveCommitted,
    })

  if (f.transport === 'network') return make('transient', 'network', rawMessage || 'network error', write)
  if (f.transport === 'timeout') return make('transient', 'timeout', rawMessage || 'request timed out', write)

  if (f.body === 'garbage_ciphertext') {
    // A 200 whose payload does not decode: the server did answer success, so a write probably happened.
    return make('transient', 'garbage_ciphertext', rawMessage || 'response could not be decrypted', write)
  }
  if (f.body === 'html') {
    const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429
    return make(permanent ? 'permanent' : 'transient', 'gateway_html', rawMessage, write && !permanent)
  }
  if (f.body === 'unparseable') {
    const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429
    return make(permanent ? 'permanent' : 'transient', 'bad_body', rawMessage || 'response is not JSON', write && !permanent)
  }

  if (f.antreanRejection) {
    // A refusal: nothing was written, so none of these is ambiguous.
    if (SCREENING.test(text)) return make('transient', 'screening_required', rawMessage)
    return make('permanent', DUPLICATE.test(text) ? 'duplicate' : 'rejected', rawMessage)
  }

  if (status === 408) return make('transient', 'timeout', rawMessage, write)
  if (status === 429) return make('transient', 'rate_limited', rawMessage)
  if (status >= 500) {
    if (JVALUE.test(text)) return make('permanent', 'jvalue', rawMessage)
    return make('transient', 'http5xx', rawMessage, write)
  }
  // A skewed clock is fixed by NTP or a person without touching the data, so the job stays retryable; wrong
  // credentials are not, and wait for the admin.
  if (status === 401) return CLOCK.test(text) ? make('transient', 'clock_skew', rawMessage) : make('permanent', 'unauthorized', rawMessage)
  if (status === 400 && START_INDEX.test(text)) return make('permanent', 'start_index', rawMessage)
  if (status === 404) return make('permanent', NOT_REGISTERED.test(text) ? 'not_registered' : 'not_found', rawMessage)
  if (status >= 400 && DUPLICATE.test(text)) return make('permanent', 'duplicate', rawMessage)
  if (status === 412) return make('permanent', 'validation', rawMessage)
  if (status === 424) return make('permanent', 'precondition', rawMessage)
  if (status === 400) return make('permanent', 'bad_request', rawMessage)
  return make('permanent', 'http4xx', rawMessage || `unexpected status ${status}`)
}

/** Retry-After as milliseconds (seconds or an HTTP date), bounded to RETRY_AFTER_MAX_MS (an hour, sync/backoff.ts). */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  let ms: number
  if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000
  else {
    const at = Date.parse(trimmed)
    if (Number.isNaN(at)) return undefined
    ms = at - nowMs
  }
  return Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS)
}
