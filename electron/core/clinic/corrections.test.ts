import { describe, expect, it } from 'vitest'
import type { ExaminationInput } from '../../contract'
import { sha256Hex } from '../util/canonical'
import { cancelRegistration, correctionHistory, deleteKunjungan, editExamination, examinationForEdit } from './corrections'
import { recordExamination, registerVisit } from './index'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { useClinicDb } from '../../../test/helpers/clinic-db'

const db = useClinicDb()
const faskes = { kdPPK: '0199B001' }
const counter = { userId: 'petugas1' }
const dokter = { userId: 'dokter1' }
const now = new Date(2026, 10, 23, 9, 30).getTime()

interface JobRow {
  id: number
  operation: string
  chain_key: string
  seq: number
  status: string
  last_error_code: string | null
  payload: string
}
const jobs = (chain: string) =>
  db().prepare('SELECT id, operation, chain_key, seq, status, last_error_code, payload FROM outbox WHERE chain_key = ? ORDER BY seq').all(chain) as JobRow[]
const ops = (chain: string) => jobs(chain).map((j) => `${j.operation}:${j.status}`)
const payloadOf = (chain: string, operation: string) => JSON.parse(jobs(chain).find((j) => j.operation === operation)!.payload)

/** What the sync workers would have recorded after PCare (and the ledger) took these operations. */
function sent(chain: string, operations: string[]) {
  db().prepare(`UPDATE outbox SET status = 'done', done_at = ? WHERE chain_key = ? AND operation IN (${operations.map(() => '?').join(',')})`).run(now, chain, ...operations)
}

const registered = (antrean = true) => registerVisit(db(), faskes, registrationInput('0009999000001', { antrean }), counter, now).noRawat

function examined(over: Partial<ExaminationInput> = {}) {
  const noRawat = registered()
  const input = examinationInput(noRawat, { tindakan: [{ kdTindakan: 'T01', biaya: 10000 }], claimAmount: 150000, ...over })
  recordExamination(db(), faskes, input, dokter, now)
  return { noRawat, input }
}

