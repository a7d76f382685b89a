import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes'
import { ICD10_CODES, VITAL_LOINC_UCUM } from './seed'

/** What the platform rules need to know beyond the resource. */
export interface RuleContext {
  /** The org bound to the caller's token. */
  orgId: string
  nowMs: number
  /** Accepted clock skew for "future" (the real tolerance is UNCONFIRMED). */
  skewMs: number
  /** Refuse offsets other than +00:00 (the documented contract; the field accepts local offsets, reference §2.9). */
  utcOnly: boolean
  /** Refuse a finished Encounter without the three statuses in statusHistory (reference §2.5). */
  requireStatusHistory: boolean
  /** Whether `Type/id` exists on the platform (seeded Patient/Practitioner/Organization, stored resources). */
  exists: (type: string, id: string) => boolean
}

const EARLIEST = Date.UTC(2014, 5, 3)
const DATETIME_KEYS = new Set(['start', 'end', 'recordedDate', 'effectiveDateTime', 'issued', 'authoredOn', 'onsetDateTime'])
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})$/
const NUMBER_PARENTS = new Set(['valueQuantity', 'doseQuantity', 'quantity'])
const SYS_IDS = /^http:\/\/sys-ids\.kemkes\.go\.id\/([a-z-]+)\/([^/]+)$/
const KINDS: Readonly<Record<string, string[]>> = {
  Encounter: ['encounter'],
  Condition: ['condition'],
  Observation: ['observation'],
  Location: ['location'],
  MedicationRequest: ['prescription', 'prescription-item'],
  Medication: ['medication'],
}

/**
 * An issue as the platform words it: the RuleNumber inside details.text (reference §3.1-3.2). `format` is not a FHIR
 * issue-type code, but SATUSEHAT documents and sends it for datetime format errors, so the simulator does too.
 */
export function issue(code: 'value' | 'format' | 'duplicate' | 'structure', text: string, expression?: string): OperationOutcomeIssue {
  return { severity: 'error', code: code as OperationOutcomeIssue['code'], details: { text }, ...(expression ? { expression: [expression] } : {}) }
}

function walk(node: unknown, path: string, key: string, parentKey: string, out: OperationOutcomeIssue[], ctx: RuleContext): void {
  if (typeof node === 'string') {
    if (node === '') out.push(issue('value', "Text is empty: '' (RuleNumber: 10134)", path))
    else if (NUMBER_PARENTS.has(parentKey) && key === 'value') out.push(issue('value', `Integer formated as a string: '${node}' (RuleNumber: 10254)`, path))
    else if (DATETIME_KEYS.has(key)) {
      const m = DATETIME.exec(node)
      if (!m || (ctx.utcOnly && m[1] !== '+00:00')) {
        out.push(issue('format', `Invalid date time format : ${node} (RuleNumber: 10132). Format allowed : YYYY-MM-DDThh:mm:ss+00:00`, path))
      } else {
        const at = Date.parse(node)
        if (at > ctx.nowMs + ctx.skewMs || at < EARLIEST) {
          out.push(issue('value', `Invalid date time value : ${node} (RuleNumber: 10132) Not Allowed : Future Date or Past Date older than 3rd June 2014`, path))
        }
      }
    }
    return
  }
  if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${path}[${i}]`, key, parentKey, out, ctx))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`, k, key, out, ctx)
  }
}

type Ref = { reference?: string } | undefined

/** `Type/id` of a reference, or null. */
function refParts(r: Ref): [string, string] | null {
  const m = /^([A-Za-z]+)\/([^/]+)$/.exec(r?.reference ?? '')
  return m ? [m[1], m[2]] : null
}

function checkRef(out: OperationOutcomeIssue[], ctx: RuleContext, r: Ref, path: string, type: string, mandatory: boolean): void {
  if (!r?.reference) {
    if (mandatory) out.push(issue('value', `Reference is mandatory : ${path} (RuleNumber: 10124)`, path))
    return
  }
  const p = refParts(r)
  if (!p || p[0] !== type || !ctx.exists(p[0], p[1])) out.push(issue('value', `Reference not found : ${path} (RuleNumber: 10124)`, path))
}

function checkCoding(out: OperationOutcomeIssue[], coding: { system?: string; code?: string } | undefined, path: string, system: string, known: (code: string) => boolean): void {
  if (!coding) {
    out.push(issue('value', `Element not found: ${path} (RuleNumber: 10263)`, path))
    return
  }
  if (coding.system !== system) out.push(issue('value', `Invalid coding system: ${coding.system ?? ''} (RuleNumber: 10002)`, `${path}.system`))
  else if (!known(coding.code ?? '')) out.push(issue('value', `Code not found: '${coding.code ?? ''}' in system: ${system} (RuleNumber: 10001)`, `${path}.code`))
}

/** Every `sys-ids` identifier system: the right kind for the type, and the token's org (10117). */
function checkIdentifiers(out: OperationOutcomeIssue[], ctx: RuleContext, r: Resource, path: string): void {
  const identifiers = (r as { identifier?: { system?: string }[] }).identifier ?? []
  identifiers.forEach((id, i) => {
    const m = SYS_IDS.exec(id.system ?? '')
    const p = `${path}.identifier[${i}].system`
    if (!m) out.push(issue('value', `Invalid identifier system: ${id.system ?? ''} (RuleNumber: 10117)`, p))
    else if (m[2] !== ctx.orgId) out.push(issue('value', `Wrong organization ID provided by system URL: ${id.system ?? ''} (RuleNumber: 10117)`, p))
    else if (!(KINDS[r.resourceType] ?? []).includes(m[1])) out.push(issue('value', `Invalid identifier system: ${id.system ?? ''} (RuleNumber: 10117)`, p))
  })
}

