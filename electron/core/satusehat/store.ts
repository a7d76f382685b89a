import type { ExaminationInput, Settings } from '../../contract'
import { localIsoDate } from '../clinic/dates'
import type { DB } from '../db'
import { prepared } from '../db/statements'
import { enqueue } from '../sync/outbox'
import type { IhsRef } from './client'
import { existingKey } from './builders'

/*
 * What the workstation keeps about SATUSEHAT (migration 0012): the ids the platform gave each visit's resources, the
 * poli Locations, the Patient IHS id per card and the Practitioner IHS id per clinician. Plain statements, each one
 * atomic on its own: the executor stores an id the moment it learns it, so a crash after the platform answered
 * loses nothing a later reconcile would have to find again.
 */

/** Whether visits are queued for SATUSEHAT: the `satusehat` settings row, read here so the clinic needs no settings store. */
function satusehatEnabled(db: DB): boolean {
  const row = prepared(db, `SELECT value FROM settings WHERE key = 'satusehat'`).get() as { value: string } | undefined
  if (!row) return false
  try {
    return (JSON.parse(row.value) as Partial<Settings['satusehat']>).enabled === true
  } catch {
    return false
  }
}

/** The outbox chain of a visit's SATUSEHAT jobs: its own, so SATUSEHAT's pace never holds PCare's or the ledger's. */
const chainOf = (noRawat: string): string => `satusehat:${noRawat}`

/**
 * Queues the visit for SATUSEHAT (`satusehat.visit`), when SATUSEHAT is enabled; call it inside the transaction that
 * saves the examination. The payload is the visit number only: the executor reads the record at send time, so a
 * correction made before the send goes out with it.
 */
export function queueSatusehatVisit(db: DB, noRawat: string, now: number): void {
  if (!satusehatEnabled(db)) return
  enqueue(db, { operation: 'satusehat.visit', chainKey: chainOf(noRawat), entityType: 'examination', entityId: noRawat, idempotencyKey: `satusehat.visit:${noRawat}`, payload: { noRawat } }, now)
}

/**
 * After a correction of a saved examination (clinic/corrections.ts): when the visit's SATUSEHAT send has already gone
 * out (or may have), one more `satusehat.visit` behind it, which PUTs every resource the platform holds (a correction
 * updates, never creates a second resource). Nothing is queued while the first send is still waiting: it reads the
 * corrected record when it goes. Returns whether a job was queued.
 */
export function queueSatusehatCorrection(db: DB, noRawat: string, correctionId: number, now: number): boolean {
  const rows = db.prepare(`SELECT status, needs_reconcile FROM outbox WHERE chain_key = ? AND status != 'cancelled'`).all(chainOf(noRawat)) as { status: string; needs_reconcile: number }[]
  const sentOrSending = rows.some((r) => r.status === 'done' || r.status === 'in_flight' || r.needs_reconcile === 1)
  if (!sentOrSending) return false
  enqueue(db, { operation: 'satusehat.visit', chainKey: chainOf(noRawat), entityType: 'examination', entityId: noRawat, idempotencyKey: `satusehat.visit:${noRawat}:K${correctionId}`, payload: { noRawat } }, now)
  return true
}

/** The server ids SATUSEHAT holds for a visit, keyed by `existingKey(type, identifier value)` (builders.ts). */
export function visitIds(db: DB, noRawat: string): Map<string, string> {
  const rows = db.prepare('SELECT resource_type, identifier_value, resource_id FROM satusehat_ids WHERE no_rawat = ?').all(noRawat) as { resource_type: string; identifier_value: string; resource_id: string }[]
  return new Map(rows.map((r) => [existingKey(r.resource_type, r.identifier_value), r.resource_id]))
}

/** Every resource the platform holds for a visit, as stored: type, business identifier value and server id. */
export function visitResources(db: DB, noRawat: string): { resourceType: string; value: string; id: string }[] {
  return db
    .prepare('SELECT resource_type AS resourceType, identifier_value AS value, resource_id AS id FROM satusehat_ids WHERE no_rawat = ? ORDER BY resource_type, identifier_value')
    .all(noRawat) as { resourceType: string; value: string; id: string }[]
}

/** One resource the platform holds for a visit: type, business identifier value, server id, and whether this send created it. */
export interface StoredId {
  resourceType: string
  value: string
  id: string
  created: boolean
  /** Found on the platform (a reconcile or a duplicate answer), not written by this send: no update is counted. */
  adopted?: boolean
}

/**
 * Records ids the platform answered (or a reconcile found). A known (type, value) keeps its first day and counts an
 * update when `created` is false and the row already existed; `now` is epoch ms, its local day the monitoring day.
 */
export function storeIds(db: DB, noRawat: string, ids: StoredId[], now: number): void {
  const day = localIsoDate(now)
  const upsert = db.prepare(
    `INSERT INTO satusehat_ids (resource_type, identifier_value, resource_id, no_rawat, created_day, updated_day, updates, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
     ON CONFLICT (resource_type, identifier_value) DO UPDATE SET resource_id = excluded.resource_id, updated_day = excluded.updated_day,
       updates = updates + ?, updated_at = excluded.updated_at`,
  )
  for (const r of ids) upsert.run(r.resourceType, r.value, r.id, noRawat, day, day, now, now, r.created || r.adopted ? 0 : 1)
}

