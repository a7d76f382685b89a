import { describe, expect, it } from 'vitest'
import type { Condition, Encounter } from '@medplum/fhirtypes'
import { buildConditions, buildEncounter, buildVisitBundle, existingKey, identifierValue, SatusehatTimeError } from '../../electron/core/satusehat'
import { sysIds } from '../../electron/core/satusehat/systems'
import { SEED_PATIENTS, SEED_PRACTITIONERS, SIM_CLIENTS } from '../../tools/satusehat-sim/seed'
import { buildContext, closeSimulatorsAfterEach, failure, sampleVisit, simWithClient } from './helpers'

closeSimulatorsAfterEach()

describe('token', () => {
  it('has the real shape (numbers as strings) and is cached across calls', async () => {
    const s = await simWithClient({ tokenTtlSeconds: 3599 })
    const sim = s.sim
    const res = await fetch(`${sim.authBase}/accesstoken?grant_type=client_credentials`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: sim.credentials.clientId, client_secret: sim.credentials.clientSecret }).toString(),
    })
    const body = (await res.json()) as Record<string, unknown>
    expect(res.status).toBe(200)
    expect([typeof body.expires_in, typeof body.issued_at, body.token_type]).toEqual(['string', 'string', 'BearerToken'])
    expect(body.expires_in).toBe('3599')
    await s.client.patientByNik(SEED_PATIENTS[0].nik)
    await s.client.patientByNik(SEED_PATIENTS[1].nik)
    await s.client.ping()
    expect(s.client.token.calls).toBe(1)
  })

  it('is replaced before it expires (expires_in less the margin)', async () => {
    let clock = Date.now()
    const s = await simWithClient({ tokenTtlSeconds: 120, now: () => clock }, {}, () => clock)
    await s.client.ping()
    clock += 59_000
    await s.client.ping()
    expect(s.client.token.calls).toBe(1)
    clock += 2_000 // 61 s: inside the last minute of a 120 s token
    await s.client.ping()
    expect(s.client.token.calls).toBe(2)
  })

  it('an expired token is refused by the platform; the client takes a new one and retries once', async () => {
    let simClock = Date.now()
    const s = await simWithClient({ tokenTtlSeconds: 100, now: () => simClock }, { tokenRefreshMarginMs: 0 })
    const sim = s.sim
    await s.client.ping()
    simClock += 101_000 // the platform's clock has moved past the token's expiry, ours has not
    const stale = await fetch(`${sim.fhirBase}/Organization/${sim.credentials.orgId}`, { headers: { Authorization: 'Bearer nope' } })
    expect(stale.status).toBe(401)
    await s.client.ping()
    expect(s.client.token.calls).toBe(2)
  })
})

describe('lookups', () => {
  it('Patient and Practitioner by NIK; an unknown NIK is total 0 = null, not an error', async () => {
    const s = await simWithClient()
    expect(await s.client.patientByNik(SEED_PATIENTS[1].nik)).toEqual({ id: SEED_PATIENTS[1].id, display: SEED_PATIENTS[1].name })
    expect(await s.client.patientByNik('3174000000000099')).toBeNull()
    expect((await s.client.practitionerByNik(SEED_PRACTITIONERS[0].nik))?.id).toBe(SEED_PRACTITIONERS[0].id)
    expect(await s.client.practitionerByNik('3174000000000098')).toBeNull()
  })

  it('a poli Location is created once, then found by its sys-ids identifier', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const id = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    expect(await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })).toBe(id)
    expect(await s.client.ensureLocation({ code: '003', name: 'Poli KIA' })).not.toBe(id)
    expect(sim.resources('Location')).toHaveLength(2)
  })

  it('the organization is bound to the credentials: another org answers business rule (wrong_org)', async () => {
    const s = await simWithClient({}, { orgId: SIM_CLIENTS[1].orgId })
    expect((await failure(s.client.ping())).reason).toBe('wrong_org')
  })
})

