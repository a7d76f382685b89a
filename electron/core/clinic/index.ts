import { randomBytes } from 'node:crypto'
import type { ExaminationInput, RegistrationInput } from '../../contract'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { prepared } from '../db/statements'
import { AppError, fieldError, msg } from '../errors'
import { nonSpesialisCodes } from '../reference/store'
import { recordDiagnosaPicks } from '../reference/search'
import { assertVitalsForPoli } from './vitals'
import { KHUSUS_WITH_SUBSPESIALIS } from './rujukan'
import { antreanAddPayload, kunjunganBody, obatPayload, pendaftaranBody, tindakanPayload } from '../pcare/bodies'
import { enqueue, type NewJob } from '../sync/outbox'
import { canonicalJson, sha256Hex } from '../util/canonical'
import { localIsoDate } from './dates'
import { checkDokter } from './doctors'
import { checkClinicalData, tindakanWithValue } from './clinical'
import { medicalRecordNumber } from './records'
import { noRawatOffset } from './no-rawat'
import { queueSatusehatVisit } from '../satusehat/store'

export interface Actor {
  userId: string
}
interface FaskesIdentity {
  kdPPK: string | null
}

/** The ledger's visit id: unique across faskes because the local no_rawat is only unique on this workstation. */
function ledgerVisitId(kdPPK: string | null, noRawat: string): string {
  return `${kdPPK ?? 'LOCAL'}-${noRawat}`
}

/**
 * Registers a visit at the counter: the registration row and its PCare pendaftaran (and optional Antrean) intents
 * are written in one transaction. Nothing here waits for the network; the queue number arrives with the sync.
 * - penjamin 'umum': local only, no PCare or Antrean job (the counter's explicit choice, e.g. for an inactive card).
 * - a card never read from PCare is accepted only with `unverified` (PCare was unreachable): the visit is marked
 *   unverified and a `peserta.verify` job runs first in the visit's PCare chain, so the pendaftaran waits for it.
 * Errors: NOT_FOUND (card never checked), CONFLICT (inactive card as BPJS; already registered at this poli today).
 *
 * `merge` (a hub applying a visit a desk started while the hub was away, core/hub/apply.ts): a visit already active for
 * the same card, poli and day is answered (`merged: true`) instead of CONFLICT, and nothing is written or queued, so
 * the counter's registration and the poli's offline start become one visit with one PCare pendaftaran and one ledger
 * visit. Staff registering live keep the CONFLICT: they see the visit in the list and need no second one.
 */
