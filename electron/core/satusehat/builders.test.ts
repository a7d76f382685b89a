import { describe, expect, it } from 'vitest'
import type { Encounter, MedicationRequest, Observation, Resource } from '@medplum/fhirtypes'
import { fhirR4Issues } from '../../../tools/satusehat-sim/validate'
import { buildEncounter, buildMedicationRequests, buildObservations, buildVisitBundle, existingKey, identifierValue, type BuildContext, type SatusehatVisit } from './builders'
import { resolveSatusehatConfig } from './config'
import { SatusehatTimeError } from './time'

const NOW = Date.UTC(2025, 2, 1, 6, 0, 0)
const ctx: BuildContext = { ...resolveSatusehatConfig({ orgId: '10000004' }), nowMs: NOW }
const visit: SatusehatVisit = {
  noRawat: 'RJ-1',
  patient: { id: 'P02478375538', display: 'Ardianto Putra' },
  practitioner: { id: '10009880728', display: null },
  location: { id: 'loc-1', display: 'Poli Umum' },
  arrivedAtMs: Date.UTC(2025, 2, 1, 1, 10),
  inProgressAtMs: Date.UTC(2025, 2, 1, 1, 35),
  finishedAtMs: Date.UTC(2025, 2, 1, 1, 50),
  diagnoses: [{ kdDiag: 'K29.7', nmDiag: 'Gastritis, unspecified' }, { kdDiag: 'A09', nmDiag: 'Diarrhoea' }],
  vitals: { sistole: 120, diastole: 80, suhu: '37,8', beratBadan: 60.5, lingkarPerut: 72, heartRate: '' },
  vitalsAtMs: Date.UTC(2025, 2, 1, 1, 40),
  obat: [
    { kdObat: 'A', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10, kfa: { code: '92000001', display: 'Parasetamol 500 mg Tablet' } },
    { kdObat: 'B', nmObat: 'Tanpa KFA', signa1: 1, signa2: 1, jmlObat: 5 },
  ],
}

describe('buildEncounter', () => {
  it('finished: faskes identifier, three statuses in order, period end, diagnoses ranked, times in +00:00', () => {
    const e = buildEncounter(visit, ctx, 'finished', ['urn:uuid:a', 'urn:uuid:b'])
    expect(e.identifier).toEqual([{ system: 'http://sys-ids.kemkes.go.id/encounter/10000004', value: 'RJ-1' }])
    expect(e.statusHistory?.map((h) => [h.status, h.period.start, h.period.end])).toEqual([
      ['arrived', '2025-03-01T01:10:00+00:00', '2025-03-01T01:35:00+00:00'],
      ['in-progress', '2025-03-01T01:35:00+00:00', '2025-03-01T01:50:00+00:00'],
      ['finished', '2025-03-01T01:50:00+00:00', '2025-03-01T01:50:00+00:00'],
    ])
    expect(e.period).toEqual({ start: '2025-03-01T01:10:00+00:00', end: '2025-03-01T01:50:00+00:00' })
    expect(e.diagnosis?.map((d) => [d.condition.reference, d.rank])).toEqual([['urn:uuid:a', 1], ['urn:uuid:b', 2]])
    expect(e.serviceProvider?.reference).toBe('Organization/10000004')
    // A display the platform did not return is left out, not invented.
    expect(e.participant?.[0].individual).toEqual({ reference: 'Practitioner/10009880728' })
  })

  it('arrived carries only its own status and no end; the switches drop statusHistory and diagnosis', () => {
    const a = buildEncounter(visit, ctx, 'arrived')
    expect([a.status, a.statusHistory?.length, a.period?.end, a.diagnosis]).toEqual(['arrived', 1, undefined, undefined])
    const bare = buildEncounter(visit, { ...ctx, statusHistory: false, encounterDiagnosis: false }, 'finished', ['urn:uuid:a'])
    expect([bare.statusHistory, bare.diagnosis]).toEqual([undefined, undefined])
  })

  it('refuses a time in the future or out of order instead of sending or clamping it', () => {
    expect(() => buildEncounter({ ...visit, finishedAtMs: NOW + 2 * 60_000 }, ctx, 'finished')).toThrow(SatusehatTimeError)
    expect(() => buildEncounter({ ...visit, inProgressAtMs: visit.arrivedAtMs - 1 }, ctx, 'arrived')).toThrow(SatusehatTimeError)
  })
})