describe('visit as a transaction Bundle', () => {
  it('lands every resource and maps each response entry to its type and id', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const bundle = buildVisitBundle(sampleVisit('RJ-0001', loc), buildContext(s.client))
    const results = await s.client.postBundle(bundle)
    expect(results.map((r) => r.resourceType)).toEqual(bundle.entry?.map((e) => e.resource?.resourceType))
    expect(sim.resources('Encounter')).toHaveLength(1)
    expect(sim.resources('Condition')).toHaveLength(2)
    expect(sim.resources('Observation')).toHaveLength(7)
    expect(sim.resources('MedicationRequest')).toHaveLength(1)
    const enc = sim.resources('Encounter')[0] as Encounter
    expect(enc.id).toBe(results[0].id)
    // The diagnoses' urn:uuid references were resolved to the created Conditions.
    expect(enc.diagnosis?.map((d) => d.condition.reference)).toEqual(results.filter((r) => r.resourceType === 'Condition').map((r) => `Condition/${r.id}`))
  })

  it('a resend is a duplicate, reconciled by identifier; a correction is a PUT of the same ids, never a second resource', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const ctx = buildContext(s.client)
    const visit = sampleVisit('RJ-0002', loc)
    await s.client.postBundle(buildVisitBundle(visit, ctx))
    const dup = await failure(s.client.postBundle(buildVisitBundle(visit, ctx)))
    expect(dup.reason).toBe('duplicate')
    expect(sim.resources('Encounter')).toHaveLength(1)

    const org = s.client.config.orgId
    const [enc] = await s.client.searchByIdentifier('Encounter', sysIds('encounter', org), identifierValue.encounter('RJ-0002'))
    const conds = await s.client.searchByIdentifier<Condition>('Condition', sysIds('condition', org), identifierValue.condition('RJ-0002', 1))
    expect(enc?.id).toBeTruthy()
    const existing = new Map([[existingKey('Encounter', 'RJ-0002'), enc.id as string], [existingKey('Condition', identifierValue.condition('RJ-0002', 1)), conds[0].id as string]])
    const corrected = { ...visit, diagnoses: [{ kdDiag: 'K29.7', nmDiag: 'Gastritis, unspecified' }] }
    const bundle = buildVisitBundle(corrected, ctx, existing)
    expect(bundle.entry?.[0].request).toEqual({ method: 'PUT', url: `Encounter/${enc.id}` })
    const obsIds = new Map((await Promise.all(bundle.entry?.filter((e) => e.resource?.resourceType === 'Observation' || e.resource?.resourceType === 'MedicationRequest').map(async (e) => {
      const r = e.resource as { resourceType: 'Observation'; identifier: { system: string; value: string }[] }
      const hit = await s.client.searchByIdentifier(r.resourceType, r.identifier[r.resourceType === 'Observation' ? 0 : 1].system, r.identifier[r.resourceType === 'Observation' ? 0 : 1].value)
      return [existingKey(r.resourceType, r.identifier[r.resourceType === 'Observation' ? 0 : 1].value), hit[0].id as string] as const
    }) ?? [])))
    await s.client.postBundle(buildVisitBundle(corrected, ctx, new Map([...existing, ...obsIds])))
    expect(sim.resources('Encounter')).toHaveLength(1)
    expect(sim.resources('Condition')).toHaveLength(2)
    expect(sim.resources('Observation')).toHaveLength(7)
    const updated = sim.resources('Condition').find((c) => c.id === conds[0].id) as Condition
    expect(updated.code?.coding?.[0].code).toBe('K29.7')
    expect(sim.state().counts.updated.Encounter).toBe(1)
  })

  it('is all-or-nothing by default: one bad entry stores nothing and names the entry path and rule', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const visit = { ...sampleVisit('RJ-0003', loc), diagnoses: [{ kdDiag: 'Z99.99', nmDiag: 'unknown to the terminology' }] }
    const err = await failure(s.client.postBundle(buildVisitBundle(visit, buildContext(s.client))))
    expect([err.kind, err.reason]).toEqual(['permanent', 'invalid'])
    expect(err.rules).toContain(10001)
    expect(err.issues[0].expression[0]).toMatch(/^Bundle\.entry\[1\]\.resource\.code/)
    expect(sim.resources('Encounter')).toHaveLength(0)
  })
})

