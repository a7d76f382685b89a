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
function htmlSnippet(html: string): string {
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

/**
 * The ids a create answer (POST pendaftaran, kunjungan, tindakan, obat/kunjungan) carries, keyed by the lower-cased
 * field name: PCare
 * answers `{field: "<name>", message: "<id>"}` entries, documented as one object for pendaftaran and tindakan and as
 * an array for kunjungan and obat (KH, ML), while TD and a design note type the kunjungan answer as one object
 * (docs/pcare.md#create-answers). Both shapes are read for every create: field names compare case-insensitively, a
 * numeric message becomes its decimal text, and an empty or missing message names no id. An entry without a field
 * name counts only when it is the answer's only entry (ML reads `response[0].message`); it then stands for `primary`.
 */
export function createdIds(response: unknown, primary: string): Map<string, string> {
  const entries = Array.isArray(response) ? response : response === null || response === undefined ? [] : [response]
  const ids = new Map<string, string>()
  for (const e of entries.slice(0, 50)) {
    if (!isRecord(e)) continue
    const m = e.message
    const id = typeof m === 'string' ? m.trim() : typeof m === 'number' && Number.isFinite(m) ? String(m) : ''
    if (id === '') continue
    const field = typeof e.field === 'string' ? e.field.trim() : ''
    const name = field !== '' ? field.toLowerCase() : entries.length === 1 ? primary.toLowerCase() : ''
    if (name !== '' && !ids.has(name)) ids.set(name, id)
  }
  return ids
}

/**
 * A calendar day as PCare writes one in an answer, as `yyyy-MM-dd`: `dd-MM-yyyy` (its request format) and
 * `yyyy-MM-dd` are both seen, with `/` as well as `-`, and a time part after the day is ignored
 * (docs/pcare.md#reconcile-reads). Null for anything else, including an impossible day like 31-02-2026.
 */
export function pcareDay(text: unknown): string | null {
  if (typeof text !== 'string') return null
  const t = text.trim()
  const dmy = /^(\d{2})[-/](\d{2})[-/](\d{4})(?:$|[ T])/.exec(t)
  const ymd = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:$|[ T])/.exec(t)
  const [y, m, d] = dmy ? [dmy[3], dmy[2], dmy[1]] : ymd ? [ymd[1], ymd[2], ymd[3]] : []
  if (y === undefined) return null
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null
  return `${y}-${m}-${d}`
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