/** Records ids found by a reconcile: they existed already, so no update is counted for them. */
export function adoptIds(db: DB, noRawat: string, ids: Omit<StoredId, 'created'>[], now: number): void {
  const day = localIsoDate(now)
  const insert = db.prepare(
    `INSERT INTO satusehat_ids (resource_type, identifier_value, resource_id, no_rawat, created_day, updated_day, updates, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (resource_type, identifier_value) DO UPDATE SET resource_id = excluded.resource_id`,
  )
  for (const r of ids) insert.run(r.resourceType, r.value, r.id, noRawat, day, day, now, now)
}

/** A poli's Location id, or null before setup or the first send mapped it. */
export function locationOf(db: DB, kdPoli: string): string | null {
  return (db.prepare('SELECT location_id FROM satusehat_locations WHERE kd_poli = ?').get(kdPoli) as { location_id: string } | undefined)?.location_id ?? null
}

export function storeLocation(db: DB, kdPoli: string, locationId: string, name: string, now: number): void {
  db.prepare(
    `INSERT INTO satusehat_locations (kd_poli, location_id, name, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (kd_poli) DO UPDATE SET location_id = excluded.location_id, name = excluded.name, updated_at = excluded.updated_at`,
  ).run(kdPoli, locationId, name, now)
}

/** The card holder's NIK and cached Patient IHS id (null when never found). */
export function patientOf(db: DB, noKartu: string): { nik: string | null; ihs: IhsRef | null } | null {
  const row = db.prepare('SELECT nik, ihs_patient_id, ihs_display FROM patients WHERE no_kartu = ?').get(noKartu) as { nik: string | null; ihs_patient_id: string | null; ihs_display: string | null } | undefined
  if (!row) return null
  return { nik: row.nik, ihs: row.ihs_patient_id ? { id: row.ihs_patient_id, display: row.ihs_display } : null }
}

export function storePatientIhs(db: DB, noKartu: string, ref: IhsRef, now: number): void {
  db.prepare('UPDATE patients SET ihs_patient_id = ?, ihs_display = ?, ihs_checked_at = ? WHERE no_kartu = ?').run(ref.id, ref.display, now, noKartu)
}

/** A clinician as the Practitioner lookup needs them. */
export interface ClinicianRow {
  username: string
  nik: string | null
  ihs: IhsRef | null
}

function clinician(r: { username: string; nik: string | null; ihs_practitioner_id: string | null; ihs_practitioner_display: string | null }): ClinicianRow {
  return { username: r.username, nik: r.nik, ihs: r.ihs_practitioner_id ? { id: r.ihs_practitioner_id, display: r.ihs_practitioner_display } : null }
}

/**
 * Who the visit's Practitioner is: the user linked to the examination's PCare doctor code, else the user who saved the
 * examination; the first of them with a cached IHS id or a NIK to look one up. Null when neither can be mapped.
 */
export function practitionerCandidate(db: DB, kdDokter: string, savedBy: string | null): ClinicianRow | null {
  const rows = db
    .prepare(
      `SELECT username, nik, ihs_practitioner_id, ihs_practitioner_display FROM users
        WHERE (kd_dokter = ? OR username = ?) AND (nik IS NOT NULL OR ihs_practitioner_id IS NOT NULL)
        ORDER BY (kd_dokter = ?) DESC, (ihs_practitioner_id IS NOT NULL) DESC, username`,
    )
    .all(kdDokter, savedBy ?? '', kdDokter) as Parameters<typeof clinician>[0][]
  return rows[0] ? clinician(rows[0]) : null
}

/** Clinicians and admins with a NIK, for the setup's Practitioner lookups. */
export function cliniciansWithNik(db: DB): ClinicianRow[] {
  const rows = db.prepare(`SELECT username, nik, ihs_practitioner_id, ihs_practitioner_display FROM users WHERE nik IS NOT NULL AND role != 'counter' ORDER BY username`).all() as Parameters<typeof clinician>[0][]
  return rows.map(clinician)
}

export function storePractitionerIhs(db: DB, username: string, ref: IhsRef | null): void {
  db.prepare('UPDATE users SET ihs_practitioner_id = ?, ihs_practitioner_display = ? WHERE username = ?').run(ref?.id ?? null, ref?.display ?? null, username)
}

/** Everything of a visit the builders need from SQLite, before the mappings are resolved. */
export interface VisitRecord {
  noRawat: string
  noKartu: string
  kdPoli: string
  nmPoli: string | null
  verification: string
  registeredAt: number
  calledAt: number | null
  examinedAt: number
  /** The username that saved the examination. */
  savedBy: string | null
  deleted: boolean
  input: ExaminationInput
}

