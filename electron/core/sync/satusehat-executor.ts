import type { Bundle, Resource, ResourceType } from '@medplum/fhirtypes'
import type { SyncErrorCode } from '../../contract'
import type { DB } from '../db'
import { SatusehatClient, SatusehatError, SatusehatTimeError, type BuildContext, type SatusehatVisit } from '../satusehat'
import { buildConditions, buildEncounter, buildMedicationRequests, buildObservations, buildVisitBundle, businessValue, existingKey, identifierValue } from '../satusehat/builders'
import type { FhirVitalKey } from '../satusehat/systems'
import { VITAL_LOINC, sysIds } from '../satusehat/systems'
import { retracted } from '../satusehat/retract'
import {
  adoptIds,
  kfaFor,
  locationOf,
  patientOf,
  practitionerCandidate,
  storeIds,
  storeLocation,
  storePatientIhs,
  storePractitionerIhs,
  visitIds,
  visitRecord,
  visitResources,
  type StoredId,
  type VisitRecord,
} from '../satusehat/store'
import { SendError, type Executor, type SendSuccess } from './executor'
import { parseJob } from './operations'
import type { OutboxJob } from './outbox'

/** Reasons that say the lane itself is unusable (credentials, organization): the worker pauses and probes instead of failing every visit. */
const LANE_REASONS = new Set(['bad_credentials', 'unauthorized', 'wrong_org'])

/**
 * A SatusehatError in the worker's vocabulary: `SATUSEHAT_<REASON>`, the OperationOutcome as `describe()` words it
 * (the platform's own text, masked) as the message and each issue's path as a field. A credentials or organization
 * refusal pauses the lane (transient, offline) so the admin's fix in Pengaturan lets the backlog go on by itself.
 */