describe('cancelRegistration', () => {
  it('before anything was sent: withdraws the pendaftaran and antrean jobs, queues no undo, keeps who/when/why', () => {
    const noRawat = registered()
    const r = cancelRegistration(db(), noRawat, 'salah poli', counter, now + 1000)
    expect(r.effect).toBe('withdrawn')
    expect(ops(`pcare:${noRawat}`)).toEqual(['pendaftaran.add:cancelled'])
    expect(ops(`antrean:${noRawat}`)).toEqual(['antrean.add:cancelled'])
    expect(jobs(`pcare:${noRawat}`)[0].last_error_code).toBe('WITHDRAWN')
    expect(db().prepare('SELECT status FROM registrations WHERE no_rawat = ?').get(noRawat)).toEqual({ status: 'cancelled' })
    expect(correctionHistory(db(), noRawat)).toEqual([
      { id: r.id, noRawat, kind: 'cancel_registration', reason: 'salah poli', effect: 'withdrawn', createdBy: 'petugas1', createdAt: now + 1000 },
    ])
  })

  it('after the pendaftaran and antrean add were sent: DELETE pendaftaran and antrean/batal follow them on their chains', () => {
    const noRawat = registered()
    sent(`pcare:${noRawat}`, ['pendaftaran.add'])
    sent(`antrean:${noRawat}`, ['antrean.add'])
    const r = cancelRegistration(db(), noRawat, '  pasien pulang  ', counter, now)
    expect(r.effect).toBe('queued')
    expect(jobs(`pcare:${noRawat}`).map((j) => [j.operation, j.seq, j.status])).toEqual([
      ['pendaftaran.add', 1, 'done'],
      ['pendaftaran.delete', 2, 'pending'],
    ])
    expect(payloadOf(`pcare:${noRawat}`, 'pendaftaran.delete')).toEqual({ noKartu: '0009999000001', tglDaftar: '23-11-2026', kdPoli: '001' })
    expect(jobs(`antrean:${noRawat}`).map((j) => [j.operation, j.seq])).toEqual([['antrean.add', 1], ['antrean.batal', 2]])
    expect(payloadOf(`antrean:${noRawat}`, 'antrean.batal')).toEqual({ tanggalperiksa: '2026-11-23', kodepoli: '001', nomorkartu: '0009999000001', alasan: 'pasien pulang' })
  })

  it('a pendaftaran a worker may be sending (chain locked, or ambiguous) is undone after it, never withdrawn', () => {
    const a = registered(false)
    db().prepare('INSERT INTO chain_locks (chain_key, owner, expires_at) VALUES (?, ?, ?)').run(`pcare:${a}`, 'other:1:x', now + 60_000)
    cancelRegistration(db(), a, 'salah pasien', counter, now)
    expect(ops(`pcare:${a}`)).toEqual(['pendaftaran.add:pending', 'pendaftaran.delete:pending'])

    db().prepare('UPDATE registrations SET kd_poli = ? WHERE no_rawat = ?').run('999', a)
    const b = registered(false)
    db().prepare(`UPDATE outbox SET status = 'failed_transient', needs_reconcile = 1 WHERE chain_key = ?`).run(`pcare:${b}`)
    cancelRegistration(db(), b, 'salah pasien', counter, now)
    expect(ops(`pcare:${b}`)).toEqual(['pendaftaran.add:failed_transient', 'pendaftaran.delete:pending'])
  })

  it('a hadir not sent yet is withdrawn with the queue entry cancelled', () => {
    const noRawat = registered()
    sent(`antrean:${noRawat}`, ['antrean.add'])
    db().prepare(`INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash, status, next_attempt_at, correlation_id, created_at, updated_at)
      VALUES ('p1', 'antrean', 'antrean.panggil', ?, 2, 'registration', ?, '{}', 'h', 'pending', 0, 'c', 0, 0)`).run(`antrean:${noRawat}`, noRawat)
    cancelRegistration(db(), noRawat, 'pasien pulang', counter, now)
    expect(ops(`antrean:${noRawat}`)).toEqual(['antrean.add:done', 'antrean.panggil:cancelled', 'antrean.batal:pending'])
  })

  it('refuses an examined visit until its kunjungan is deleted, and a second cancellation', () => {
    const { noRawat } = examined()
    expect(() => cancelRegistration(db(), noRawat, 'salah poli', counter, now)).toThrow(/hapus kunjungannya dahulu/)
    expect(correctionHistory(db(), noRawat)).toEqual([])
    deleteKunjungan(db(), noRawat, 'salah pasien', dokter, now)
    cancelRegistration(db(), noRawat, 'salah pasien', counter, now)
    expect(() => cancelRegistration(db(), noRawat, 'lagi', counter, now)).toThrow(/sudah dibatalkan/)
  })

  it('a blank reason is refused and changes nothing', () => {
    const noRawat = registered()
    expect(() => cancelRegistration(db(), noRawat, '   ', counter, now)).toThrow(/CHECK/)
    expect(ops(`pcare:${noRawat}`)).toEqual(['pendaftaran.add:pending'])
    expect(db().prepare('SELECT status FROM registrations WHERE no_rawat = ?').get(noRawat)).toEqual({ status: 'registered' })
  })
})