describe('buildObservations', () => {
  it('one per recorded sign with LOINC and UCUM; decimal comma read, empty and waist circumference not sent', () => {
    const obs = buildObservations(visit, ctx, 'Encounter/e1')
    const by = Object.fromEntries(obs.map((o: Observation) => [o.code.coding?.[0].code, o.valueQuantity]))
    expect(Object.keys(by).sort()).toEqual(['29463-7', '8310-5', '8462-4', '8480-6'])
    expect(by['8310-5']).toEqual({ value: 37.8, unit: 'C', system: 'http://unitsofmeasure.org', code: 'Cel' })
    expect(by['8480-6']?.code).toBe('mm[Hg]')
    expect(obs[0].identifier?.[0].value).toBe(identifierValue.observation('RJ-1', obs[0].code.coding?.[0].code ?? ''))
  })
})

describe('buildMedicationRequests', () => {
  it('only KFA-coded obat, each with its Medication contained and signa as timing and dose', () => {
    const [mr, ...rest] = buildMedicationRequests(visit, ctx, 'Encounter/e1')
    expect(rest).toHaveLength(0)
    expect(mr.medicationReference?.reference).toBe('#med1')
    expect(mr.contained?.[0]).toMatchObject({ resourceType: 'Medication', id: 'med1', code: { coding: [{ system: 'http://sys-ids.kemkes.go.id/kfa', code: '92000001' }] } })
    expect(mr.dosageInstruction?.[0].timing?.repeat).toEqual({ frequency: 3, period: 1, periodUnit: 'd' })
    expect(mr.dispenseRequest?.quantity?.value).toBe(10)
    expect(mr.identifier?.map((i) => i.system)).toEqual(['http://sys-ids.kemkes.go.id/prescription/10000004', 'http://sys-ids.kemkes.go.id/prescription-item/10000004'])
  })
})

describe('buildVisitBundle', () => {
  it('is the same on every attempt and every resource is valid FHIR R4 (Medplum validator)', () => {
    const b = buildVisitBundle(visit, ctx)
    expect(JSON.stringify(buildVisitBundle(visit, ctx))).toBe(JSON.stringify(b))
    expect(b.entry?.map((e) => e.resource?.resourceType)).toEqual(['Encounter', 'Condition', 'Condition', 'Observation', 'Observation', 'Observation', 'Observation', 'MedicationRequest'])
    const enc = b.entry?.[0].resource as Encounter
    expect(enc.diagnosis?.map((d) => d.condition.reference)).toEqual([b.entry?.[1].fullUrl, b.entry?.[2].fullUrl])
    for (const e of b.entry ?? []) {
      expect(e.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(fhirR4Issues(e.resource as Resource)).toEqual([])
    }
  })

  it('turns what the platform already holds into PUT Type/id with that id, and points references at it', () => {
    const existing = new Map([
      [existingKey('Encounter', 'RJ-1'), 'enc-1'],
      [existingKey('Condition', identifierValue.condition('RJ-1', 1)), 'cond-1'],
      [existingKey('MedicationRequest', identifierValue.prescriptionItem('RJ-1', 1)), 'mr-1'],
    ])
    const b = buildVisitBundle(visit, ctx, existing)
    const [enc, c1, c2] = b.entry ?? []
    expect([enc.request, (enc.resource as Encounter).id]).toEqual([{ method: 'PUT', url: 'Encounter/enc-1' }, 'enc-1'])
    expect(c1.request).toEqual({ method: 'PUT', url: 'Condition/cond-1' })
    expect(c2.request).toEqual({ method: 'POST', url: 'Condition' })
    expect((enc.resource as Encounter).diagnosis?.map((d) => d.condition.reference)).toEqual(['Condition/cond-1', c2.fullUrl])
    const mr = b.entry?.at(-1)
    expect([mr?.request?.method, (mr?.resource as MedicationRequest).encounter?.reference]).toEqual(['PUT', 'Encounter/enc-1'])
  })
})
