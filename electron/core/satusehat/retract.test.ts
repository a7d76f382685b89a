import type { Condition, Encounter, Observation } from '@medplum/fhirtypes'
import { describe, expect, it } from 'vitest'
import { retracted } from './retract'

const enc: Encounter = { resourceType: 'Encounter', id: 'e1', meta: { versionId: '3' }, status: 'finished', class: { code: 'AMB' } }
const cond: Condition = {
  resourceType: 'Condition',
  id: 'c1',
  clinicalStatus: { coding: [{ code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'A09' }] },
  subject: { reference: 'Patient/p' },
}

describe('retracted', () => {
  it('an Encounter takes the configured status, without the server meta; a withdrawn one is left alone', () => {
    expect(retracted(enc, 'entered-in-error')).toEqual({ resourceType: 'Encounter', id: 'e1', status: 'entered-in-error', class: { code: 'AMB' } })
    expect(retracted(enc, 'cancelled')).toMatchObject({ status: 'cancelled' })
    expect(retracted({ ...enc, status: 'entered-in-error' }, 'entered-in-error')).toBeNull()
    expect(retracted({ ...enc, status: 'cancelled' }, 'entered-in-error')).toBeNull()
  })

  it('a Condition becomes verificationStatus entered-in-error and loses clinicalStatus (con-5); its code stays', () => {
    const r = retracted(cond, 'entered-in-error') as Condition
    expect(r.clinicalStatus).toBeUndefined()
    expect(r.verificationStatus?.coding?.[0]).toMatchObject({ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' })
    expect(r.code).toEqual(cond.code)
    expect(retracted(r, 'entered-in-error')).toBeNull()
  })

  it('Observation and MedicationRequest take status entered-in-error; other types are refused', () => {
    const obs: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'x' } }
    expect(retracted(obs, 'cancelled')).toMatchObject({ status: 'entered-in-error' })
    expect(retracted({ ...obs, status: 'entered-in-error' }, 'cancelled')).toBeNull()
    expect(() => retracted({ resourceType: 'Location', name: 'Poli' }, 'entered-in-error')).toThrow(TypeError)
  })
})
