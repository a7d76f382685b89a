import { describe, expect, it } from 'vitest'
import { buildVisitBundle, identifierValue } from '../../electron/core/satusehat'
import { sysIds } from '../../electron/core/satusehat/systems'
import { SEED_PATIENTS } from '../../tools/satusehat-sim/seed'
import { buildContext, closeSimulatorsAfterEach, failure, sampleVisit, simWithClient } from './helpers'

closeSimulatorsAfterEach()

describe('token faults', () => {
  it('a token 500 is transient; no second token call within the minute (token_wait), then it recovers', async () => {
    let clock = Date.now()
    const s = await simWithClient({}, {}, () => clock)
    const sim = s.sim
    sim.setFault({ mode: 'token500', count: 1 })
    const first = await failure(s.client.ping())
    expect([first.kind, first.reason, first.mayHaveCommitted]).toEqual(['transient', 'http5xx', false])
    const calls = sim.state().counts.tokenCalls
    clock += 30_000
    const wait = await failure(s.client.ping())
    expect([wait.kind, wait.reason]).toEqual(['transient', 'token_wait'])
    expect(wait.retryAfterMs).toBe(30_000)
    expect(sim.state().counts.tokenCalls).toBe(calls)
    clock += 31_000
    await s.client.ping()
    expect(sim.state().counts.tokenCalls).toBe(calls + 1)
  })

  it('a wrong secret is permanent bad_credentials; the platform refuses a retry within the minute', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const { SatusehatClient } = await import('../../electron/core/satusehat')
    const bad = new SatusehatClient({ credentials: { clientId: sim.credentials.clientId, clientSecret: 'wrong' }, config: { ...s.client.config } })
    const err = await failure(bad.ping())
    expect([err.kind, err.reason]).toEqual(['permanent', 'bad_credentials'])
    const again = await fetch(`${sim.authBase}/accesstoken?grant_type=client_credentials`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret }).toString(),
    })
    expect(again.status).toBe(429)
    expect(await again.text()).toMatch(/1 request per minute after a failed attempt/)
  })
})

describe('FHIR faults', () => {
  it('a plain-text 5xx after the Bundle landed: transient, may have committed; the identifier search finds it, no second Encounter', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const bundle = buildVisitBundle(sampleVisit('RJ-0101', loc), buildContext(s.client))
    sim.setFault({ mode: 'plain5xx', status: 504, commit: true, count: 1, pathPrefix: '' })
    const err = await failure(s.client.postBundle(bundle))
    expect([err.kind, err.reason, err.mayHaveCommitted, err.message]).toEqual(['transient', 'http5xx', true, 'Gateway Timeout'])
    const found = await s.client.searchByIdentifier('Encounter', sysIds('encounter', s.client.config.orgId), identifierValue.encounter('RJ-0101'))
    expect(found).toHaveLength(1)
    expect((await failure(s.client.postBundle(bundle))).reason).toBe('duplicate')
    expect(sim.resources('Encounter')).toHaveLength(1)
  })

  it('a plain-text 5xx before anything landed: nothing stored, the resend lands once', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const bundle = buildVisitBundle(sampleVisit('RJ-0102', loc), buildContext(s.client))
    sim.setFault({ mode: 'plain5xx', status: 502, count: 1 })
    expect((await failure(s.client.postBundle(bundle))).httpStatus).toBe(502)
    expect(sim.resources('Encounter')).toHaveLength(0)
    await s.client.postBundle(bundle)
    expect(sim.resources('Encounter')).toHaveLength(1)
  })

  it('a slow answer past the timeout: timeout, may have committed; create({reconcile}) adopts the landed resource', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const ctx = buildContext(s.client)
    const { buildEncounter } = await import('../../electron/core/satusehat')
    const enc = buildEncounter(sampleVisit('RJ-0103', loc), ctx, 'arrived')
    sim.setFault({ mode: 'slow', delayMs: 4000, count: 1, pathPrefix: 'Encounter' })
    const err = await failure(s.client.create(enc))
    expect([err.reason, err.mayHaveCommitted]).toEqual(['timeout', true])
    const again = await s.client.create(enc, { reconcile: true })
    expect(again.created).toBe(false)
    expect(sim.resources('Encounter')).toHaveLength(1)
    expect(sim.state().counts.duplicatesRejected.Encounter ?? 0).toBe(0)
  })

  it('429 is transient rate_limited with its Retry-After', async () => {
    const s = await simWithClient()
    const sim = s.sim
    await s.client.ping()
    sim.setFault({ mode: 'rate429', retryAfterSeconds: 2, count: 1 })
    const err = await failure(s.client.patientByNik(SEED_PATIENTS[0].nik))
    expect([err.kind, err.reason, err.retryAfterMs]).toEqual(['transient', 'rate_limited', 2000])
    expect(await s.client.patientByNik(SEED_PATIENTS[0].nik)).not.toBeNull()
  })

  it('a dropped connection after the write: network error that may have committed; a read is not ambiguous', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    sim.setFault({ mode: 'drop', count: 1, pathPrefix: '' })
    const err = await failure(s.client.postBundle(buildVisitBundle(sampleVisit('RJ-0104', loc), buildContext(s.client))))
    expect([err.kind, err.reason, err.mayHaveCommitted]).toEqual(['transient', 'network', true])
    expect(sim.resources('Encounter')).toHaveLength(1)
    sim.setFault({ mode: 'drop', count: 1, commit: false, pathPrefix: 'Patient' })
    const read = await failure(s.client.patientByNik(SEED_PATIENTS[0].nik))
    expect([read.reason, read.mayHaveCommitted]).toEqual(['network', false])
  })
})