/**
 * The platform's own rules on one resource (reference §3.2 and §7 simulator item 3), worded as SATUSEHAT words them:
 * empty strings (10134), numbers as strings (10254), datetime format and range (10132), identifier systems bound to
 * the token's org (10117), mandatory and resolvable references (10124), code systems and codes (10002/10001),
 * mandatory elements (10263), and the Encounter statusHistory. `path` is the resource's FHIRPath root
 * (`Encounter`, or `Bundle.entry[2].resource` inside a Bundle).
 */
export function platformIssues(r: Resource, ctx: RuleContext, path: string = r.resourceType): OperationOutcomeIssue[] {
  const out: OperationOutcomeIssue[] = []
  walk(r, path, '', '', out, ctx)
  checkIdentifiers(out, ctx, r, path)
  if (KINDS[r.resourceType] && !(r as { identifier?: unknown[] }).identifier?.length) out.push(issue('value', `Element not found: ${path}.identifier (RuleNumber: 10263)`, `${path}.identifier`))

  if (r.resourceType === 'Encounter') {
    if (r.class?.system !== 'http://terminology.hl7.org/CodeSystem/v3-ActCode') out.push(issue('value', `Invalid coding system: ${r.class?.system ?? ''} (RuleNumber: 10002)`, `${path}.class.system`))
    else if (!['AMB', 'IMP', 'EMER'].includes(r.class.code ?? '')) out.push(issue('value', `Code not found: '${r.class.code ?? ''}' in system: ${r.class.system} (RuleNumber: 10001)`, `${path}.class.code`))
    checkRef(out, ctx, r.subject, `${path}.subject`, 'Patient', true)
    r.participant?.forEach((p, i) => checkRef(out, ctx, p.individual, `${path}.participant[${i}].individual`, 'Practitioner', true))
    if (!r.location?.length) out.push(issue('value', `Element not found: ${path}.location (RuleNumber: 10263)`, `${path}.location`))
    r.location?.forEach((l, i) => checkRef(out, ctx, l.location, `${path}.location[${i}].location`, 'Location', true))
    checkRef(out, ctx, r.serviceProvider, `${path}.serviceProvider`, 'Organization', true)
    if (r.status === 'finished') {
      if (!r.period?.end) out.push(issue('value', `Element not found: ${path}.period.end (RuleNumber: 10263)`, `${path}.period.end`))
      const statuses = new Set((r.statusHistory ?? []).map((h) => h.status))
      if (ctx.requireStatusHistory && !['arrived', 'in-progress', 'finished'].every((s) => statuses.has(s as never))) {
        out.push(issue('value', `Element not found: ${path}.statusHistory (RuleNumber: 10263)`, `${path}.statusHistory`))
      }
    }
  } else if (r.resourceType === 'Condition') {
    checkCoding(out, r.code?.coding?.[0], `${path}.code.coding[0]`, 'http://hl7.org/fhir/sid/icd-10', (c) => ICD10_CODES.has(c))
    checkRef(out, ctx, r.subject, `${path}.subject`, 'Patient', true)
    checkRef(out, ctx, r.encounter, `${path}.encounter`, 'Encounter', true)
  } else if (r.resourceType === 'Observation') {
    checkCoding(out, r.code?.coding?.[0], `${path}.code.coding[0]`, 'http://loinc.org', (c) => c in VITAL_LOINC_UCUM)
    const q = r.valueQuantity
    const loinc = r.code?.coding?.[0]?.code ?? ''
    if (q && (q.system !== 'http://unitsofmeasure.org' || q.code !== VITAL_LOINC_UCUM[loinc])) {
      out.push(issue('value', `Code not found: '${q.code ?? ''}' in system: ${q.system ?? ''} (RuleNumber: 10001)`, `${path}.valueQuantity.code`))
    }
    checkRef(out, ctx, r.subject, `${path}.subject`, 'Patient', true)
    checkRef(out, ctx, r.encounter, `${path}.encounter`, 'Encounter', true)
    if (!r.performer?.length) out.push(issue('value', `Reference is mandatory : ${path}.performer (RuleNumber: 10124)`, `${path}.performer`))
  } else if (r.resourceType === 'MedicationRequest') {
    checkRef(out, ctx, r.subject, `${path}.subject`, 'Patient', true)
    checkRef(out, ctx, r.encounter, `${path}.encounter`, 'Encounter', true)
    checkRef(out, ctx, r.requester, `${path}.requester`, 'Practitioner', true)
    // Since 2024 the Medication travels with its request (reference §2.8): contained here, referenced by `#id`.
    const ref = r.medicationReference?.reference ?? ''
    const med = (r.contained ?? []).find((c) => c.resourceType === 'Medication' && `#${c.id}` === ref)
    if (!med || med.resourceType !== 'Medication') out.push(issue('value', `Reference not found : ${path}.medicationReference (RuleNumber: 10124)`, `${path}.medicationReference`))
    else {
      checkCoding(out, med.code?.coding?.[0], `${path}.contained[0].code.coding[0]`, 'http://sys-ids.kemkes.go.id/kfa', (c) => /^9[23]\d{6}$/.test(c))
      checkIdentifiers(out, ctx, med, `${path}.contained[0]`)
    }
  }
  return out
}
