import type { Condition, Encounter, MedicationRequest, Observation, Resource } from '@medplum/fhirtypes'
import { SYSTEMS } from './systems'

/**
 * How a resource the platform holds is withdrawn: never a DELETE (the platform offers none for these resources and a
 * record, once reported, stays with its history), always a PUT of the whole resource with the FHIR R4 status that
 * says "this should not have been part of the record":
 * - Condition: `verificationStatus` entered-in-error and no `clinicalStatus` (FHIR R4 invariant con-5: a
 *   clinicalStatus SHALL NOT be present when the verification is entered-in-error);
 * - Observation, MedicationRequest: `status` entered-in-error;
 * - Encounter: `status` = `encounterStatus`. FHIR R4 defines `entered-in-error` ("should not have been part of this
 *   patient's medical record": a visit recorded on the wrong patient, which is what deleting a kunjungan means here)
 *   and `cancelled` ("ended before it has begun", not what a finished visit is). The reference names neither for
 *   SATUSEHAT: UNCONFIRMED, SatusehatConfig.retractEncounterStatus, `entered-in-error` by default.
 * Server-kept `meta` is left out of the PUT. Returns null when `r` is already withdrawn (nothing to send).
 */
export function retracted(r: Resource, encounterStatus: RetractEncounterStatus): Resource | null {
  const rest = { ...r } as Resource & { meta?: unknown }
  delete rest.meta
  switch (r.resourceType) {
    case 'Encounter': {
      const e = rest as Encounter
      if (e.status === 'entered-in-error' || e.status === 'cancelled') return null
      return { ...e, status: encounterStatus }
    }
    case 'Condition': {
      const c = rest as Condition
      if (c.verificationStatus?.coding?.some((x) => x.code === 'entered-in-error')) return null
      const withoutClinical: Condition = { ...c }
      delete withoutClinical.clinicalStatus
      return { ...withoutClinical, verificationStatus: { coding: [{ system: SYSTEMS.conditionVerification, code: 'entered-in-error', display: 'Entered in Error' }] } }
    }
    case 'Observation':
    case 'MedicationRequest': {
      const o = rest as Observation | MedicationRequest
      if (o.status === 'entered-in-error') return null
      return { ...o, status: 'entered-in-error' } as Resource
    }
    default:
      throw new TypeError(`SATUSEHAT: no withdrawal defined for ${r.resourceType}`)
  }
}

/** The Encounter status a deleted kunjungan's Encounter gets (UNCONFIRMED against the platform; see `retracted`). */
export type RetractEncounterStatus = 'entered-in-error' | 'cancelled'
