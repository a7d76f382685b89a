import type { DB } from '../db'
import { prepared } from '../db/statements'

/**
 * The local medical record number (nomor rekam medis) of a card: the one it was given at its first registration on
 * this workstation, or the next free number now. Six digits with leading zeros (000001), in registration order,
 * never reused; kept in `medical_records` (migration 0009), beside PCare's patients cache. Antrean FKTP's `norm`
 * carries it. Call inside the registration's transaction so two registrations cannot take the same number.
 */
export function medicalRecordNumber(db: DB, noKartu: string, now: number): string {
  const known = prepared(db, 'SELECT no_rm FROM medical_records WHERE no_kartu = ?').get(noKartu) as { no_rm: string } | undefined
  if (known) return known.no_rm
  const { next } = prepared(db, 'SELECT coalesce(max(CAST(no_rm AS INTEGER)), 0) + 1 AS next FROM medical_records').get() as { next: number }
  const noRm = String(next).padStart(6, '0')
  prepared(db, 'INSERT INTO medical_records (no_kartu, no_rm, created_at) VALUES (?, ?, ?)').run(noKartu, noRm, now)
  return noRm
}

/** PCare's peserta.noHP of the card as last cached (Antrean add's nohp), null when unknown or blank. */
export function patientPhone(db: DB, noKartu: string): string | null {
  const row = db.prepare('SELECT no_hp FROM patients WHERE no_kartu = ?').get(noKartu) as { no_hp: string | null } | undefined
  return row?.no_hp?.trim() || null
}
