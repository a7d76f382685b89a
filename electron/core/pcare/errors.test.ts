import { describe, expect, it } from 'vitest'
import { PCARE_SYNC_CODES, SyncErrorCode } from '../../contract'
import { toSendError } from '../sync/pcare-executor'
import { classify, parseRetryAfter, syncCodeOf, type FailureFacts, type PcareErrorKind, type PcareErrorReason } from './errors'

interface Row {
  name: string
  facts: FailureFacts
  kind: PcareErrorKind
  reason: PcareErrorReason
  /** The server may have applied a write: the job is reconciled before it is sent again. */
  mayHaveCommitted: boolean
  /** The worker pauses the target and probes (only when nothing answered). */
  offline?: boolean
  retryAfterMs?: number
}

const POST = 'POST'
const GET = 'GET'
const fields = [{ field: 'noKartu', message: 'Belum melakukan pendaftaran pada poli tersebut.' }]

/**
 * One row per answer in docs/pcare.md#metadata-codes-and-what-we-do-with-each, plus the body shapes (HTML, not JSON,
 * undecodable) and the transport failures; a write (POST) and a read (GET) differ only in mayHaveCommitted.
 */
const rows: Row[] = [
  // No usable answer.
  { name: 'network error on a write', facts: { transport: 'network', method: POST, message: 'connect ECONNREFUSED' }, kind: 'transient', reason: 'network', mayHaveCommitted: true, offline: true },
  { name: 'network error on a read', facts: { transport: 'network', method: GET }, kind: 'transient', reason: 'network', mayHaveCommitted: false, offline: true },
  { name: 'no answer in time on a write', facts: { transport: 'timeout', method: POST }, kind: 'transient', reason: 'timeout', mayHaveCommitted: true },
  { name: 'no answer in time on a read', facts: { transport: 'timeout', method: GET }, kind: 'transient', reason: 'timeout', mayHaveCommitted: false },
  // An answer that cannot be understood.
  { name: '200 whose response does not decode', facts: { body: 'garbage_ciphertext', httpStatus: 200, metaCode: 201, method: POST }, kind: 'transient', reason: 'garbage_ciphertext', mayHaveCommitted: true },
  { name: 'IIS HTML error page, 500', facts: { body: 'html', httpStatus: 500, method: POST }, kind: 'transient', reason: 'gateway_html', mayHaveCommitted: true },
  { name: 'HTML 404 (wrong service name)', facts: { body: 'html', httpStatus: 404, method: POST }, kind: 'permanent', reason: 'gateway_html', mayHaveCommitted: false },
  { name: 'HTML 408 stays transient', facts: { body: 'html', httpStatus: 408, method: GET }, kind: 'transient', reason: 'gateway_html', mayHaveCommitted: false },
  { name: 'HTML 429 stays transient', facts: { body: 'html', httpStatus: 429, method: POST }, kind: 'transient', reason: 'gateway_html', mayHaveCommitted: true },
  { name: 'truncated body from a proxy, 502', facts: { body: 'unparseable', httpStatus: 502, method: POST }, kind: 'transient', reason: 'bad_body', mayHaveCommitted: true },
  { name: 'not JSON with a 400', facts: { body: 'unparseable', httpStatus: 400, method: POST }, kind: 'permanent', reason: 'bad_body', mayHaveCommitted: false },
  // Antrean FKTP answers its business refusals with HTTP 200 and its own metadata codes.
  { name: 'Antrean: already queued', facts: { antreanRejection: true, httpStatus: 200, metaCode: 201, message: 'Data pasien ini sudah terdaftar', method: POST }, kind: 'permanent', reason: 'duplicate', mayHaveCommitted: false },
  { name: 'Antrean: other refusal', facts: { antreanRejection: true, httpStatus: 200, metaCode: 201, message: 'Poli tidak ditemukan', method: POST }, kind: 'permanent', reason: 'rejected', mayHaveCommitted: false },
  { name: 'Antrean: 208 duplicate booking code', facts: { antreanRejection: true, httpStatus: 200, metaCode: 208, message: 'Terdapat duplikasi Kode Booking', method: POST }, kind: 'permanent', reason: 'duplicate', mayHaveCommitted: false },
  { name: 'Antrean: Mobile JKN screening not done yet', facts: { antreanRejection: true, httpStatus: 200, metaCode: 201, message: 'Anda belum melakukan skrining kesehatan, silakan melakukan skrining kesehatan melalui aplikasi Mobile JKN', method: POST }, kind: 'transient', reason: 'screening_required', mayHaveCommitted: false },
  // PCare's metaData codes (the HTTP status mirrors them).
  { name: '408 gateway timeout on a write', facts: { httpStatus: 408, method: POST }, kind: 'transient', reason: 'timeout', mayHaveCommitted: true },
  { name: '429 with Retry-After', facts: { httpStatus: 429, retryAfterMs: 5000, method: POST }, kind: 'transient', reason: 'rate_limited', mayHaveCommitted: false, retryAfterMs: 5000 },
  { name: '500 JValue: a payload .NET cannot walk', facts: { httpStatus: 500, metaCode: 500, message: 'Cannot access child value on Newtonsoft.Json.Linq.JValue.', method: POST }, kind: 'permanent', reason: 'jvalue', mayHaveCommitted: false },
  { name: '503 on a write', facts: { httpStatus: 503, method: POST }, kind: 'transient', reason: 'http5xx', mayHaveCommitted: true },
  { name: '503 on a read', facts: { httpStatus: 503, method: GET }, kind: 'transient', reason: 'http5xx', mayHaveCommitted: false },
  { name: '401 about the request time', facts: { httpStatus: 401, metaCode: 401, message: 'X-timestamp is out of the allowed window', method: POST }, kind: 'transient', reason: 'clock_skew', mayHaveCommitted: false },
  { name: '401 wrong credentials', facts: { httpStatus: 401, metaCode: 401, message: 'Username/Password salah', method: GET }, kind: 'permanent', reason: 'unauthorized', mayHaveCommitted: false },
  { name: '400 StartIndex (X-authorization without Basic)', facts: { httpStatus: 400, metaCode: 400, message: 'StartIndex cannot be less than zero.', method: GET }, kind: 'permanent', reason: 'start_index', mayHaveCommitted: false },
  { name: '400 other', facts: { httpStatus: 400, metaCode: 400, message: 'Bad Request', method: POST }, kind: 'permanent', reason: 'bad_request', mayHaveCommitted: false },
  { name: '404 path not enabled for this consumer', facts: { httpStatus: 404, metaCode: 404, message: 'Unauthorized! You are not registered for this service!', method: POST }, kind: 'permanent', reason: 'not_registered', mayHaveCommitted: false },
  { name: '404 other', facts: { httpStatus: 404, metaCode: 404, message: 'Data tidak ditemukan', method: GET }, kind: 'permanent', reason: 'not_found', mayHaveCommitted: false },
  { name: '412 with a field list', facts: { httpStatus: 412, metaCode: 412, message: 'PRECONDITION_FAILED', fields, method: POST }, kind: 'permanent', reason: 'validation', mayHaveCommitted: false },
  { name: '412 naming a duplicate', facts: { httpStatus: 412, metaCode: 412, message: 'Peserta sudah terdaftar di poli ini', method: POST }, kind: 'permanent', reason: 'duplicate', mayHaveCommitted: false },
  { name: '412 naming a duplication', facts: { httpStatus: 412, metaCode: 412, message: 'Terdapat duplikasi data pendaftaran', method: POST }, kind: 'permanent', reason: 'duplicate', mayHaveCommitted: false },
  { name: '424 unknown master code', facts: { httpStatus: 424, metaCode: 424, message: 'Kode tindakan 99999 tidak ditemukan', method: POST }, kind: 'permanent', reason: 'precondition', mayHaveCommitted: false },
  { name: '403, no rule of its own', facts: { httpStatus: 403, method: POST }, kind: 'permanent', reason: 'http4xx', mayHaveCommitted: false },
  // A gateway that answers HTTP 200 with an error code: the metaData code decides.
  { name: 'HTTP 200 carrying metaData 412', facts: { httpStatus: 200, metaCode: 412, message: 'PRECONDITION_FAILED', fields, method: POST }, kind: 'permanent', reason: 'validation', mayHaveCommitted: false },
  { name: 'HTTP 200 carrying metaData 500', facts: { httpStatus: 200, metaCode: 500, message: 'Internal error', method: POST }, kind: 'transient', reason: 'http5xx', mayHaveCommitted: true },
]