/** The visit's registration and examination, or null when the visit has no examination. */
export function visitRecord(db: DB, noRawat: string): VisitRecord | null {
  const row = db
    .prepare(
      `SELECT r.no_rawat, r.no_kartu, r.kd_poli, r.nm_poli, r.verification, r.created_at AS registered_at, r.called_at,
              e.data, e.created_at AS examined_at, e.created_by, e.deleted_at
         FROM registrations r JOIN examinations e ON e.no_rawat = r.no_rawat WHERE r.no_rawat = ?`,
    )
    .get(noRawat) as
    | { no_rawat: string; no_kartu: string; kd_poli: string; nm_poli: string | null; verification: string; registered_at: number; called_at: number | null; data: string; examined_at: number; created_by: string | null; deleted_at: number | null }
    | undefined
  if (!row) return null
  return {
    noRawat: row.no_rawat,
    noKartu: row.no_kartu,
    kdPoli: row.kd_poli,
    nmPoli: row.nm_poli,
    verification: row.verification,
    registeredAt: row.registered_at,
    calledAt: row.called_at,
    examinedAt: row.examined_at,
    savedBy: row.created_by,
    deleted: row.deleted_at !== null,
    input: JSON.parse(row.data) as ExaminationInput,
  }
}

/** The KFA product mapped to each of these PCare obat codes (migration 0014); obat without one are absent. */
export function kfaFor(db: DB, kdObat: readonly string[]): Map<string, { code: string; display: string }> {
  if (!kdObat.length) return new Map()
  const rows = db.prepare(`SELECT kd_obat, kfa_code, display FROM satusehat_kfa WHERE kd_obat IN (${kdObat.map(() => '?').join(', ')})`).all(...kdObat) as { kd_obat: string; kfa_code: string; display: string }[]
  return new Map(rows.map((r) => [r.kd_obat, { code: r.kfa_code, display: r.display }]))
}

/** Every obat of the PCare list (and any mapped obat no longer in it) with its KFA mapping or null, by name. */
export function kfaMappings(db: DB): { kdObat: string; nmObat: string | null; kfaCode: string | null; display: string | null }[] {
  return db
    .prepare(
      `SELECT kd_obat AS kdObat, nmObat, kfaCode, display FROM (
         SELECT o.kd_obat, o.nm_obat AS nmObat, k.kfa_code AS kfaCode, k.display FROM ref_obat o LEFT JOIN satusehat_kfa k ON k.kd_obat = o.kd_obat
         UNION ALL
         SELECT k.kd_obat, NULL, k.kfa_code, k.display FROM satusehat_kfa k WHERE k.kd_obat NOT IN (SELECT kd_obat FROM ref_obat))
       ORDER BY nmObat IS NULL, nmObat, kdObat`,
    )
    .all() as { kdObat: string; nmObat: string | null; kfaCode: string | null; display: string | null }[]
}

/** Stores (null removes) the KFA product of a PCare obat; `by` is the admin's username, `now` epoch ms. */
export function storeKfa(db: DB, kdObat: string, product: { code: string; display: string } | null, by: string, now: number): void {
  if (!product) {
    db.prepare('DELETE FROM satusehat_kfa WHERE kd_obat = ?').run(kdObat)
    return
  }
  db.prepare(
    `INSERT INTO satusehat_kfa (kd_obat, kfa_code, display, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (kd_obat) DO UPDATE SET kfa_code = excluded.kfa_code, display = excluded.display, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  ).run(kdObat, product.code, product.display, by, now)
}

/** Users' NIK masked to its last 4 digits (the admin list shows which NIK, never the whole number) and cached IHS id. */
export function usersSatusehat(db: DB): { username: string; nikMasked: string | null; ihsPractitionerId: string | null }[] {
  const rows = db.prepare('SELECT username, nik, ihs_practitioner_id FROM users ORDER BY username').all() as { username: string; nik: string | null; ihs_practitioner_id: string | null }[]
  return rows.map((r) => ({ username: r.username, nikMasked: maskNik(r.nik), ihsPractitionerId: r.ihs_practitioner_id }))
}

/** `************1234`: a NIK as lists and logs may show it. */
export function maskNik(nik: string | null): string | null {
  return nik ? `${'*'.repeat(Math.max(nik.length - 4, 0))}${nik.slice(-4)}` : null
}

/** SATUSEHAT resources per type per day for monitoring, over the last `days` days (faskes days, newest first). */
export function satusehatPerDay(db: DB, sinceDay: string): { day: string; resourceType: string; created: number; updated: number }[] {
  return db
    .prepare(
      `SELECT day, resource_type AS resourceType, sum(created) AS created, sum(updated) AS updated FROM (
         SELECT created_day AS day, resource_type, 1 AS created, 0 AS updated FROM satusehat_ids WHERE created_day >= @since
         UNION ALL
         SELECT updated_day, resource_type, 0, 1 FROM satusehat_ids WHERE updates > 0 AND updated_day >= @since)
       GROUP BY day, resource_type ORDER BY day DESC, resource_type`,
    )
    .all({ since: sinceDay }) as { day: string; resourceType: string; created: number; updated: number }[]
}