export function registerVisit(db: DB, faskes: FaskesIdentity, input: RegistrationInput, actor: Actor, now = Date.now(), merge = false): { noRawat: string; tglDaftar: string; merged?: true } {
  return writeTx(db, () => {
    // The save path's statements are compiled once per connection (prepared): compiling cost more than running them.
    const patient = prepared(db, 'SELECT no_kartu, nik, kd_provider, aktif, ket_aktif FROM patients WHERE no_kartu = ?').get(input.noKartu) as
      | { no_kartu: string; nik: string | null; kd_provider: string | null; aktif: number | null; ket_aktif: string | null }
      | undefined
    const bpjs = input.penjamin === 'bpjs'
    if (!patient && !(bpjs && input.unverified)) {
      throw new AppError('NOT_FOUND', msg('reg.checkFirst'), [fieldError('noKartu', msg('reg.notChecked'))])
    }
    if (input.vitals) assertVitalsForPoli(input.vitals, input.kdPoli, input.nmPoli ?? null, false)
    const tgl = localIsoDate(now)
    if (input.kdDokter) checkDokter(db, input.kdPoli, tgl, input.kdDokter)
    const dup = prepared(db, `SELECT no_rawat FROM registrations WHERE no_kartu = ? AND tgl_daftar = ? AND kd_poli = ? AND status != 'cancelled' AND verification != 'rejected'`)
      .get(input.noKartu, tgl, input.kdPoli) as { no_rawat: string } | undefined
    if (dup && merge) return { noRawat: dup.no_rawat, tglDaftar: tgl, merged: true }
    if (dup) throw new AppError('CONFLICT', msg('reg.duplicate', { noRawat: dup.no_rawat }))
    if (bpjs && patient?.aktif === 0) {
      throw new AppError('CONFLICT', msg('reg.inactive', { ketAktif: patient.ket_aktif ?? '-' }), [fieldError('penjamin', msg('reg.chooseUmum'))])
    }
    const verification = patient ? 'verified' : 'unverified'

    // no_rawat: date + running number of the day, the form the counters already know from SIMRS; raised on the days a
    // restored hub's copy may not know of (no-rawat.ts), so no number the old hub sent is given again.
    const { n } = prepared(db, 'SELECT count(*) + 1 AS n FROM registrations WHERE tgl_daftar = ?').get(tgl) as { n: number }
    const noRawat = `${tgl.replaceAll('-', '')}-${String(n + noRawatOffset(db, tgl)).padStart(4, '0')}`
    prepared(
      db,
      `INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, nm_poli, kd_dokter, kunj_sakit, kd_tkp, keluhan, antrean,
         penjamin, verification, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(noRawat, input.noKartu, tgl, input.kdPoli, input.nmPoli ?? null, input.kdDokter ?? null, input.kunjSakit ? 1 : 0,
      input.kdTkp, input.keluhan, bpjs && input.antrean ? 1 : 0, input.penjamin, verification, actor.userId, now, now)
    // Every patient registered here has a medical record number from the first visit on (umum ones too).
    medicalRecordNumber(db, input.noKartu, now)
    if (!bpjs) return { noRawat, tglDaftar: tgl }

    const facts = { noKartu: input.noKartu, tglDaftar: tgl, kdPoli: input.kdPoli }
    if (!patient) {
      enqueue(db, {
        operation: 'peserta.verify',
        chainKey: `pcare:${noRawat}`,
        entityType: 'registration',
        entityId: noRawat,
        payload: { noKartu: input.noKartu },
      }, now)
    }

    enqueue(db, {
      operation: 'pendaftaran.add',
      chainKey: `pcare:${noRawat}`,
      entityType: 'registration',
      entityId: noRawat,
      // Unverified: this faskes until the verify job has read the card's own provider (the executor uses that then).
      payload: pendaftaranBody(input, facts, patient?.kd_provider ?? faskesOrThrow(faskes)),
    }, now)
    if (input.antrean) {
      enqueue(db, {
        operation: 'antrean.add',
        chainKey: `antrean:${noRawat}`,
        entityType: 'registration',
        entityId: noRawat,
        payload: antreanAddPayload(input, facts, patient?.nik ?? null),
      }, now)
    }
    return { noRawat, tglDaftar: tgl }
  })
}

function faskesOrThrow(f: FaskesIdentity): string {
  if (!f.kdPPK) throw new AppError('INVALID_INPUT', msg('reg.kdPPKUnset'), [fieldError('kdPPK', msg('v.required'))])
  return f.kdPPK
}

/** Status pulang 4 is "Rujuk Vertikal": PCare reads rujukLanjut with it, so one without the other is a half referral. */
const RUJUK_VERTIKAL = '4'

/**
 * The referral rules PCare applies when the kunjungan arrives, checked at save so the clinician fixes them now
 * rather than an admin later: status pulang and referral agree, and a diagnosis PCare marks as treatable at the
 * FKTP (nonSpesialis, from the cached diagnosa list) is referred only with a TACC reason.
 */
export function checkReferral(db: DB, input: ExaminationInput): void {
  if (input.rujukan && input.kdStatusPulang !== RUJUK_VERTIKAL) {
    throw new AppError('INVALID_INPUT', msg('exam.rujukStatus'), [fieldError('kdStatusPulang', msg('exam.rujukStatusField'))])
  }
  if (!input.rujukan && input.kdStatusPulang === RUJUK_VERTIKAL) {
    throw new AppError('INVALID_INPUT', msg('exam.rujukNeeded'), [fieldError('rujukan.kdppk', msg('exam.rujukPickFaskes'))])
  }
  const r = input.rujukan
  if (r?.kdKhusus && !r.catatan) {
    throw new AppError('INVALID_INPUT', msg('rujuk.khususNote'), [fieldError('rujukan.catatan', msg('v.required'))])
  }
  if (r?.kdKhusus && KHUSUS_WITH_SUBSPESIALIS.includes(r.kdKhusus) && !r.kdSubSpesialis) {
    throw new AppError('INVALID_INPUT', msg('rujuk.khususSub', { kdKhusus: r.kdKhusus }), [fieldError('rujukan.kdSubSpesialis', msg('v.required'))])
  }
  // TACC explains referring what the FKTP should treat itself; a khusus referral is for a service it cannot give.
  if (r && !r.kdKhusus && !r.tacc) {
    const codes = nonSpesialisCodes(db, input.diagnoses.map((d) => d.kdDiag))
    if (codes.length) {
      throw new AppError('INVALID_INPUT', msg('rujuk.tacc', { codes: codes.join(', ') }), [fieldError('rujukan.tacc', msg('rujuk.taccField'))])
    }
  }
}

/** The clinical detail the ledger keeps in the private collection (Visit:Record's transient `detail`). */
export function visitDetail(input: ExaminationInput) {
  return { diagnoses: input.diagnoses, vitals: input.vitals, kdSadar: input.kdSadar, terapiObat: input.terapiObat, terapiNonObat: input.terapiNonObat, tindakan: input.tindakan, obat: input.obat }
}

/** A salt for a private value whose sha256 is public: 16 random bytes as 32 lowercase hex digits. */
function randomSalt(): string {
  return randomBytes(16).toString('hex')
}

/**
 * The bytes of a private ledger detail (a transient `detail` kept in a private collection) and the sha256 hex the
 * public intent carries: canonical JSON of `fields` plus a `salt` of 16 random bytes (32 hex digits). Every private
 * detail is salted because its hash is public twice over: in our intent's `detailHash`, and in the block itself, where
 * Fabric writes the plain SHA-256 of every private value it stores (the hashed read-write set). Unsalted, a detail of
 * few likely values (a common diagnosis with normal vitals, a stock reason) could be found by hashing guesses
 * (Fabric's private data docs advise the same). Computed once, at enqueue: a resend sends the same bytes, so it stays
 * idempotent. `salt` is for tests that need fixed bytes.
 */
export function privateDetail(fields: Record<string, unknown>, salt: () => string = randomSalt): { detail: string; detailHash: string } {
  const detail = canonicalJson({ ...fields, salt: salt() })
  return { detail, detailHash: sha256Hex(detail) }
}

/**
 * Saves the clinician's examination locally and queues, in order: PCare kunjungan then its tindakan and obat;
 * on the ledger the visit (salted clinical detail goes to the private collection via transient data), the referral (reason
 * and doctor as salted transient detail, chaincode/README.md#trust-model) and the claim. One transaction: the save is
 * instant and either all of it is queued or none. `salt` makes the private details' salts (tests pass a fixed one).
 */
export function recordExamination(db: DB, faskes: FaskesIdentity, input: ExaminationInput, actor: Actor, now = Date.now(), salt: () => string = randomSalt) {
  return writeTx(db, () => {
    const reg = prepared(db, 'SELECT * FROM registrations WHERE no_rawat = ?').get(input.noRawat) as
      | { no_rawat: string; no_kartu: string; tgl_daftar: string; kd_poli: string; nm_poli: string | null; kd_tkp: string; status: string; penjamin: string; verification: string; verification_note: string | null }
      | undefined
    if (!reg) throw new AppError('NOT_FOUND', msg('exam.regNotFound', { noRawat: input.noRawat }))
    if (reg.status === 'cancelled') throw new AppError('CONFLICT', msg('exam.regCancelled'))
    // PCare refused the card when it was checked again: this visit is nobody's to bill until the counter registers
    // the patient anew (as umum, or with the right card), so the clinician is stopped with the reason.
    if (reg.verification === 'rejected') {
      throw new AppError('CONFLICT', reg.verification_note ? msg('exam.regRejected', { reason: reg.verification_note }) : msg('exam.regRejectedUnknown'))
    }
    if (prepared(db, 'SELECT 1 FROM examinations WHERE no_rawat = ?').get(input.noRawat)) {
      throw new AppError('CONFLICT', msg('exam.alreadySaved'))
    }
    assertVitalsForPoli(input.vitals, reg.kd_poli, reg.nm_poli)
    checkReferral(db, input)
    checkDokter(db, reg.kd_poli, reg.tgl_daftar, input.kdDokter)
    const withValue = tindakanWithValue(db, input.tindakan, reg.kd_tkp)
    checkClinicalData(db, input, reg.kd_poli, withValue)
    // A BPJS claim belongs to a BPJS visit: a self-paying patient, or a card PCare refused, is not BPJS's to pay.
    if (input.claimAmount && (reg.penjamin !== 'bpjs' || reg.verification === 'rejected')) {
      throw new AppError('INVALID_INPUT', msg('exam.claimNotBpjs'), [fieldError('claimAmount', msg('exam.claimNotBpjsField'))])
    }
    const visitId = ledgerVisitId(faskes.kdPPK, reg.no_rawat)
    const referralId = input.rujukan ? `${visitId}-R1` : null
    const claimId = input.claimAmount ? `${visitId}-C1` : null
    prepared(
      db,
      `INSERT INTO examinations (no_rawat, data, ledger_visit_id, referral_id, referral_status, claim_id, claim_status, created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(reg.no_rawat, JSON.stringify(input), visitId, referralId, referralId ? 'pending' : null, claimId, claimId ? 'pending' : null,
      actor.userId, now, now)
    prepared(db, `UPDATE registrations SET status = 'examined', updated_at = ? WHERE no_rawat = ?`).run(now, reg.no_rawat)
    recordDiagnosaPicks(db, actor.userId, input.diagnoses.map((d) => d.kdDiag), now)

    const pcareChain = `pcare:${reg.no_rawat}`
    const facts = { noKartu: reg.no_kartu, tglDaftar: reg.tgl_daftar, kdPoli: reg.kd_poli }
    const base = { chainKey: pcareChain, entityType: 'examination', entityId: reg.no_rawat } as const
    // PCare hears of a visit only through its pendaftaran: none for a self-paying (umum) visit or a card PCare refused.
    const pcareJob = (job: NewJob, at: number) => {
      if (reg.penjamin === 'bpjs' && reg.verification !== 'rejected') enqueue(db, job, at)
    }
    pcareJob({ ...base, operation: 'kunjungan.add', payload: kunjunganBody(facts, input) }, now)
    input.tindakan.forEach((t, i) =>
      pcareJob({ ...base, operation: 'tindakan.add', idempotencyKey: `tindakan.add:${reg.no_rawat}:${i + 1}`, payload: tindakanPayload(t, withValue[i]!) }, now),
    )
    input.obat.forEach((o, i) =>
      pcareJob({ ...base, operation: 'obat.add', idempotencyKey: `obat.add:${reg.no_rawat}:${i + 1}`, payload: obatPayload(o) }, now),
    )

    const ledgerChain = `ledger:${reg.no_rawat}`
    const clinical = privateDetail(visitDetail(input), salt)
    enqueue(db, {
      operation: 'Visit:Record',
      chainKey: ledgerChain,
      entityType: 'visit',
      entityId: visitId,
      payload: {
        intent: { visitId, noKartu: reg.no_kartu, kdPPK: faskes.kdPPK ?? 'LOCAL', tglKunjungan: reg.tgl_daftar, detailHash: clinical.detailHash },
        transient: { detail: clinical.detail },
      },
    }, now)
    if (input.rujukan && referralId) {
      const r = input.rujukan
      const referral = privateDetail({ reason: r.alasan, doctor: r.dokter }, salt)
      enqueue(db, {
        operation: 'Referral:Create',
        chainKey: ledgerChain,
        entityType: 'referral',
        entityId: referralId,
        payload: {
          intent: { referralId, noKartu: reg.no_kartu, visitId, fromPPK: faskes.kdPPK ?? 'LOCAL', toPPK: r.kdppk, detailHash: referral.detailHash },
          transient: { detail: referral.detail },
        },
      }, now)
    }
    if (input.claimAmount && claimId) {
      enqueue(db, {
        operation: 'Claim:Submit',
        chainKey: ledgerChain,
        entityType: 'claim',
        entityId: claimId,
        payload: { intent: { claimId, visitId, noKartu: reg.no_kartu, amount: input.claimAmount, kdPPK: faskes.kdPPK ?? 'LOCAL' } },
      }, now)
    }
    // SATUSEHAT (every visit, whoever pays), on its own chain; only while enabled in Pengaturan.
    queueSatusehatVisit(db, reg.no_rawat, now)
    return { noRawat: reg.no_rawat, visitId, referralId, claimId }
  })
}
