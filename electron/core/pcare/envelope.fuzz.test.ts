import { describe, expect, it } from 'vitest'
import { prng } from '../../../tools/pcare-sim/icd10'
import { encryptPayload } from '../../../tools/pcare-sim/crypto'
import { parseResponse, type DecodeContext, type RawResponse } from './envelope'
import { PcareError } from './errors'

const CTX: DecodeContext = { service: 'pcare', method: 'GET', consId: '99999', secretKey: 'sim-secret-not-real', timestamp: '1723456789', nowMs: 1_723_456_789_000 }
const CASES = 12_000
const REASONS = new Set([
  'network', 'timeout', 'http5xx', 'rate_limited', 'gateway_html', 'bad_body', 'garbage_ciphertext', 'unauthorized', 'clock_skew',
  'not_registered', 'not_found', 'validation', 'precondition', 'jvalue', 'start_index', 'duplicate', 'bad_request',
  'rejected', 'http4xx',
])

describe('response parser fuzz', () => {
  it(`survives ${CASES} random and mutated bodies with typed outcomes only`, () => {
    const rnd = prng(20_260_812)
    const int = (n: number): number => Math.floor(rnd() * n)
    const pick = <X>(xs: readonly X[]): X => xs[int(xs.length)]
    const valid = [
      { count: 2, list: [{ kdPoli: '001', nmPoli: 'UMUM', poliSakit: true }, { kdPoli: '002', nmPoli: 'GIGI', poliSakit: true }] },
      { field: 'noUrut', message: 'A12' },
      [{ field: 'noKunjungan', message: '0199B0010826Y000001' }],
    ].map((p) => JSON.stringify({ metaData: { code: 200, message: 'OK' }, response: encryptPayload(p, CTX.consId, CTX.secretKey, CTX.timestamp) }))
    const fragments = ['{', '}', '[', ']', '"', ':', ',', 'null', 'true', '1e999', '-0', '"metaData"', '"metadata"', '"response"', '"code"', '<html>', '\u0000', '\ud800', '\\u0000', '💥', ' ']
    const statuses = [200, 201, 204, 301, 400, 401, 404, 408, 412, 424, 429, 500, 502, 503, 504, 599]
    const contentTypes = [null, 'application/json', 'text/html; charset=utf-8', 'text/plain', '']
    const responses: unknown[] = [null, [], '', 'QUJD', 'not base64 ~', 12, { field: 'x', message: 'y' }, [{ field: 'noKartu', message: 'Belum' }], [1, 'a', null]]

    const mutate = (s: string): string => {
      const chars = [...s]
      const ops = 1 + int(4)
      for (let k = 0; k < ops && chars.length > 0; k++) {
        const at = int(chars.length)
        switch (int(5)) {
          case 0: chars.splice(at, 1); break
          case 1: chars.splice(at, 0, pick(fragments)); break
          case 2: chars[at] = String.fromCharCode(32 + int(95)); break
          case 3: chars.length = at; break
          default: chars.splice(at, int(20))
        }
      }
      return chars.join('')
    }
    const body = (): string => {
      switch (int(6)) {
        case 0: return Array.from({ length: int(200) }, () => String.fromCharCode(int(0x3000))).join('')
        case 1: return Array.from({ length: int(30) }, () => pick(fragments)).join('')
        case 2: return mutate(pick(valid))
        case 3: {
          const meta = { code: pick([200, 201, 204, 304, 412, '200', 'x', null, 1, 500]), message: pick(['OK', 'JValue', 'StartIndex cannot be less than zero', 'sudah terdaftar', 42, null]) }
          return JSON.stringify({ [pick(['metaData', 'metadata', 'meta'])]: pick([meta, null, 'str', []]), response: pick(responses) })
        }
        case 4: return `<html><body>${mutate('Runtime Error 0009999000001 9999734602235274')}</body></html>`
        default: return pick(valid)
      }
    }

    const started = performance.now()
    const seen = { ok: 0, error: 0 }
    for (let i = 0; i < CASES; i++) {
      const raw: RawResponse = { status: pick(statuses), contentType: pick(contentTypes), body: body(), retryAfter: pick([null, '5', 'soon', 'Wed, 21 Oct 2099 07:28:00 GMT']) }
      const ctx = { ...CTX, service: pick(['pcare', 'antrean'] as const), method: pick(['GET', 'POST']) }
      try {
        const r = parseResponse(raw, ctx)
        expect(r.httpStatus).toBe(raw.status)
        seen.ok++
      } catch (e) {
        if (!(e instanceof PcareError)) throw new Error(`case ${i}: untyped ${String(e)} for ${JSON.stringify(raw).slice(0, 300)}`, { cause: e })
        expect(['transient', 'permanent']).toContain(e.kind)
        expect(REASONS.has(e.reason)).toBe(true)
        // No standalone card number or NIK survives into error text, even from an HTML page.
        expect(e.message).not.toMatch(/(?<!\d)(\d{13}|\d{16})(?!\d)/)
        if (e.retryAfterMs !== undefined) expect(e.retryAfterMs).toBeLessThanOrEqual(3_600_000)
        seen.error++
      }
    }
    const ms = performance.now() - started
    expect(seen.ok).toBeGreaterThan(500)
    expect(seen.error).toBeGreaterThan(5000)
    expect(ms).toBeLessThan(15_000)
  })
})
