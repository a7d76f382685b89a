import { ExaminationInput, type CorrectionRow } from '../../contract'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { AppError, fieldError, msg } from '../errors'
import { antreanBatalBody, kunjunganBody, registrationRef, type RegistrationFacts } from '../pcare/bodies'
import { chainJobs, enqueue, replaceUnsentPayload, withdrawJobs, type ChainJob } from '../sync/outbox'
import { canonicalJson } from '../util/canonical'
import { checkDokter } from './doctors'
import { checkReferral, privateDetail, visitDetail, type Actor } from './index'
import { assertVitalsForPoli } from './vitals'
import { queueSatusehatCorrection } from '../satusehat/store'

/*
 * Corrections of a visit: cancel its registration, edit its examination, delete its kunjungan. Each is a row of its own
 * in `corrections` (who, when, a required reason, what the record held before), written in one transaction with what
 * it changes locally and in the outbox. Remotely:
 * - what has not reached the remote yet is not sent at all (its queued jobs are withdrawn, or for an edit given the
 *   corrected data), so PCare never sees an add followed by its own undo;
 * - what may have reached it is undone or changed by a correction job queued behind it on the same chain, so it runs
 *   only after the original is done (or reconciled), and is reconciled like every other job.
 * On the ledger a correction of a recorded visit is an entry of its own (Visit:Correct, chaincode/README.md); the
 * Visit record is never overwritten.
 */

interface RegRow {
  no_rawat: string
  no_kartu: string
  tgl_daftar: string
  kd_poli: string
  nm_poli: string | null
  status: 'registered' | 'examined' | 'cancelled'
}
interface ExamRow {
  data: string
  ledger_visit_id: string
  no_kunjungan: string | null
  deleted_at: number | null
}

/** What a correction did: its row id, and whether anything goes out for it. */
export interface CorrectionResult {
  id: number
  effect: 'withdrawn' | 'queued'
}

function registration(db: DB, noRawat: string): RegRow {
  const r = db.prepare('SELECT no_rawat, no_kartu, tgl_daftar, kd_poli, nm_poli, status FROM registrations WHERE no_rawat = ?').get(noRawat) as RegRow | undefined
  if (!r) throw new AppError('NOT_FOUND', msg('corr.regNotFound', { noRawat }))
  if (r.status === 'cancelled') throw new AppError('CONFLICT', msg('corr.alreadyCancelled', { noRawat }))
  return r
}

/** The visit's examination, still its record (not deleted). */
function liveExamination(db: DB, noRawat: string): ExamRow {
  const e = db.prepare('SELECT data, ledger_visit_id, no_kunjungan, deleted_at FROM examinations WHERE no_rawat = ?').get(noRawat) as ExamRow | undefined
  if (!e) throw new AppError('CONFLICT', msg('corr.notExamined', { noRawat }))
  if (e.deleted_at !== null) throw new AppError('CONFLICT', msg('corr.examDeleted', { noRawat }))
  return e
}

/**
 * A saved examination's input. One saved before the form asked for allergies and prognosis was sent to PCare with the
 * fixed '00' (none) and '01' that kunjunganBody used then, so it reopens with those.
 */
