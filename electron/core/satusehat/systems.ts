/**
 * SATUSEHAT identifier and code systems (reference §2.1, §2.7, §4; each [C] = two or more independent sources).
 * Watch the scheme: `sys-ids.kemkes.go.id` systems are http, `fhir.kemkes.go.id/id/...` are https; a wrong one is
 * refused with rule 10117.
 */

/** The NIK system for Patient and Practitioner search (official MPI page, mlite, Khanza, ivanwilliammd, Mihaaq). */
export const NIK_SYSTEM = 'https://fhir.kemkes.go.id/id/nik'

/** The kinds of business identifier a faskes mints under its own Organization id. */
export type SysIdsKind = 'encounter' | 'condition' | 'observation' | 'location' | 'medication' | 'prescription' | 'prescription-item'

/** `http://sys-ids.kemkes.go.id/<kind>/<orgId>`: the business identifier system of one faskes (reference §2.1). */
export function sysIds(kind: SysIdsKind, orgId: string): string {
  return `http://sys-ids.kemkes.go.id/${kind}/${orgId}`
}

export const SYSTEMS = {
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  diagnosisRole: 'http://terminology.hl7.org/CodeSystem/diagnosis-role',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  /** FHIR R4 Condition.verificationStatus (entered-in-error for a withdrawn diagnosis; retract.ts). */
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  kfa: 'http://sys-ids.kemkes.go.id/kfa',
  medicationType: 'http://terminology.kemkes.go.id/CodeSystem/medication-type',
  medicationTypeExtension: 'https://fhir.kemkes.go.id/r4/StructureDefinition/MedicationType',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  locationPhysicalType: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
} as const

/** Our vital-sign fields that have a SATUSEHAT Observation (contract/vitals.ts keys). */
export type FhirVitalKey = 'sistole' | 'diastole' | 'heartRate' | 'respRate' | 'suhu' | 'tinggiBadan' | 'beratBadan'

/**
 * LOINC code, display, unit text and UCUM code per vital sign: official outpatient playbook table 5 and mlite
 * `getObservation` (reference §2.7, all [C]). Systolic and diastolic are two Observations (the official way, not
 * mlite's 35094-2 panel). Waist circumference (`lingkarPerut`) has no documented SATUSEHAT coding and is not sent.
 */
export const VITAL_LOINC: Readonly<Record<FhirVitalKey, { code: string; display: string; unit: string; ucum: string }>> = {
  sistole: { code: '8480-6', display: 'Systolic blood pressure', unit: 'mm[Hg]', ucum: 'mm[Hg]' },
  diastole: { code: '8462-4', display: 'Diastolic blood pressure', unit: 'mm[Hg]', ucum: 'mm[Hg]' },
  heartRate: { code: '8867-4', display: 'Heart rate', unit: 'beats/min', ucum: '/min' },
  respRate: { code: '9279-1', display: 'Respiratory rate', unit: 'breaths/min', ucum: '/min' },
  suhu: { code: '8310-5', display: 'Body temperature', unit: 'C', ucum: 'Cel' },
  tinggiBadan: { code: '8302-2', display: 'Body height', unit: 'cm', ucum: 'cm' },
  beratBadan: { code: '29463-7', display: 'Body weight', unit: 'kg', ucum: 'kg' },
}
