import { createHash } from 'node:crypto'
import type { Bundle, BundleEntry, Condition, Encounter, EncounterStatusHistory, Medication, MedicationRequest, Observation, Patient, Practitioner, Reference, Resource } from '@medplum/fhirtypes'
import type { SatusehatConfig } from './config'
import type { IhsRef } from './client'
import { SYSTEMS, sysIds, VITAL_LOINC, type FhirVitalKey } from './systems'
import { assertSendable, fhirDateTime, SatusehatTimeError } from './time'

/**
 * What one closed outpatient visit gives SATUSEHAT, gathered by the caller from the local record (registration,
 * examination: contract `ExaminationInput`) and the setup mappings (Patient/Practitioner IHS ids, poli Location).
 * Times are epoch ms.
 */
export interface SatusehatVisit {
  /** The local visit number: the Encounter's business identifier value, and the stem of every other one. */
  noRawat: string
  patient: IhsRef
  practitioner: IhsRef
  location: { id: string; display: string }
  arrivedAtMs: number
  inProgressAtMs: number
  finishedAtMs: number
  /** ICD-10, primary first (contract Diagnosis: `kdDiag` dotted like `K29.7`). */
  diagnoses: { kdDiag: string; nmDiag: string }[]
  /** contract Vitals: numbers, `suhu` as typed ("36,5" or "36.5"); absent or unparsable signs are not sent. */
  vitals: Partial<Record<FhirVitalKey | 'lingkarPerut', number | string>>
  vitalsAtMs: number
  /** Prescribed obat: signa1 times a day, signa2 units each, jmlObat units in all; sent only with a KFA code. */
  obat: {
    kdObat: string
    nmObat: string
    signa1: number
    signa2: number
    jmlObat: number
    /** The KFA 92/93 code mapped to this drug (reference §4); the line is skipped without one. */
    kfa?: { code: string; display: string }
  }[]
}

/** The config parts the builders read, and the clock that decides "future". */
export type BuildContext = Pick<SatusehatConfig, 'orgId' | 'zone' | 'timeStyle' | 'futureSkewMs' | 'encounterDiagnosis' | 'statusHistory'> & { nowMs: number }

/** Encounter stage for the status-path style (reference §2.5). */
export type EncounterStage = 'arrived' | 'in-progress' | 'finished'

/** The business identifier values per resource, so reconciliation can search and corrections can PUT. */
export const identifierValue = {
  encounter: (noRawat: string): string => noRawat,
  condition: (noRawat: string, n: number): string => `${noRawat}-DX${n}`,
  observation: (noRawat: string, loinc: string): string => `${noRawat}-${loinc}`,
  prescription: (noRawat: string): string => noRawat,
  prescriptionItem: (noRawat: string, n: number): string => `${noRawat}-${n}`,
}