describe('Encounter status path and single resources', () => {
  it('POST arrived, PUT in-progress, PUT finished with the diagnoses; status never goes back', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const ctx = buildContext(s.client)
    const visit = sampleVisit('RJ-0004', loc)
    const { id } = await s.client.create(buildEncounter(visit, ctx, 'arrived'))
    await s.client.update({ ...buildEncounter(visit, ctx, 'in-progress'), id })
    const condIds = []
    for (const c of buildConditions(visit, ctx, `Encounter/${id}`)) condIds.push((await s.client.create(c)).id)
    const fin = await s.client.update({ ...buildEncounter(visit, ctx, 'finished', condIds.map((c) => `Condition/${c}`)), id })
    expect(fin.status).toBe('finished')
    expect(sim.resources('Encounter')).toHaveLength(1)
    const back = await failure(s.client.update({ ...buildEncounter(visit, ctx, 'arrived'), id }))
    expect(back.reason).toBe('invalid')
  })

  it('create() resolves a duplicate to the existing id and, when reconciling, finds it without posting', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const enc = buildEncounter(sampleVisit('RJ-0005', loc), buildContext(s.client), 'arrived')
    const first = await s.client.create(enc)
    expect(await s.client.create(enc)).toEqual({ id: first.id, created: false })
    expect(sim.state().counts.duplicatesRejected.Encounter).toBe(1)
    expect(await s.client.create(enc, { reconcile: true })).toEqual({ id: first.id, created: false })
    expect(sim.state().counts.duplicatesRejected.Encounter).toBe(1)
  })

  it('the platform rules answer with rule numbers: wrong org in the identifier, missing serviceProvider, unknown property', async () => {
    const s = await simWithClient()
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const enc = buildEncounter(sampleVisit('RJ-0006', loc), buildContext(s.client), 'arrived')
    const wrongOrg = await failure(s.client.create({ ...enc, identifier: [{ system: sysIds('encounter', '99999'), value: 'RJ-0006' }] }))
    expect([wrongOrg.reason, wrongOrg.rules]).toEqual(['wrong_org', [10117]])
    const noProvider = await failure(s.client.create({ ...enc, serviceProvider: undefined }))
    expect([noProvider.reason, noProvider.rules]).toEqual(['invalid', [10124]])
    const unknown = await failure(s.client.create({ ...enc, foo: 1 } as Encounter))
    expect(unknown.issues.some((i) => i.code === 'structure' && i.expression.includes('Encounter.foo'))).toBe(true)
    const badTime = await failure(s.client.create({ ...enc, period: { start: '2025-03-01' } }))
    expect(badTime.issues.some((i) => i.code === 'format' && i.rule === 10132)).toBe(true)
    expect(sim.resources('Encounter')).toHaveLength(0)
  })

  it('a future visit time never leaves the workstation', async () => {
    const s = await simWithClient()
    const now = Date.now()
    const visit = { ...sampleVisit('RJ-0007', 'loc', now), finishedAtMs: now + 2 * 60 * 60_000 }
    expect(() => buildVisitBundle(visit, buildContext(s.client, now))).toThrow(SatusehatTimeError)
  })

  it('the zone time style is accepted unless the platform enforces +00:00 (utcOnly)', async () => {
    const s = await simWithClient({ utcOnly: true }, { timeStyle: 'zone' })
    const sim = s.sim
    const loc = await s.client.ensureLocation({ code: '001', name: 'Poli Umum' })
    const err = await failure(s.client.create(buildEncounter(sampleVisit('RJ-0008', loc), buildContext(s.client), 'arrived')))
    expect(err.rules).toContain(10132)
    sim.setOptions({ utcOnly: false })
    expect((await s.client.create(buildEncounter(sampleVisit('RJ-0008', loc), buildContext(s.client), 'arrived'))).created).toBe(true)
  })
})
