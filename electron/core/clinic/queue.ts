import type { Attendance } from '../../contract'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { AppError, msg } from '../errors'
import { antreanPanggilBody } from '../pcare/bodies'
import { enqueue } from '../sync/outbox'

interface QueueRow {
  no_rawat: string
  no_kartu: string
  tgl_daftar: string
  kd_poli: string
  status: string
  antrean: number
  attendance: Attendance | null
  call_count: number
}

function openRegistration(db: DB, noRawat: string): QueueRow {
  const r = db.prepare('SELECT no_rawat, no_kartu, tgl_daftar, kd_poli, status, antrean, attendance, call_count FROM registrations WHERE no_rawat = ?').get(noRawat) as
    | QueueRow
    | undefined
  if (!r) throw new AppError('NOT_FOUND', msg('queue.notFound', { noRawat }))
  if (r.status !== 'registered') throw new AppError('CONFLICT', msg('queue.closed', { noRawat }))
  return r
}

/** Panggil: records when the patient was (last) called and how many times. `now` in epoch ms. */
export function callPatient(db: DB, noRawat: string, now = Date.now()): { calledAt: number; callCount: number } {
  return writeTx(db, () => {
    const r = openRegistration(db, noRawat)
    db.prepare('UPDATE registrations SET called_at = ?, call_count = call_count + 1, updated_at = ? WHERE no_rawat = ?').run(now, now, noRawat)
    return { calledAt: now, callCount: r.call_count + 1 }
  })
}

/**
 * Hadir / tidak hadir after a call. When the registration took an Antrean FKTP number, BPJS is told too:
 * `POST antrean/panggil` {tanggalperiksa, kodepoli, nomorkartu, status 1 hadir / 2 tidak hadir, waktu epoch ms}
 * (docs/pcare.md#antrean-fktp), queued on the registration's antrean chain so it follows its antrean/add. Marking the
 * same answer twice changes nothing; a changed answer (the patient turned up after all) is sent again.
 * `queued` says whether a PCare job was added.
 */
export function markAttendance(db: DB, noRawat: string, attendance: Attendance, now = Date.now()): { attendance: Attendance; queued: boolean } {
  return writeTx(db, () => {
    const r = openRegistration(db, noRawat)
    if (r.attendance === attendance) return { attendance, queued: false }
    db.prepare('UPDATE registrations SET attendance = ?, updated_at = ? WHERE no_rawat = ?').run(attendance, now, noRawat)
    if (!r.antrean) return { attendance, queued: false }
    const { n } = db.prepare(`SELECT count(*) AS n FROM outbox WHERE chain_key = ? AND operation = 'antrean.panggil'`).get(`antrean:${noRawat}`) as { n: number }
    enqueue(db, {
      operation: 'antrean.panggil',
      chainKey: `antrean:${noRawat}`,
      entityType: 'registration',
      entityId: noRawat,
      idempotencyKey: `antrean.panggil:${noRawat}:${n + 1}`,
      payload: antreanPanggilBody({ noKartu: r.no_kartu, tglDaftar: r.tgl_daftar, kdPoli: r.kd_poli }, attendance, now),
    }, now)
    return { attendance, queued: true }
  })
}