/** A stable `urn:uuid:` per business identifier: the same visit builds the same Bundle on every attempt. */
function urnFor(orgId: string, type: string, value: string): string {
  const h = createHash('sha256').update(`${orgId}|${type}|${value}`).digest('hex')
  // RFC 4122 layout with version 5 (name-based) and the variant bits set.
  const v = `5${h.slice(13, 16)}`
  const r = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16) + h.slice(17, 20)
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${v}-${r}-${h.slice(20, 32)}`
}

function times(v: SatusehatVisit, ctx: BuildContext): (ms: number, field: string) => string {
  for (const [field, ms] of [['arrivedAt', v.arrivedAtMs], ['inProgressAt', v.inProgressAtMs], ['finishedAt', v.finishedAtMs], ['vitalsAt', v.vitalsAtMs]] as const) {
    assertSendable(field, ms, ctx.nowMs, ctx.futureSkewMs)
  }
  if (!(v.arrivedAtMs <= v.inProgressAtMs && v.inProgressAtMs <= v.finishedAtMs)) throw new SatusehatTimeError('statusHistory', v.inProgressAtMs, 'invalid')
  return (ms, field) => fhirDateTime(ms, ctx.zone, ctx.timeStyle, field)
}

const subjectOf = (v: SatusehatVisit): Reference<Patient> => ({ reference: `Patient/${v.patient.id}`, ...(v.patient.display ? { display: v.patient.display } : {}) })
const practitionerOf = (v: SatusehatVisit): Reference<Practitioner> => ({ reference: `Practitioner/${v.practitioner.id}`, ...(v.practitioner.display ? { display: v.practitioner.display } : {}) })

/**
 * The visit's Encounter at a stage (reference §2.5): faskes identifier `sys-ids…/encounter/{orgId}|noRawat`, class
 * AMB, attender, location, serviceProvider, statusHistory up to the stage, and on `finished` period.end and the
 * diagnoses (`conditionRefs`, primary first: `urn:uuid:` inside a Bundle, `Condition/<id>` outside) when the config
 * sends them. Throws SatusehatTimeError for a time the platform would refuse.
 */
export function buildEncounter(v: SatusehatVisit, ctx: BuildContext, stage: EncounterStage, conditionRefs: string[] = []): Encounter {
  const t = times(v, ctx)
  const history: EncounterStatusHistory[] = [{ status: 'arrived', period: { start: t(v.arrivedAtMs, 'arrivedAt'), ...(stage === 'arrived' ? {} : { end: t(v.inProgressAtMs, 'inProgressAt') }) } }]
  if (stage !== 'arrived') history.push({ status: 'in-progress', period: { start: t(v.inProgressAtMs, 'inProgressAt'), ...(stage === 'finished' ? { end: t(v.finishedAtMs, 'finishedAt') } : {}) } })
  if (stage === 'finished') history.push({ status: 'finished', period: { start: t(v.finishedAtMs, 'finishedAt'), end: t(v.finishedAtMs, 'finishedAt') } })
  const diagnosis = stage === 'finished' && ctx.encounterDiagnosis && conditionRefs.length > 0
    ? conditionRefs.map((reference, i) => ({
        condition: { reference, display: v.diagnoses[i]?.nmDiag },
        use: { coding: [{ system: SYSTEMS.diagnosisRole, code: 'DD', display: 'Discharge diagnosis' }] },
        rank: i + 1,
      }))
    : undefined
  return {
    resourceType: 'Encounter',
    identifier: [{ system: sysIds('encounter', ctx.orgId), value: identifierValue.encounter(v.noRawat) }],
    status: stage,
    ...(ctx.statusHistory ? { statusHistory: history } : {}),
    class: { system: SYSTEMS.actCode, code: 'AMB', display: 'ambulatory' },
    subject: subjectOf(v),
    participant: [{ type: [{ coding: [{ system: SYSTEMS.participationType, code: 'ATND', display: 'attender' }] }], individual: practitionerOf(v) }],
    period: { start: t(v.arrivedAtMs, 'arrivedAt'), ...(stage === 'finished' ? { end: t(v.finishedAtMs, 'finishedAt') } : {}) },
    location: [{ location: { reference: `Location/${v.location.id}`, display: v.location.display } }],
    ...(diagnosis ? { diagnosis } : {}),
    serviceProvider: { reference: `Organization/${ctx.orgId}` },
  }
}

/** One Condition per ICD-10 diagnosis, identifier `<noRawat>-DX<n>` (reference §2.6). */
export function buildConditions(v: SatusehatVisit, ctx: BuildContext, encounterRef: string): Condition[] {
  const t = times(v, ctx)
  return v.diagnoses.map((d, i): Condition => ({
    resourceType: 'Condition',
    identifier: [{ system: sysIds('condition', ctx.orgId), value: identifierValue.condition(v.noRawat, i + 1) }],
    clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: 'active', display: 'Active' }] },
    category: [{ coding: [{ system: SYSTEMS.conditionCategory, code: 'encounter-diagnosis', display: 'Encounter Diagnosis' }] }],
    code: { coding: [{ system: SYSTEMS.icd10, code: d.kdDiag, display: d.nmDiag }] },
    subject: subjectOf(v),
    encounter: { reference: encounterRef },
    recordedDate: t(v.finishedAtMs, 'finishedAt'),
  }))
}

/** A vital as a number: `36,5` and `36.5` alike; null when absent or not a number. */
function vitalNumber(raw: number | string | undefined): number | null {
  if (raw === undefined || raw === '') return null
  const n = typeof raw === 'number' ? raw : Number(raw.trim().replace(',', '.'))
  return Number.isFinite(n) ? n : null
}

/** One Observation per recorded vital sign, LOINC code and UCUM unit per reference §2.7, identifier `<noRawat>-<LOINC>`. */
export function buildObservations(v: SatusehatVisit, ctx: BuildContext, encounterRef: string): Observation[] {
  const t = times(v, ctx)
  const out: Observation[] = []
  for (const key of Object.keys(VITAL_LOINC) as FhirVitalKey[]) {
    const value = vitalNumber(v.vitals[key])
    if (value === null) continue
    const c = VITAL_LOINC[key]
    out.push({
      resourceType: 'Observation',
      identifier: [{ system: sysIds('observation', ctx.orgId), value: identifierValue.observation(v.noRawat, c.code) }],
      status: 'final',
      category: [{ coding: [{ system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' }] }],
      code: { coding: [{ system: SYSTEMS.loinc, code: c.code, display: c.display }] },
      subject: subjectOf(v),
      performer: [practitionerOf(v)],
      encounter: { reference: encounterRef },
      effectiveDateTime: t(v.vitalsAtMs, 'vitalsAt'),
      issued: t(v.vitalsAtMs, 'vitalsAt'),
      valueQuantity: { value, unit: c.unit, system: SYSTEMS.ucum, code: c.ucum },
    })
  }
  return out
}

/**
 * One MedicationRequest per prescribed obat that has a KFA code, its Medication `contained` (a separate Medication
 * POST is no longer accepted since 2024; reference §2.8, §4): two identifiers (prescription, prescription-item),
 * intent order, category outpatient, signa as timing (signa1 a day) and dose (signa2), jmlObat as the quantity.
 */
export function buildMedicationRequests(v: SatusehatVisit, ctx: BuildContext, encounterRef: string): MedicationRequest[] {
  const t = times(v, ctx)
  return v.obat.flatMap((o, i): MedicationRequest[] => {
    if (!o.kfa) return []
    const n = i + 1
    const medication: Medication = {
      resourceType: 'Medication',
      id: `med${n}`,
      meta: { profile: ['https://fhir.kemkes.go.id/r4/StructureDefinition/Medication'] },
      identifier: [{ system: sysIds('medication', ctx.orgId), use: 'official', value: identifierValue.prescriptionItem(v.noRawat, n) }],
      code: { coding: [{ system: SYSTEMS.kfa, code: o.kfa.code, display: o.kfa.display }] },
      status: 'active',
      extension: [{ url: SYSTEMS.medicationTypeExtension, valueCodeableConcept: { coding: [{ system: SYSTEMS.medicationType, code: 'NC', display: 'Non-compound' }] } }],
    }
    return [{
      resourceType: 'MedicationRequest',
      contained: [medication],
      identifier: [
        { system: sysIds('prescription', ctx.orgId), use: 'official', value: identifierValue.prescription(v.noRawat) },
        { system: sysIds('prescription-item', ctx.orgId), use: 'official', value: identifierValue.prescriptionItem(v.noRawat, n) },
      ],
      status: 'completed',
      intent: 'order',
      category: [{ coding: [{ system: SYSTEMS.medicationRequestCategory, code: 'outpatient', display: 'Outpatient' }] }],
      medicationReference: { reference: `#med${n}`, display: o.kfa.display },
      subject: subjectOf(v),
      encounter: { reference: encounterRef },
      authoredOn: t(v.finishedAtMs, 'finishedAt'),
      requester: practitionerOf(v),
      dosageInstruction: [{
        sequence: 1,
        text: `${o.signa1} x ${o.signa2}`,
        timing: { repeat: { frequency: o.signa1, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: o.signa2 } }],
      }],
      dispenseRequest: { quantity: { value: o.jmlObat } },
    }]
  })
}

