import type { OperationOutcome } from '@medplum/fhirtypes'
import { maskText } from '../log/mask'
import { RETRY_AFTER_MAX_MS } from '../sync/backoff'

export type SatusehatErrorKind = 'transient' | 'permanent'

/**
 * Why a SATUSEHAT call failed; each is the sync error code `SATUSEHAT_<REASON>` (contract/sync-errors.ts), worded for
 * staff in the locales as `reason.SATUSEHAT_<REASON>`. Transient ones are retried on the
 * outbox schedule; permanent ones wait for a person (data, mapping or credentials).
 */
export type SatusehatReason =
  | 'network'
  | 'timeout'
  | 'http5xx'
  | 'rate_limited'
  | 'token_wait'
  | 'bad_credentials'
  | 'unauthorized'
  | 'wrong_org'
  | 'duplicate'
  | 'invalid'
  | 'not_found'
  | 'bad_body'
  | 'http4xx'

/** One OperationOutcome issue as staff and the admin screen need it (reference §3.1). */
export interface SatusehatIssue {
  code: string
  text: string
  expression: string[]
  /** The RuleNumber inside `details.text` (or `diagnostics`), e.g. 10124; null when none is named. */
  rule: number | null
}

export interface SatusehatErrorInit {
  kind: SatusehatErrorKind
  reason: SatusehatReason
  httpStatus: number | null
  message: string
  issues: SatusehatIssue[]
  retryAfterMs?: number
  mayHaveCommitted: boolean
}

/** The one typed SATUSEHAT failure; texts are masked (NIK, Bearer tokens) before they get here. */
export class SatusehatError extends Error {
  readonly kind: SatusehatErrorKind
  readonly reason: SatusehatReason
  readonly httpStatus: number | null
  readonly issues: SatusehatIssue[]
  readonly retryAfterMs?: number
  /** True when the platform may have applied a write: search by identifier before posting again. */
  readonly mayHaveCommitted: boolean

  constructor(init: SatusehatErrorInit) {
    super(init.message)
    this.name = 'SatusehatError'
    this.kind = init.kind
    this.reason = init.reason
    this.httpStatus = init.httpStatus
    this.issues = init.issues
    this.mayHaveCommitted = init.mayHaveCommitted
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs
  }

  /** Every RuleNumber the answer named, in order. */
  get rules(): number[] {
    return this.issues.flatMap((i) => (i.rule === null ? [] : [i.rule]))
  }

  /** One line for the admin screen or a log: kind/reason, status, then each issue with its path and rule. */
  describe(): string {
    const head = `${this.kind}/${this.reason}${this.httpStatus !== null ? ` HTTP ${this.httpStatus}` : ''}`
    const issues = this.issues.map((i) => `${i.code}: ${i.text}${i.expression.length ? ` @ ${i.expression.join(', ')}` : ''}`)
    return `${head}: ${issues.length ? issues.join('; ') : this.message}`
  }
}

/** What was observed; classifySatusehat turns it into the one typed error. */
export interface SatusehatFailureFacts {
  /** Set when no usable HTTP answer was read. */
  transport?: 'network' | 'timeout'
  httpStatus?: number | null
  /** The answer's body text (plain text for 5xx, JSON otherwise). */
  body?: string
  contentType?: string | null
  /** Request method: a non-GET that may have reached the platform is ambiguous. */
  method: string
  /** The token call (`/oauth2/v1/accesstoken`) or a FHIR/KFA call. */
  phase: 'token' | 'fhir'
  retryAfterMs?: number
  message?: string
}

const RULE = /RuleNumber\s*:?\s*(\d+)/i
const WRONG_ORG = /wrong organization id|business rule/i
const AUTH_FAILED = /not able to be authenticated|client_secret|client_id/i
const TOKEN_RATE = /rate limit/i
const DUPLICATE = /duplicate/i

/** The issues of an OperationOutcome body; [] when the body is not one. Texts are masked. */
export function outcomeIssues(body: unknown): SatusehatIssue[] {
  const oo = body as Partial<OperationOutcome> | null
  if (!oo || typeof oo !== 'object' || oo.resourceType !== 'OperationOutcome' || !Array.isArray(oo.issue)) return []
  return oo.issue.map((i) => {
    const text = maskText(String(i.details?.text ?? i.diagnostics ?? ''))
    const m = RULE.exec(`${i.details?.text ?? ''} ${i.diagnostics ?? ''}`)
    return { code: String(i.code ?? ''), text, expression: (i.expression ?? []).map(String), rule: m ? Number(m[1]) : null }
  })
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * The single place that decides transient vs permanent for SATUSEHAT (docs/satusehat.md#errors), from the HTTP status
 * and the OperationOutcome (issue codes `duplicate`, `value`, `format`; RuleNumbers in `details.text`; reference
 * §3.1-3.2):
 * - no answer, 408, 5xx (plain text per the official pages), 429 and the token rate-limit text: transient; a write
 *   that may have reached the platform is marked mayHaveCommitted (reconcile by identifier before posting again);
 * - `duplicate`: permanent reason `duplicate` (the client resolves it to the existing id);
 * - rule 10117 "Wrong organization ID" or "business rule": `wrong_org` (configuration, not data);
 * - the token call's 401/authentication text: `bad_credentials`; 401/403 on FHIR (after the one refresh): `unauthorized`;
 * - other OperationOutcomes: `invalid`, with every issue kept for the admin screen.
 */
export function classifySatusehat(f: SatusehatFailureFacts): SatusehatError {
  const httpStatus = f.httpStatus ?? null
  const write = f.method.toUpperCase() !== 'GET'
  const json = parseJson(f.body)
  const issues = outcomeIssues(json)
  const text = `${f.message ?? ''} ${issues.map((i) => `${i.code} ${i.text}`).join(' ')} ${json === undefined ? (f.body ?? '').slice(0, 300) : ''}`
  const make = (kind: SatusehatErrorKind, reason: SatusehatReason, mayHaveCommitted = false): SatusehatError =>
    new SatusehatError({
      kind,
      reason,
      httpStatus,
      message: maskText((f.message ?? issues[0]?.text ?? (json === undefined ? f.body?.trim().slice(0, 200) : '')) || reason),
      issues,
      retryAfterMs: f.retryAfterMs,
      mayHaveCommitted,
    })

  if (f.transport === 'network') return make('transient', 'network', write)
  if (f.transport === 'timeout') return make('transient', 'timeout', write)
  const status = httpStatus ?? 0
  if (status === 408) return make('transient', 'timeout', write)
  if (status === 429 || TOKEN_RATE.test(text)) return make('transient', 'rate_limited')
  if (status >= 500) return make('transient', 'http5xx', write && f.phase === 'fhir')
  if (f.phase === 'token' && (status === 401 || status === 400 || AUTH_FAILED.test(text))) return make('permanent', 'bad_credentials')
  if (issues.some((i) => i.code === 'duplicate') || (issues.length === 0 && DUPLICATE.test(text))) return make('permanent', 'duplicate')
  if (issues.some((i) => i.rule === 10117 && WRONG_ORG.test(i.text)) || WRONG_ORG.test(text)) return make('permanent', 'wrong_org')
  if (status === 401 || status === 403) return make('permanent', 'unauthorized')
  if (status === 404) return make('permanent', 'not_found')
  if (issues.length > 0) return make('permanent', 'invalid')
  if (status >= 200 && status < 300) return make('transient', 'bad_body', write)
  return make('permanent', 'http4xx')
}

/** Retry-After as ms (seconds or an HTTP date), bounded to RETRY_AFTER_MAX_MS; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  const ms = /^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v) - nowMs
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS)
}
