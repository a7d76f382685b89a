import { describe, expect, it } from 'vitest'
import { SATUSEHAT_SYNC_CODES } from '../../contract/sync-errors'
import { classifySatusehat, outcomeIssues, retryAfterMs, type SatusehatReason } from './errors'

const oo = (code: string, text: string, expression: string[] = []): string =>
  JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text }, expression }] })

describe('classifySatusehat', () => {
  it('no answer: transient, and a write may have landed while a read did not', () => {
    const post = classifySatusehat({ transport: 'timeout', method: 'POST', phase: 'fhir' })
    expect([post.kind, post.reason, post.mayHaveCommitted]).toEqual(['transient', 'timeout', true])
    const get = classifySatusehat({ transport: 'network', method: 'GET', phase: 'fhir' })
    expect([get.kind, get.reason, get.mayHaveCommitted]).toEqual(['transient', 'network', false])
  })

  it('a plain-text 5xx is transient http5xx and keeps its text; on the token call nothing can have been written', () => {
    const e = classifySatusehat({ httpStatus: 504, body: 'Gateway Timeout', contentType: 'text/plain', method: 'PUT', phase: 'fhir' })
    expect([e.kind, e.reason, e.mayHaveCommitted, e.message]).toEqual(['transient', 'http5xx', true, 'Gateway Timeout'])
    expect(classifySatusehat({ httpStatus: 500, body: 'Internal Server Error', method: 'POST', phase: 'token' }).mayHaveCommitted).toBe(false)
  })

  it('429 and the token rate-limit text are transient rate_limited, with Retry-After kept', () => {
    expect(classifySatusehat({ httpStatus: 429, method: 'GET', phase: 'fhir', retryAfterMs: 5000 })).toMatchObject({ reason: 'rate_limited', kind: 'transient', retryAfterMs: 5000 })
    const text = 'Authentication temporarily cannot be performed due to the rate limit policy. Rate limit: 1 request per minute after a failed attempt.'
    expect(classifySatusehat({ httpStatus: 400, body: text, method: 'POST', phase: 'token' }).reason).toBe('rate_limited')
  })

  it('a refused secret on the token call is permanent bad_credentials', () => {
    const body = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'invalid', code: 'value', details: { text: 'The user or system was not able to be authenticated (either client_id or client_secret combination is unacceptable)' } }] })
    expect(classifySatusehat({ httpStatus: 401, body, method: 'POST', phase: 'token' })).toMatchObject({ kind: 'permanent', reason: 'bad_credentials' })
  })

  it('duplicate is its own reason whatever the 4xx status', () => {
    for (const status of [400, 409, 422]) {
      expect(classifySatusehat({ httpStatus: status, body: oo('duplicate', 'Found duplicate resource: Encounter'), method: 'POST', phase: 'fhir' }).reason).toBe('duplicate')
    }
  })

  it('rule 10117 with another org id is wrong_org (configuration), a wrong system alone is invalid (data)', () => {
    const wrong = classifySatusehat({ httpStatus: 400, body: oo('value', 'Wrong organization ID provided by system URL: http://sys-ids.kemkes.go.id/encounter/1 (RuleNumber: 10117)', ['Encounter.identifier[0].system']), method: 'POST', phase: 'fhir' })
    expect([wrong.reason, wrong.rules]).toEqual(['wrong_org', [10117]])
    const system = classifySatusehat({ httpStatus: 400, body: oo('value', 'Invalid identifier system: http://x (RuleNumber: 10117)'), method: 'POST', phase: 'fhir' })
    expect(system.reason).toBe('invalid')
    expect(classifySatusehat({ httpStatus: 403, body: 'resource cannot be accessed due to business rule', method: 'GET', phase: 'fhir' }).reason).toBe('wrong_org')
  })

  it('an OperationOutcome with rule numbers is permanent invalid, every issue kept with its path', () => {
    const body = JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'value', details: { text: 'Reference is mandatory : Encounter.serviceProvider (RuleNumber: 10124)' }, expression: ['Encounter.serviceProvider'] },
        { severity: 'error', code: 'format', details: { text: 'Invalid date time format : 2025-01-01 (RuleNumber: 10132). Format allowed : YYYY-MM-DDThh:mm:ss+00:00' }, expression: ['Encounter.period.start'] },
      ],
    })
    const e = classifySatusehat({ httpStatus: 400, body, method: 'POST', phase: 'fhir' })
    expect([e.kind, e.reason, e.rules]).toEqual(['permanent', 'invalid', [10124, 10132]])
    expect(e.describe()).toContain('@ Encounter.period.start')
  })

  it('401 on FHIR is unauthorized, 404 not_found, a 2xx without a readable body a transient bad_body', () => {
    expect(classifySatusehat({ httpStatus: 401, method: 'GET', phase: 'fhir' }).reason).toBe('unauthorized')
    expect(classifySatusehat({ httpStatus: 404, body: oo('not-found', 'Resource not found'), method: 'GET', phase: 'fhir' }).reason).toBe('not_found')
    expect(classifySatusehat({ httpStatus: 201, body: '<html>', method: 'POST', phase: 'fhir' })).toMatchObject({ reason: 'bad_body', kind: 'transient', mayHaveCommitted: true })
  })

  it('masks a NIK in the platform text', () => {
    const e = classifySatusehat({ httpStatus: 400, body: oo('value', 'NIK 3174012345678901 tidak valid'), method: 'GET', phase: 'fhir' })
    expect(e.message).not.toContain('3174012345678901')
    expect(outcomeIssues(JSON.parse(oo('value', 'x 3174012345678901')))[0].text).not.toContain('3174012345678901')
  })

  it('every reason is a sync error code the page words (reason.SATUSEHAT_<REASON> in the locales)', () => {
    const reasons: SatusehatReason[] = ['network', 'timeout', 'http5xx', 'rate_limited', 'token_wait', 'bad_credentials', 'unauthorized', 'wrong_org', 'duplicate', 'invalid', 'not_found', 'bad_body', 'http4xx']
    for (const r of reasons) expect(SATUSEHAT_SYNC_CODES as readonly string[]).toContain(`SATUSEHAT_${r.toUpperCase()}`)
  })
})

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, bounded, undefined when absent', () => {
    expect(retryAfterMs('3', 0)).toBe(3000)
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(retryAfterMs(null, 0)).toBeUndefined()
    expect(retryAfterMs('soon', 0)).toBeUndefined()
  })
})