describe('classify (PCare failure → one typed error)', () => {
  it.each(rows)('$name', (row) => {
    const e = classify(row.facts)
    expect({ kind: e.kind, reason: e.reason, mayHaveCommitted: e.mayHaveCommitted, retryAfterMs: e.retryAfterMs }).toEqual({
      kind: row.kind,
      reason: row.reason,
      mayHaveCommitted: row.mayHaveCommitted,
      retryAfterMs: row.retryAfterMs,
    })
    expect(e.transient).toBe(row.kind === 'transient')
    expect(e.httpStatus).toBe(row.facts.httpStatus ?? null)
    expect(e.metaCode).toBe(row.facts.metaCode ?? null)

    // What the outbox stores and does with it: the contract's code, offline only when nothing answered, and
    // ambiguous (reconcile first) only for a write that may have landed.
    const write = row.facts.method !== GET
    const s = toSendError(e, write)
    expect(s.code).toBe(syncCodeOf(row.reason))
    expect(SyncErrorCode.safeParse(s.code).success).toBe(true)
    expect(s.kind).toBe(row.kind)
    expect(Boolean(s.extra.offline)).toBe(row.offline ?? false)
    expect(Boolean(s.extra.ambiguous)).toBe(write && row.mayHaveCommitted)
    expect(s.extra.retryAfterMs).toBe(row.retryAfterMs)
  })

  it('reaches every reason the contract lists', () => {
    // Typed: every PCare code the contract lists is a classifier reason (the other direction is held by SendError's
    // typed code, which takes syncCodeOf's result).
    const contractCodes: readonly Uppercase<PcareErrorReason>[] = PCARE_SYNC_CODES
    const reached = new Set(rows.map((r) => syncCodeOf(r.reason)))
    expect(contractCodes.filter((c) => !reached.has(c))).toEqual([])
  })

  it('keeps PCare’s words and field list, and names the reason when PCare said nothing', () => {
    const e = classify({ httpStatus: 412, metaCode: 412, message: 'PRECONDITION_FAILED', fields, method: POST })
    expect(e.message).toBe('PRECONDITION_FAILED')
    expect(e.fields).toEqual(fields)
    expect(e.describe()).toBe('permanent/validation HTTP 412 code 412: PRECONDITION_FAILED [noKartu: Belum melakukan pendaftaran pada poli tersebut.]')
    expect(classify({ httpStatus: 424, method: POST }).message).toBe('precondition')
    expect(classify({ httpStatus: 302, method: GET }).message).toBe('unexpected status 302')
  })

  it('a 503 is ambiguous for a write only: a failed read cannot have landed', () => {
    const e = classify({ httpStatus: 503, method: POST })
    expect(toSendError(e, false).extra.ambiguous).toBe(false)
    expect(toSendError(e, true).extra.ambiguous).toBe(true)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-31T00:00:00Z')
  it.each([
    ['5', 5000],
    [' 120 ', 120_000],
    ['Sat, 31 Jan 2026 00:00:30 GMT', 30_000],
    ['Fri, 30 Jan 2026 00:00:00 GMT', 0],
    ['99999', 3_600_000],
    ['soon', undefined],
    [null, undefined],
  ])('%s → %s ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })
})