describe('editExamination', () => {
  const fixDiagnosis = (input: ExaminationInput): ExaminationInput => ({ ...input, diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }], terapiObat: 'Oralit' })

  it('before the kunjungan and the visit were sent: their queued payloads carry the corrected data, nothing else is queued', () => {
    const { noRawat, input } = examined()
    const r = editExamination(db(), fixDiagnosis(input), 'diagnosis salah ketik', dokter, now + 1)
    expect(r.effect).toBe('withdrawn')
    expect(ops(`pcare:${noRawat}`)).toEqual(['pendaftaran.add:pending', 'kunjungan.add:pending', 'tindakan.add:pending'])
    expect(payloadOf(`pcare:${noRawat}`, 'kunjungan.add')).toMatchObject({ kdDiag1: 'A09', terapiObat: 'Oralit', noKunjungan: null })
    const visit = payloadOf(`ledger:${noRawat}`, 'Visit:Record')
    expect(JSON.parse(visit.transient.detail).diagnoses).toEqual([{ kdDiag: 'A09', nmDiag: 'Diare' }])
    expect(visit.intent.detailHash).toBe(sha256Hex(visit.transient.detail))
    expect(ops(`ledger:${noRawat}`)).toEqual(['Visit:Record:pending', 'Claim:Submit:pending'])
    expect(examinationForEdit(db(), noRawat).input.diagnoses[0].kdDiag).toBe('A09')
    const previous = db().prepare('SELECT previous FROM corrections WHERE id = ?').get(r.id) as { previous: string }
    expect(JSON.parse(previous.previous).diagnoses[0].kdDiag).toBe('A01.0')
  })

  it('a kunjungan PCare refused is due again with the corrected body', () => {
    const { noRawat, input } = examined()
    sent(`pcare:${noRawat}`, ['pendaftaran.add'])
    db().prepare(`UPDATE outbox SET status = 'failed_permanent', last_error_code = 'VALIDATION', next_attempt_at = 0 WHERE operation = 'kunjungan.add'`).run()
    editExamination(db(), fixDiagnosis(input), 'diagnosis ditolak PCare', dokter, now + 5)
    const k = db().prepare(`SELECT status, last_error_code, next_attempt_at FROM outbox WHERE operation = 'kunjungan.add'`).get()
    expect(k).toEqual({ status: 'pending', last_error_code: null, next_attempt_at: now + 5 })
  })

  it('after they were sent: PUT kunjungan follows the kunjungan and its items; the ledger gets a correction entry of its own', () => {
    const { noRawat, input } = examined()
    sent(`pcare:${noRawat}`, ['pendaftaran.add', 'kunjungan.add', 'tindakan.add'])
    sent(`ledger:${noRawat}`, ['Visit:Record'])
    const r = editExamination(db(), fixDiagnosis(input), 'diagnosis salah ketik', dokter, now)
    expect(r.effect).toBe('queued')
    expect(jobs(`pcare:${noRawat}`).map((j) => [j.operation, j.seq, j.status])).toEqual([
      ['pendaftaran.add', 1, 'done'],
      ['kunjungan.add', 2, 'done'],
      ['tindakan.add', 3, 'done'],
      ['kunjungan.edit', 4, 'pending'],
    ])
    expect(payloadOf(`pcare:${noRawat}`, 'kunjungan.edit')).toMatchObject({ kdDiag1: 'A09', noKartu: '0009999000001', tglDaftar: '23-11-2026' })
    expect(ops(`ledger:${noRawat}`)).toEqual(['Visit:Record:done', 'Claim:Submit:pending', 'Visit:Correct:pending'])
    const correct = payloadOf(`ledger:${noRawat}`, 'Visit:Correct')
    expect(correct.intent).toEqual({ correctionId: `0199B001-${noRawat}-K${r.id}`, visitId: `0199B001-${noRawat}`, kind: 'EDIT', detailHash: sha256Hex(correct.transient.detail) })
    expect(JSON.parse(correct.transient.detail)).toMatchObject({ kind: 'EDIT', reason: 'diagnosis salah ketik', by: 'dokter1', detail: { diagnoses: [{ kdDiag: 'A09' }] }, salt: expect.stringMatching(/^[0-9a-f]{32}$/) })
    // The original record's payload is untouched: the ledger keeps both.
    expect(JSON.parse(payloadOf(`ledger:${noRawat}`, 'Visit:Record').transient.detail).diagnoses[0].kdDiag).toBe('A01.0')
    // A second edit is a second entry, each keyed by its own correction.
    const r2 = editExamination(db(), { ...fixDiagnosis(input), terapiObat: 'Oralit 3x1' }, 'dosis', dokter, now + 1)
    expect(jobs(`pcare:${noRawat}`).filter((j) => j.operation === 'kunjungan.edit')).toHaveLength(2)
    expect(db().prepare('SELECT ledger_correction_id AS id FROM corrections ORDER BY id').all()).toEqual([
      { id: `0199B001-${noRawat}-K${r.id}` },
      { id: `0199B001-${noRawat}-K${r2.id}` },
    ])
  })

  it('refuses to change tindakan, obat, referral or claim, and an edit that changes nothing', () => {
    const { noRawat, input } = examined()
    const err = (() => {
      try {
        editExamination(db(), { ...input, tindakan: [], claimAmount: 200000 }, 'ubah', dokter, now)
      } catch (e) {
        return e as { code: string; fields: { field: string }[] }
      }
    })()
    expect(err?.code).toBe('INVALID_INPUT')
    expect(err?.fields.map((f) => f.field)).toEqual(['tindakan', 'claimAmount'])
    expect(() => editExamination(db(), input, 'sama', dokter, now)).toThrow(/Tidak ada yang berubah/)
    expect(correctionHistory(db(), noRawat)).toEqual([])
  })
})