function satusehatSendError(err: unknown, request?: unknown): SendError {
  if (err instanceof SendError) return err
  if (err instanceof SatusehatTimeError) return new SendError('permanent', 'SATUSEHAT_TIME_NOT_SENDABLE', err.message, { request })
  if (err instanceof SatusehatError) {
    const code = `SATUSEHAT_${err.reason.toUpperCase()}` as SyncErrorCode
    const lane = LANE_REASONS.has(err.reason)
    return new SendError(lane ? 'transient' : err.kind, code, err.describe(), {
      ambiguous: err.mayHaveCommitted,
      offline: err.reason === 'network' || lane,
      httpStatus: err.httpStatus ?? undefined,
      retryAfterMs: err.retryAfterMs,
      fields: err.issues.map((i) => ({ field: i.expression.join(', ') || i.code, message: i.rule === null ? i.text : `${i.text} (RuleNumber ${i.rule})` })),
      request,
      response: { httpStatus: err.httpStatus, issues: err.issues, message: err.message },
    })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new SendError('transient', 'UNEXPECTED', message, { ambiguous: true, request })
}

/** Vital signs the builders send, from the examination's vitals (lingkarPerut has no SATUSEHAT coding). */
function fhirVitals(v: Record<string, unknown>): SatusehatVisit['vitals'] {
  const out: SatusehatVisit['vitals'] = {}
  for (const key of Object.keys(VITAL_LOINC) as FhirVitalKey[]) {
    const x = v[key]
    if (typeof x === 'number' || typeof x === 'string') out[key] = x
  }
  return out
}

/**
 * The visit as the builders take it, with every mapping resolved: the Patient IHS id (cached on the card, else looked
 * up by NIK), the poli's Location (cached, else found or created by its sys-ids identifier), the doctor's Practitioner
 * IHS id (cached on the user, else looked up by the user's NIK). Each lookup is stored as soon as it answers.
 * Times: arrived = registration, in-progress = the poli's call (clamped into the visit), finished = the examination.
 */
async function resolveVisit(db: DB, c: SatusehatClient, rec: VisitRecord, now: () => number): Promise<SatusehatVisit> {
  if (rec.verification === 'unverified') throw new SendError('transient', 'SATUSEHAT_NO_NIK', `card of ${rec.noRawat} not checked with PCare yet`)
  const patient = patientOf(db, rec.noKartu)
  if (!patient?.nik) throw new SendError('permanent', 'SATUSEHAT_NO_NIK', `no NIK for the patient of ${rec.noRawat}`)
  let ihs = patient.ihs
  if (!ihs) {
    ihs = await c.patientByNik(patient.nik)
    if (!ihs) throw new SendError('permanent', 'SATUSEHAT_PATIENT_NOT_IN_MPI', `patient of ${rec.noRawat}`)
    storePatientIhs(db, rec.noKartu, ihs, now())
  }
  const locationName = rec.nmPoli ?? `Poli ${rec.kdPoli}`
  let locationId = locationOf(db, rec.kdPoli)
  if (!locationId) {
    locationId = await c.ensureLocation({ code: rec.kdPoli, name: locationName })
    storeLocation(db, rec.kdPoli, locationId, locationName, now())
  }
  const doc = practitionerCandidate(db, rec.input.kdDokter, rec.savedBy)
  if (!doc) throw new SendError('permanent', 'SATUSEHAT_UNMAPPED', `doctor ${rec.input.kdDokter}: no user with a NIK`)
  let practitioner = doc.ihs
  if (!practitioner) {
    practitioner = doc.nik ? await c.practitionerByNik(doc.nik) : null
    if (!practitioner) throw new SendError('permanent', 'SATUSEHAT_UNMAPPED', `user ${doc.username}: NIK not found as a Practitioner`)
    storePractitionerIhs(db, doc.username, practitioner)
  }
  const inProgress = Math.min(Math.max(rec.calledAt ?? rec.registeredAt, rec.registeredAt), rec.examinedAt)
  // The admin's KFA mapping (Pengaturan, migration 0014): only mapped obat become MedicationRequests (reference §4).
  const kfa = kfaFor(db, rec.input.obat.map((o) => o.kdObat))
  return {
    noRawat: rec.noRawat,
    patient: ihs,
    practitioner,
    location: { id: locationId, display: locationName },
    arrivedAtMs: rec.registeredAt,
    inProgressAtMs: inProgress,
    finishedAtMs: rec.examinedAt,
    diagnoses: rec.input.diagnoses.map((d) => ({ kdDiag: d.kdDiag, nmDiag: d.nmDiag })),
    vitals: fhirVitals(rec.input.vitals as Record<string, unknown>),
    vitalsAtMs: inProgress,
    obat: rec.input.obat.map((o) => {
      const k = kfa.get(o.kdObat)
      return { kdObat: o.kdObat, nmObat: o.nmObat, signa1: o.signa1, signa2: o.signa2, jmlObat: o.jmlObat, ...(k ? { kfa: k } : {}) }
    }),
  }
}

/** Every resource the visit sends, built only to know their types and identifier values (references do not matter here). */
function expectedResources(v: SatusehatVisit, ctx: BuildContext): Resource[] {
  const ref = 'Encounter/x'
  return [buildEncounter(v, ctx, 'finished'), ...buildConditions(v, ctx, ref), ...buildObservations(v, ctx, ref), ...buildMedicationRequests(v, ctx, ref)]
}

/**
 * What the platform already holds of this visit, found by identifier (an earlier send may have landed: a timeout, a
 * crash between the answer and the local write, a `duplicate`): the Encounter by its sys-ids identifier, then the
 * resources that point at it, matched by their identifier values. Found ids are stored at once. Returns them.
 */
async function findExisting(db: DB, c: SatusehatClient, v: SatusehatVisit, ctx: BuildContext, now: () => number): Promise<StoredId[]> {
  const [enc] = await c.searchByIdentifier(('Encounter' as ResourceType), sysIds('encounter', ctx.orgId), identifierValue.encounter(v.noRawat))
  if (!enc?.id) return []
  const found: StoredId[] = [{ resourceType: 'Encounter', value: identifierValue.encounter(v.noRawat), id: enc.id, created: false }]
  const wanted = new Set(expectedResources(v, ctx).map((r) => existingKey(r.resourceType, businessValue(r as Resource & { identifier?: { value?: string }[] }))))
  for (const type of ['Condition', 'Observation', 'MedicationRequest'] as const) {
    const r = await c.request<Bundle>('GET', `${type}?encounter=${encodeURIComponent(`Encounter/${enc.id}`)}`)
    for (const e of r.body.entry ?? []) {
      const res = e.resource as (Resource & { identifier?: { value?: string }[] }) | undefined
      if (!res?.id || res.resourceType !== type) continue
      const value = businessValue(res)
      if (wanted.has(existingKey(type, value))) found.push({ resourceType: type, value, id: res.id, created: false })
    }
  }
  adoptIds(db, v.noRawat, found, now())
  return found
}

/**
 * Withdraws resources the platform holds (retract.ts: GET, then PUT with the entered-in-error status; one already
 * withdrawn is left alone, so a repeat sends nothing twice). Non-Encounters first, so the Encounter goes last.
 */
async function retractAll(c: SatusehatClient, rows: { resourceType: string; value: string; id: string }[]): Promise<StoredId[]> {
  const out: StoredId[] = []
  const ordered = [...rows.filter((r) => r.resourceType !== 'Encounter'), ...rows.filter((r) => r.resourceType === 'Encounter')]
  for (const row of ordered) {
    const current = await c.read<Resource>(row.resourceType as ResourceType, row.id)
    const next = retracted(current, c.config.retractEncounterStatus)
    if (!next) continue
    await c.update({ ...next, id: row.id })
    out.push({ resourceType: row.resourceType, value: row.value, id: row.id, created: false })
  }
  return out
}

/**
 * A correction's removed items: resources stored for the visit (other than its Encounter) that the corrected record
 * no longer produces, e.g. a diagnosis taken out (its `noRawat-DX<n>` Condition) or a vital sign cleared. Each is
 * withdrawn before the visit is sent again (docs/satusehat.md#corrections).
 */
async function retractRemoved(db: DB, c: SatusehatClient, v: SatusehatVisit, ctx: BuildContext): Promise<StoredId[]> {
  const wanted = new Set(expectedResources(v, ctx).map((r) => existingKey(r.resourceType, businessValue(r as Resource & { identifier?: { value?: string }[] }))))
  const gone = visitResources(db, v.noRawat).filter((r) => r.resourceType !== 'Encounter' && !wanted.has(existingKey(r.resourceType, r.value)))
  return gone.length ? retractAll(c, gone) : []
}

/**
 * A deleted kunjungan (recorded on the wrong patient) that SATUSEHAT already holds: its Encounter and every resource
 * of it are withdrawn. What the workstation has not stored (a send whose answer was lost) is first found by the
 * Encounter's identifier. Nothing held: nothing to do.
 */
async function retractVisit(db: DB, c: SatusehatClient, noRawat: string, now: () => number): Promise<StoredId[]> {
  const rows = visitResources(db, noRawat)
  if (!rows.some((r) => r.resourceType === 'Encounter')) {
    const value = identifierValue.encounter(noRawat)
    const [enc] = await c.searchByIdentifier(('Encounter' as ResourceType), sysIds('encounter', c.config.orgId), value)
    if (enc?.id) {
      const found = [{ resourceType: 'Encounter', value, id: enc.id }]
      for (const type of ['Condition', 'Observation', 'MedicationRequest'] as const) {
        const r = await c.request<Bundle>('GET', `${type}?encounter=${encodeURIComponent(`Encounter/${enc.id}`)}`)
        for (const e of r.body.entry ?? []) {
          const res = e.resource as (Resource & { identifier?: { value?: string }[] }) | undefined
          if (res?.id && res.resourceType === type && !rows.some((x) => x.id === res.id)) found.push({ resourceType: type, value: businessValue(res), id: res.id })
        }
      }
      adoptIds(db, noRawat, found, now())
      rows.push(...found)
    }
  }
  return retractAll(c, rows)
}

/** What an attempt keeps for the admin's detail panel: methods and URLs only (the resources carry patient data). */
function requestSummary(bundle: Bundle): unknown {
  return (bundle.entry ?? []).map((e) => `${e.request?.method} ${e.request?.url}`)
}

/** The `bundle` style: the whole visit in one transaction Bundle, known resources as PUTs (docs/satusehat.md). */
async function sendBundle(db: DB, c: SatusehatClient, v: SatusehatVisit, ctx: BuildContext, now: () => number): Promise<SendSuccess> {
  let bundle = buildVisitBundle(v, ctx, visitIds(db, v.noRawat))
  let results
  try {
    results = await c.postBundle(bundle)
  } catch (err) {
    // Already there under our identifier (an earlier send we did not hear back from): adopt it and send what is missing.
    if (!(err instanceof SatusehatError && err.reason === 'duplicate')) throw satusehatSendError(err, requestSummary(bundle))
    if ((await findExisting(db, c, v, ctx, now)).length === 0) throw satusehatSendError(err, requestSummary(bundle))
    bundle = buildVisitBundle(v, ctx, visitIds(db, v.noRawat))
    results = await c.postBundle(bundle).catch((e: unknown) => Promise.reject(satusehatSendError(e, requestSummary(bundle))))
  }
  const ids: StoredId[] = (bundle.entry ?? []).map((e, i) => ({
    resourceType: e.resource!.resourceType,
    value: businessValue(e.resource as Resource & { identifier?: { value?: string }[] }),
    id: results[i]!.id,
    created: e.request?.method === 'POST',
  }))
  return { result: { ids }, request: requestSummary(bundle), response: results.map((r) => ({ resourceType: r.resourceType, id: r.id, status: r.status })) }
}

/**
 * The `status-path` style (official playbook §27): the Encounter POSTed `arrived`, PUT `in-progress`, its Conditions,
 * PUT `finished` with the diagnoses, then Observations and MedicationRequests one by one. A repeat searches by
 * identifier before each create (`reconcile`), and every known id is a PUT.
 */
async function sendStatusPath(db: DB, c: SatusehatClient, v: SatusehatVisit, ctx: BuildContext, repeat: boolean, now: () => number): Promise<SendSuccess> {
  const known = visitIds(db, v.noRawat)
  const ids: StoredId[] = []
  const put = async <R extends Resource & { identifier?: { value?: string }[] }>(r: R): Promise<{ id: string; fresh: boolean }> => {
    const value = businessValue(r)
    const id = known.get(existingKey(r.resourceType, value)) ?? ids.find((x) => x.resourceType === r.resourceType && x.value === value)?.id
    if (id) {
      await c.update({ ...r, id })
      ids.push({ resourceType: r.resourceType, value, id, created: false })
      return { id, fresh: false }
    }
    const made = await c.create(r, { reconcile: repeat })
    const stored: StoredId = made.created ? { resourceType: r.resourceType, value, id: made.id, created: true } : { resourceType: r.resourceType, value, id: made.id, created: false, adopted: true }
    ids.push(stored)
    // Kept at once: a failure later in this send must not make the next attempt create it again.
    adoptIds(db, v.noRawat, [stored], now())
    return { id: made.id, fresh: made.created }
  }
  try {
    const ref = (id: string): string => `Encounter/${id}`
    const encKnown = known.get(existingKey('Encounter', identifierValue.encounter(v.noRawat)))
    let encId = encKnown
    if (!encId) {
      const enc = await put(buildEncounter(v, ctx, 'arrived'))
      encId = enc.id
      // Only a new Encounter walks the statuses; one found or known may be further along (status only moves forward).
      if (enc.fresh) await c.update({ ...buildEncounter(v, ctx, 'in-progress'), id: encId })
    }
    const condIds: string[] = []
    for (const cond of buildConditions(v, ctx, ref(encId))) condIds.push((await put(cond)).id)
    const finished = { ...buildEncounter(v, ctx, 'finished', condIds.map((id) => `Condition/${id}`)), id: encId }
    await c.update(finished)
    if (!ids.some((x) => x.resourceType === 'Encounter')) ids.push({ resourceType: 'Encounter', value: identifierValue.encounter(v.noRawat), id: encId, created: false })
    for (const r of [...buildObservations(v, ctx, ref(encId)), ...buildMedicationRequests(v, ctx, ref(encId))]) await put(r)
  } catch (err) {
    throw satusehatSendError(err)
  }
  return { result: { ids }, request: ids.map((x) => `${x.created ? 'POST' : 'PUT'} ${x.resourceType}`), response: ids.map((x) => ({ resourceType: x.resourceType, id: x.id })) }
}

/**
 * SATUSEHAT operations (docs/satusehat.md#what-is-wired). `client` is the engine's cached client (its token is reused
 * across sends); `now` is the clock that decides "future" for the builders (never a time later than now is sent).
 */
export function satusehatExecutor(db: DB, client: () => Promise<SatusehatClient>, now: () => number = Date.now): Executor {
  async function prepare(job: OutboxJob): Promise<{ c: SatusehatClient; v: SatusehatVisit; ctx: BuildContext } | { deleted: SatusehatClient; noRawat: string }> {
    const parsed = parseJob('satusehat', job)
    const rec = visitRecord(db, parsed.payload.noRawat)
    if (!rec) throw new SendError('permanent', 'SATUSEHAT_UNMAPPED', `no examination for ${parsed.payload.noRawat}`)
    const c = await client()
    // A deleted kunjungan (recorded on the wrong patient) is not reported; what SATUSEHAT already holds of it is withdrawn.
    if (rec.deleted) return { deleted: c, noRawat: rec.noRawat }
    try {
      const v = await resolveVisit(db, c, rec, now)
      return { c, v, ctx: { ...c.config, nowMs: now() } }
    } catch (err) {
      throw satusehatSendError(err)
    }
  }

  return {
    target: 'satusehat',
    async send(job) {
      const p = await prepare(job)
      try {
        if ('deleted' in p) {
          const ids = await retractVisit(db, p.deleted, p.noRawat, now)
          const what = ids.length ? 'examination deleted: withdrawn' : 'examination deleted: never sent'
          return { result: { ids, skipped: what }, request: ids.map((x) => `PUT ${x.resourceType} (entered-in-error)`), response: { skipped: what, withdrawn: ids.map((x) => ({ resourceType: x.resourceType, id: x.id })) } }
        }
        const withdrawn = await retractRemoved(db, p.c, p.v, p.ctx)
        const sent = p.c.config.encounterStyle === 'status-path' ? await sendStatusPath(db, p.c, p.v, p.ctx, job.attempts > 0, now) : await sendBundle(db, p.c, p.v, p.ctx, now)
        if (!withdrawn.length) return sent
        const ids = [...((sent.result as { ids: StoredId[] }).ids), ...withdrawn]
        return { ...sent, result: { ids }, response: { sent: sent.response, withdrawn: withdrawn.map((x) => ({ resourceType: x.resourceType, id: x.id })) } }
      } catch (err) {
        throw satusehatSendError(err)
      }
    },
    /**
     * After a send that may have landed (timeout, 5xx after commit, crash in flight): what the platform holds is
     * adopted; when that is every resource of the visit the job is done without sending again, otherwise null and the
     * send PUTs what was found and POSTs the rest.
     */
    async reconcile(job) {
      const p = await prepare(job)
      // A deleted visit's withdrawal reads before it writes: sending it again is its own reconcile.
      if ('deleted' in p) return null
      try {
        const found = await findExisting(db, p.c, p.v, p.ctx, now)
        const expected = expectedResources(p.v, p.ctx).length
        if (found.length < expected) return null
        return { result: { ids: found.map((x) => ({ ...x, adopted: true })) }, response: { reconciled: found.map((x) => ({ resourceType: x.resourceType, id: x.id })) } }
      } catch (err) {
        throw satusehatSendError(err)
      }
    },
    apply(d, job, result) {
      const ids = (result as { ids?: StoredId[] } | null)?.ids ?? []
      storeIds(d, job.entityId, ids, now())
    },
    async probe() {
      try {
        await (await client()).ping()
        return true
      } catch (err) {
        // Reachable and willing: a refusal of credentials or organization keeps the lane paused until fixed.
        return err instanceof SatusehatError && err.kind === 'permanent' && !LANE_REASONS.has(err.reason)
      }
    },
  }
}