/** The business identifier a resource is reconciled by: its first identifier's value (for a MedicationRequest, the item). */
export function businessValue(r: Resource & { identifier?: { value?: string }[] }): string {
  const ids = r.identifier ?? []
  return String((r.resourceType === 'MedicationRequest' ? ids[1] : ids[0])?.value ?? '')
}

/**
 * The whole visit as one transaction Bundle (the `bundle` Encounter style; reference §2.8): the Encounter created
 * `finished` with its full statusHistory, then a Condition per diagnosis, an Observation per vital sign and a
 * MedicationRequest per KFA-coded obat, siblings referenced by stable `urn:uuid:`s.
 *
 * `existing` maps a business identifier value (identifierValue.*) to the id the platform already holds for it (from
 * an earlier send or a reconciliation): those resources become `PUT Type/id` with that id — a correction updates the
 * resource, never creates a second one — and references to them use `Type/id`.
 */
export function buildVisitBundle(v: SatusehatVisit, ctx: BuildContext, existing: ReadonlyMap<string, string> = new Map()): Bundle {
  const encValue = identifierValue.encounter(v.noRawat)
  const encId = existing.get(existingKey('Encounter', encValue))
  const encRef = encId ? `Encounter/${encId}` : urnFor(ctx.orgId, 'Encounter', encValue)
  const conditions = buildConditions(v, ctx, encRef)
  const condRefs = conditions.map((c) => {
    const id = existing.get(existingKey('Condition', businessValue(c)))
    return id ? `Condition/${id}` : urnFor(ctx.orgId, 'Condition', businessValue(c))
  })
  const resources: Resource[] = [buildEncounter(v, ctx, 'finished', condRefs), ...conditions, ...buildObservations(v, ctx, encRef), ...buildMedicationRequests(v, ctx, encRef)]
  const entry = resources.map((r): BundleEntry => {
    const value = businessValue(r as Resource & { identifier?: { value?: string }[] })
    const id = existing.get(existingKey(r.resourceType, value))
    if (id) return { fullUrl: `${r.resourceType}/${id}`, resource: { ...r, id }, request: { method: 'PUT', url: `${r.resourceType}/${id}` } }
    return { fullUrl: urnFor(ctx.orgId, r.resourceType, value), resource: r, request: { method: 'POST', url: r.resourceType } }
  })
  return { resourceType: 'Bundle', type: 'transaction', entry }
}

/** The key `existing` of buildVisitBundle uses: `<ResourceType>|<business identifier value>`. */
export function existingKey(resourceType: string, value: string): string {
  return `${resourceType}|${value}`
}
