import type { RegistrationRow } from '../../contract'
import type { DB } from '../db'
import { localIsoDate } from './dates'

/**
 * The counter's and the poli's list: every visit registered on the workstation's day of `now` (epoch ms), in
 * registration order, with the patient from the cache and each remote's sync state. With `only`, just those visits
 * (the change feed's delta, clinic/changes.ts). Reads SQLite only.
 */
export function todayRegistrations(db: DB, now = Date.now(), only?: readonly string[]): RegistrationRow[] {
  const rows = db
    .prepare(
      // Each remote's chain: 'none' nothing queued, 'failed' a job waits for a person, 'pending' one is still to be
      // sent, else 'done'. A PCare chain holding only the card re-check (peserta.verify) is 'none': a verify is no send.
      `SELECT r.*, p.nama, p.sex, p.tgl_lahir,
         (SELECT CASE WHEN count(*) = 0 THEN 'none' WHEN sum(status = 'failed_permanent') > 0 THEN 'failed' WHEN sum(status != 'done' AND status != 'cancelled') > 0 THEN 'pending'
                      WHEN sum(status = 'done' AND operation != 'peserta.verify') = 0 THEN 'none' ELSE 'done' END
            FROM outbox WHERE chain_key = 'pcare:' || r.no_rawat) AS pcare_sync,
         (SELECT CASE WHEN count(*) = 0 THEN 'none' WHEN sum(status = 'failed_permanent') > 0 THEN 'failed' WHEN sum(status != 'done' AND status != 'cancelled') > 0 THEN 'pending' ELSE 'done' END
            FROM outbox WHERE chain_key = 'ledger:' || r.no_rawat) AS ledger_sync
       FROM registrations r LEFT JOIN patients p ON p.no_kartu = r.no_kartu WHERE r.tgl_daftar = ?
       ${only ? 'AND r.no_rawat IN (SELECT value FROM json_each(?))' : ''} ORDER BY r.created_at`,
    )
    .all(...(only ? [localIsoDate(now), JSON.stringify(only)] : [localIsoDate(now)])) as Record<string, string | number | null>[]
  return rows.map((r) => ({
    noRawat: String(r.no_rawat),
    noKartu: String(r.no_kartu),
    nama: (r.nama as string | null) ?? null,
    tglDaftar: String(r.tgl_daftar),
    kdPoli: String(r.kd_poli),
    nmPoli: (r.nm_poli as string | null) ?? null,
    keluhan: String(r.keluhan ?? ''),
    kunjSakit: r.kunj_sakit === 1,
    noUrut: (r.no_urut as string | null) ?? null,
    sex: (r.sex as string | null) ?? null,
    tglLahir: (r.tgl_lahir as string | null) ?? null,
    penjamin: r.penjamin as RegistrationRow['penjamin'],
    verification: r.verification as RegistrationRow['verification'],
    verificationNote: (r.verification_note as string | null) ?? null,
    status: r.status as RegistrationRow['status'],
    pcare: (r.pcare_sync ?? 'none') as RegistrationRow['pcare'],
    ledger: (r.ledger_sync ?? 'none') as RegistrationRow['ledger'],
    createdAt: Number(r.created_at),
    kdDokter: (r.kd_dokter as string | null) ?? null,
    calledAt: (r.called_at as number | null) ?? null,
    callCount: Number(r.call_count ?? 0),
    attendance: (r.attendance as RegistrationRow['attendance']) ?? null,
    version: Number(r.version),
  }))
}
