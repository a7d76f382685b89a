import { maskText } from '../log/mask'
import { DecodeError, decryptResponse } from './crypto'
import { classify, parseRetryAfter, type FieldMessage } from './errors'

export type Service = 'pcare' | 'antrean'

/** What the transport read; kept separate so the parser can be fuzzed without a server. */
export interface RawResponse {
  status: number
  contentType: string | null
  body: string
  retryAfter: string | null
}

export interface DecodeContext {
  service: Service
  method: string
  consId: string
  secretKey: string
  /** The X-timestamp value that was actually sent with this request. */
  timestamp: string
  nowMs: number
}

export interface PcareResult<T> {
  httpStatus: number
  /** metaData.code coerced to a number; null for bodies without an envelope (legacy plain JSON). */
  metaCode: number | null
  message: string
  response: T
}

/** PCare success codes: 200 OK, 201 CREATED, 204 nothing found, 304 already deleted (Khanza, pendaftaran). */
const PCARE_OK = new Set([200, 201, 204, 304])
/** Antrean FKTP answers 200, or 1 in some deployments (ssecd test, mlite spec). */
const ANTREAN_OK = new Set([200, 1])

const SNIPPET_MAX = 160

/** Visible text of an HTML page, short and masked, for an error message. */
export function htmlSnippet(html: string): string {
  const text = html
    .slice(0, 20_000)
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()
  return maskText(text.length > SNIPPET_MAX ? `${text.slice(0, SNIPPET_MAX)}…` : text)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function asFieldMessage(v: unknown): FieldMessage | null {
  if (!isRecord(v) || !('field' in v || 'message' in v)) return null
  return { field: String(v.field ?? ''), message: String(v.message ?? '') }
}

/** Error bodies carry null, [], one {field,message} or a list of them. */
function fieldsOf(response: unknown): FieldMessage[] {
  if (Array.isArray(response)) return response.map(asFieldMessage).filter((x): x is FieldMessage => x !== null).slice(0, 50)
  const one = asFieldMessage(response)
  return one ? [one] : []
}

function looksLikeHtml(raw: RawResponse): boolean {
  return /html/i.test(raw.contentType ?? '') || /^\s*</.test(raw.body)
}

/**
 * Turns one HTTP answer into a result or a PcareError; never throws anything else, whatever the body
 * (this is what the fuzz test holds it to).
 */
export function parseResponse<T = unknown>(raw: RawResponse, ctx: DecodeContext): PcareResult<T> {
  const retryAfterMs = parseRetryAfter(raw.retryAfter, ctx.nowMs)
  const base = { httpStatus: raw.status, method: ctx.method, retryAfterMs }
  const httpOk = raw.status >= 200 && raw.status < 300

  if (looksLikeHtml(raw)) {
    throw classify({ ...base, body: 'html', message: `gateway answered HTML: ${htmlSnippet(raw.body)}` })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.body)
  } catch {
    const snippet = maskText(raw.body.slice(0, SNIPPET_MAX).replace(/\s+/g, ' '))
    throw classify({ ...base, body: 'unparseable', message: `response is not JSON: ${snippet || '(empty)'}` })
  }

  const meta = isRecord(parsed) ? (parsed.metaData ?? parsed.metadata) : undefined
  if (!isRecord(meta)) {
    // Legacy v3.0 hosts and some proxies answer bare JSON without the envelope.
    if (httpOk) return { httpStatus: raw.status, metaCode: null, message: '', response: parsed as T }
    const message = isRecord(parsed) && typeof parsed.message === 'string' ? parsed.message : `HTTP ${raw.status}`
    throw classify({ ...base, message })
  }

  const code = Number(meta.code)
  const metaCode = Number.isFinite(code) ? code : null
  const message = typeof meta.message === 'string' ? meta.message : String(meta.message ?? '')
  const response = (parsed as Record<string, unknown>).response
  const okCodes = ctx.service === 'pcare' ? PCARE_OK : ANTREAN_OK

  if (!httpOk || metaCode === null || !okCodes.has(metaCode)) {
    throw classify({
      ...base,
      metaCode,
      message,
      fields: fieldsOf(response),
      antreanRejection: ctx.service === 'antrean' && httpOk,
    })
  }

  if (typeof response !== 'string' || response === '') {
    return { httpStatus: raw.status, metaCode, message, response: (response === '' ? null : response ?? null) as T }
  }
  try {
    const decoded = decryptResponse(response, ctx.consId, ctx.secretKey, ctx.timestamp)
    return { httpStatus: raw.status, metaCode, message, response: decoded as T }
  } catch (err) {
    const stage = err instanceof DecodeError ? err.stage : 'aes'
    throw classify({
      ...base,
      metaCode,
      body: 'garbage_ciphertext',
      message: `success response could not be decoded (${stage}); check the clock and the consumer secret`,
    })
  }
}