function storedInput(data: string): ExaminationInput {
  return ExaminationInput.parse({ alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01', ...(JSON.parse(data) as object) })
}

const factsOf = (r: RegRow): RegistrationFacts => ({ noKartu: r.no_kartu, tglDaftar: r.tgl_daftar, kdPoli: r.kd_poli })

function insertCorrection(db: DB, noRawat: string, kind: CorrectionRow['kind'], reason: string, previous: string | null, actor: Actor, now: number): number {
  // effect is settled once the outbox has been looked at; 'withdrawn' until a job is queued.
  const info = db
    .prepare(`INSERT INTO corrections (no_rawat, kind, reason, effect, previous, created_by, created_at) VALUES (?, ?, ?, 'withdrawn', ?, ?, ?)`)
    .run(noRawat, kind, reason.trim(), previous, actor.userId, now)
  return Number(info.lastInsertRowid)
}

function settle(db: DB, id: number, queued: boolean, ledgerCorrectionId: string | null = null): CorrectionResult {
  const effect = queued ? 'queued' : 'withdrawn'
  db.prepare('UPDATE corrections SET effect = ?, ledger_correction_id = ? WHERE id = ?').run(effect, ledgerCorrectionId, id)
  return { id, effect }
}

/** The first live job of `operation` on a chain, if the visit has one (none for a self-paying visit, for example). */
const jobOf = (jobs: ChainJob[], operation: string) => jobs.find((j) => j.operation === operation)

/**
 * The counter cancels a registration (with a reason). PCare: an unsent pendaftaran is withdrawn with everything
 * behind it; a sent one gets `pendaftaran.delete` behind it. Antrean likewise: an unsent add is withdrawn, a sent one
 * gets `antrean.batal` (with the reason as `alasan`) on the same antrean chain. An examined visit is cancelled only
 * once its kunjungan was deleted (PCare refuses to delete a pendaftaran that has one). No ledger entry: the ledger
 * records visits from their examination. Errors: NOT_FOUND, CONFLICT (already cancelled, examined).
 */
export function cancelRegistration(db: DB, noRawat: string, reason: string, actor: Actor, now = Date.now()): CorrectionResult {
  return writeTx(db, () => {
    const reg = registration(db, noRawat)
    if (reg.status === 'examined') {
      const e = db.prepare('SELECT deleted_at FROM examinations WHERE no_rawat = ?').get(noRawat) as { deleted_at: number | null } | undefined
      if (e && e.deleted_at === null) throw new AppError('CONFLICT', msg('corr.cancelExamined', { noRawat }))
    }
    const id = insertCorrection(db, noRawat, 'cancel_registration', reason, null, actor, now)
    const detail = `correction ${id}`
    let queued = false

    const pcare = chainJobs(db, `pcare:${noRawat}`, now)
    const add = jobOf(pcare, 'pendaftaran.add')
    if (add?.unsent) withdrawJobs(db, pcare.filter((j) => j.unsent).map((j) => j.id), detail, now)
    else if (add) {
      enqueue(db, { operation: 'pendaftaran.delete', chainKey: `pcare:${noRawat}`, entityType: 'registration', entityId: noRawat, payload: registrationRef(factsOf(reg)) }, now)
      queued = true
    }

    const antrean = chainJobs(db, `antrean:${noRawat}`, now)
    const antreanAdd = jobOf(antrean, 'antrean.add')
    // A hadir / tidak hadir not sent yet says nothing once the queue entry is cancelled.
    const waiting = antreanAdd?.unsent ? antrean.filter((j) => j.unsent) : antrean.filter((j) => j.unsent && j.operation === 'antrean.panggil')
    withdrawJobs(db, waiting.map((j) => j.id), detail, now)
    if (antreanAdd && !antreanAdd.unsent) {
      enqueue(db, { operation: 'antrean.batal', chainKey: `antrean:${noRawat}`, entityType: 'registration', entityId: noRawat, payload: antreanBatalBody(factsOf(reg), reason.trim()) }, now)
      queued = true
    }

    db.prepare(`UPDATE registrations SET status = 'cancelled', updated_at = ? WHERE no_rawat = ?`).run(now, noRawat)
    return settle(db, id, queued)
  })
}

/** What a correction of the examination may not change: each has remote records of its own (tindakan, obat, referral, claim). */
const FIXED_ON_EDIT = ['tindakan', 'obat', 'rujukan', 'claimAmount'] as const

/** The ledger's id of a correction: the visit id and the local correction number, unique across faskes. */
const ledgerCorrectionId = (visitId: string, id: number) => `${visitId}-K${id}`

/** Visit:Correct's private detail (salted, privateDetail): what was corrected, why and by whom (a username, no patient data). */
function correctionDetail(kind: 'EDIT' | 'DELETE', reason: string, actor: Actor, detail: object | null): { detail: string; detailHash: string } {
  return privateDetail({ kind, reason: reason.trim(), by: actor.userId, ...(detail ? { detail } : {}) })
}

/**
 * The clinician corrects a saved examination (with a reason): the vital signs, diagnoses, therapy, doctor, status
 * pulang and the other kunjungan fields. Tindakan, obat, referral and claim stay as saved (INVALID_INPUT naming each
 * changed one). The local record takes the new data and the correction row keeps the old. PCare: an unsent
 * `kunjungan.add` is given the corrected body; a sent one gets `kunjungan.edit` (PUT kunjungan/V1 with its
 * noKunjungan) behind it. Ledger: an unsent Visit:Record is given the corrected detail; a sent one gets Visit:Correct
 * kind EDIT. Errors: NOT_FOUND, CONFLICT (cancelled, not examined, deleted), INVALID_INPUT (as on save; nothing
 * changed).
 */
export function editExamination(db: DB, input: ExaminationInput, reason: string, actor: Actor, now = Date.now()): CorrectionResult {
  return writeTx(db, () => {
    const reg = registration(db, input.noRawat)
    const exam = liveExamination(db, input.noRawat)
    const before = storedInput(exam.data)
    const changed = FIXED_ON_EDIT.filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(input[k] ?? null))
    if (changed.length) throw new AppError('INVALID_INPUT', msg('corr.editFixed'), changed.map((k) => fieldError(k, msg('corr.editFixedField'))))
    if (canonicalJson(before) === canonicalJson(input)) throw new AppError('INVALID_INPUT', msg('corr.noChange'))
    assertVitalsForPoli(input.vitals, reg.kd_poli, reg.nm_poli)
    checkReferral(db, input)
    checkDokter(db, reg.kd_poli, reg.tgl_daftar, input.kdDokter)

    const id = insertCorrection(db, reg.no_rawat, 'edit_examination', reason, exam.data, actor, now)
    db.prepare('UPDATE examinations SET data = ?, updated_at = ? WHERE no_rawat = ?').run(JSON.stringify(input), now, reg.no_rawat)
    let queued = false

    const pcareChain = `pcare:${reg.no_rawat}`
    const kunjungan = jobOf(chainJobs(db, pcareChain, now), 'kunjungan.add')
    const body = kunjunganBody(factsOf(reg), input)
    if (kunjungan?.unsent) replaceUnsentPayload(db, kunjungan.id, 'kunjungan.add', body, now)
    else if (kunjungan) {
      enqueue(db, { operation: 'kunjungan.edit', chainKey: pcareChain, entityType: 'examination', entityId: reg.no_rawat, idempotencyKey: `kunjungan.edit:${reg.no_rawat}:${id}`, payload: body }, now)
      queued = true
    }

    const ledgerChain = `ledger:${reg.no_rawat}`
    const visitId = exam.ledger_visit_id
    const record = chainJobs(db, ledgerChain, now).find((j) => j.operation === 'Visit:Record' && j.entityId === visitId)
    const detail = visitDetail(input)
    let correctionId: string | null = null
    if (record?.unsent) {
      // The intent as queued at save (its kdPPK then), with the corrected detail (salted afresh: nothing was sent) and its hash.
      const queuedIntent = (record.payload as { intent: { kdPPK: string } }).intent
      const clinical = privateDetail(detail)
      replaceUnsentPayload(db, record.id, 'Visit:Record', {
        intent: { visitId, noKartu: reg.no_kartu, kdPPK: queuedIntent.kdPPK, tglKunjungan: reg.tgl_daftar, detailHash: clinical.detailHash },
        transient: { detail: clinical.detail },
      }, now)
    } else if (record) {
      correctionId = ledgerCorrectionId(visitId, id)
      const text = correctionDetail('EDIT', reason, actor, detail)
      enqueue(db, { operation: 'Visit:Correct', chainKey: ledgerChain, entityType: 'correction', entityId: correctionId, payload: { intent: { correctionId, visitId, kind: 'EDIT', detailHash: text.detailHash }, transient: { detail: text.detail } } }, now)
      queued = true
    }
    // SATUSEHAT: a visit already sent gets its resources PUT again with the corrected record (never second ones).
    if (queueSatusehatCorrection(db, reg.no_rawat, id, now)) queued = true
    return settle(db, id, queued, correctionId)
  })
}

/**
 * The clinician or admin deletes a visit's kunjungan (with a reason), e.g. recorded on the wrong patient. Locally the
 * examination stays, marked deleted, and the correction row keeps its data. PCare: an unsent `kunjungan.add` is
 * withdrawn with its tindakan, obat and edits; a sent one gets `kunjungan.delete` behind it (tindakan and obat not
 * sent yet are withdrawn: PCare drops a kunjungan's items with it). Ledger: an unsent Visit:Record is withdrawn with
 * its referral and claim; a recorded visit gets Visit:Correct kind DELETE (its referral and claim not sent yet are
 * withdrawn; one already on the ledger stays). SATUSEHAT: a sent visit is withdrawn (satusehat-executor.ts). The
 * registration can then be cancelled.
 * Errors: NOT_FOUND, CONFLICT (cancelled, not examined, already deleted).
 */
export function deleteKunjungan(db: DB, noRawat: string, reason: string, actor: Actor, now = Date.now()): CorrectionResult {
  return writeTx(db, () => {
    const reg = registration(db, noRawat)
    const exam = liveExamination(db, noRawat)
    const id = insertCorrection(db, noRawat, 'delete_kunjungan', reason, exam.data, actor, now)
    const detail = `correction ${id}`
    db.prepare('UPDATE examinations SET deleted_at = ?, updated_at = ? WHERE no_rawat = ?').run(now, now, noRawat)
    let queued = false

    const pcare = chainJobs(db, `pcare:${noRawat}`, now)
    const kunjungan = jobOf(pcare, 'kunjungan.add')
    const items = pcare.filter((j) => j.unsent && ['kunjungan.add', 'kunjungan.edit', 'tindakan.add', 'obat.add'].includes(j.operation))
    withdrawJobs(db, items.map((j) => j.id), detail, now)
    if (kunjungan && !kunjungan.unsent) {
      enqueue(db, { operation: 'kunjungan.delete', chainKey: `pcare:${noRawat}`, entityType: 'examination', entityId: noRawat, payload: registrationRef(factsOf(reg)) }, now)
      queued = true
    }

    const ledger = chainJobs(db, `ledger:${noRawat}`, now)
    const visitId = exam.ledger_visit_id
    const record = ledger.find((j) => j.operation === 'Visit:Record' && j.entityId === visitId)
    withdrawJobs(db, ledger.filter((j) => j.unsent && ['Visit:Record', 'Referral:Create', 'Claim:Submit', 'Visit:Correct'].includes(j.operation)).map((j) => j.id), detail, now)
    let correctionId: string | null = null
    if (record && !record.unsent) {
      correctionId = ledgerCorrectionId(visitId, id)
      const text = correctionDetail('DELETE', reason, actor, null)
      enqueue(db, { operation: 'Visit:Correct', chainKey: `ledger:${noRawat}`, entityType: 'correction', entityId: correctionId, payload: { intent: { correctionId, visitId, kind: 'DELETE', detailHash: text.detailHash }, transient: { detail: text.detail } } }, now)
      queued = true
    }
    // SATUSEHAT: a visit already sent (or maybe sent) gets one more job behind it, which withdraws what the platform
    // holds (Encounter and its resources entered-in-error); an unsent one finds the examination deleted and sends nothing.
    if (queueSatusehatCorrection(db, noRawat, id, now)) queued = true
    return settle(db, id, queued, correctionId)
  })
}

/** A visit's corrections, oldest first. */
export function correctionHistory(db: DB, noRawat: string): CorrectionRow[] {
  const rows = db
    .prepare('SELECT id, no_rawat, kind, reason, effect, created_by, created_at FROM corrections WHERE no_rawat = ? ORDER BY created_at, id')
    .all(noRawat) as { id: number; no_rawat: string; kind: CorrectionRow['kind']; reason: string; effect: CorrectionRow['effect']; created_by: string; created_at: number }[]
  return rows.map((r) => ({ id: r.id, noRawat: r.no_rawat, kind: r.kind, reason: r.reason, effect: r.effect, createdBy: r.created_by, createdAt: r.created_at }))
}

/**
 * A saved examination as the form reopens it for a correction: the input as last saved, PCare's noKunjungan (null
 * while the kunjungan has not been sent), when it was deleted, and the visit's corrections. NOT_FOUND / CONFLICT as above.
 */
export function examinationForEdit(db: DB, noRawat: string) {
  const e = db.prepare('SELECT data, no_kunjungan, deleted_at FROM examinations WHERE no_rawat = ?').get(noRawat) as Omit<ExamRow, 'ledger_visit_id'> | undefined
  if (!e) throw new AppError('NOT_FOUND', msg('corr.notExamined', { noRawat }))
  const { version } = db.prepare('SELECT version FROM registrations WHERE no_rawat = ?').get(noRawat) as { version: number }
  return { input: storedInput(e.data), noKunjungan: e.no_kunjungan, deletedAt: e.deleted_at, corrections: correctionHistory(db, noRawat), version }
}