describe('deleteKunjungan', () => {
  it('after the kunjungan and the visit were sent: items not sent yet are withdrawn, DELETE kunjungan and Visit:Correct DELETE are queued', () => {
    const { noRawat } = examined()
    sent(`pcare:${noRawat}`, ['pendaftaran.add', 'kunjungan.add'])
    sent(`ledger:${noRawat}`, ['Visit:Record'])
    const r = deleteKunjungan(db(), noRawat, 'salah pasien', dokter, now)
    expect(r.effect).toBe('queued')
    expect(ops(`pcare:${noRawat}`)).toEqual(['pendaftaran.add:done', 'kunjungan.add:done', 'tindakan.add:cancelled', 'kunjungan.delete:pending'])
    expect(ops(`ledger:${noRawat}`)).toEqual(['Visit:Record:done', 'Claim:Submit:cancelled', 'Visit:Correct:pending'])
    expect(payloadOf(`ledger:${noRawat}`, 'Visit:Correct').intent.kind).toBe('DELETE')
    expect(examinationForEdit(db(), noRawat).deletedAt).toBe(now)
    expect(() => deleteKunjungan(db(), noRawat, 'lagi', dokter, now)).toThrow(/sudah dihapus/)
    expect(() => editExamination(db(), examinationForEdit(db(), noRawat).input, 'ubah', dokter, now)).toThrow(/sudah dihapus/)
  })

  it('before anything was sent: every job of the examination is withdrawn and nothing goes out; then cancelling the registration withdraws the pendaftaran', () => {
    const { noRawat } = examined()
    const r = deleteKunjungan(db(), noRawat, 'salah pasien', dokter, now)
    expect(r.effect).toBe('withdrawn')
    expect(ops(`pcare:${noRawat}`)).toEqual(['pendaftaran.add:pending', 'kunjungan.add:cancelled', 'tindakan.add:cancelled'])
    expect(ops(`ledger:${noRawat}`)).toEqual(['Visit:Record:cancelled', 'Claim:Submit:cancelled'])
    cancelRegistration(db(), noRawat, 'salah pasien', counter, now)
    expect(ops(`pcare:${noRawat}`)).toEqual(['pendaftaran.add:cancelled', 'kunjungan.add:cancelled', 'tindakan.add:cancelled'])
    expect(correctionHistory(db(), noRawat).map((c) => [c.kind, c.createdBy, c.effect])).toEqual([
      ['delete_kunjungan', 'dokter1', 'withdrawn'],
      ['cancel_registration', 'petugas1', 'withdrawn'],
    ])
  })

  it('a sent kunjungan deleted, then the registration cancelled: DELETE kunjungan runs before DELETE pendaftaran', () => {
    const { noRawat } = examined()
    sent(`pcare:${noRawat}`, ['pendaftaran.add', 'kunjungan.add', 'tindakan.add'])
    deleteKunjungan(db(), noRawat, 'salah pasien', dokter, now)
    cancelRegistration(db(), noRawat, 'salah pasien', counter, now)
    expect(jobs(`pcare:${noRawat}`).filter((j) => j.status === 'pending').map((j) => [j.operation, j.seq])).toEqual([
      ['kunjungan.delete', 4],
      ['pendaftaran.delete', 5],
    ])
  })
})
