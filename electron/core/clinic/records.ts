import type { DB } from '../db'
import { prepared } from '../db/statements'

/**
 * The highest number given so far (0 for none). Numbers are given 1, 2, 3… (migration 0009 numbered older cards the
 * same way) and no row is ever deleted, so while the highest has six digits it is also the highest text, which the
 * no_rm index finds in one seek. Reading every number (no index serves the CAST) was about 4 ms at 50,000 patients,
 * inside the registration's write transaction (issue 17, Deliver 3); it is left for when the highest text is 999999
 * or longer, past a million patients, where text order and number order part ('1000000' < '999999').
 */
function highestNumber(db: DB): number {
  const { top } = prepared(db, 'SELECT max(no_rm) AS top FROM medical_records').get() as { top: string | null }
  if (top === null) return 0
  if (top.length === 6 && top !== '999999') return Number(top)
  return (prepared(db, 'SELECT max(CAST(no_rm AS INTEGER)) AS n FROM medical_records').get() as { n: number }).n
}

/**
 * The local medical record number (nomor rekam medis) of a card: the one it was given at its first registration on
 * this workstation, or the next free number now. Six digits with leading zeros (000001), in registration order,
 * never reused; kept in `medical_records` (migration 0009), beside PCare's patients cache. Antrean FKTP's `norm`
 * carries it. Call inside the registration's transaction so two registrations cannot take the same number.
 */
export function medicalRecordNumber(db: DB, noKartu: string, now: number): string {
  const known = prepared(db, 'SELECT no_rm FROM medical_records WHERE no_kartu = ?').get(noKartu) as { no_rm: string } | undefined
  if (known) return known.no_rm
  const noRm = String(highestNumber(db) + 1).padStart(6, '0')
  prepared(db, 'INSERT INTO medical_records (no_kartu, no_rm, created_at) VALUES (?, ?, ?)').run(noKartu, noRm, now)
  return noRm
}

/** PCare's peserta.noHP of the card as last cached (Antrean add's nohp), null when unknown or blank. */
export function patientPhone(db: DB, noKartu: string): string | null {
  const row = db.prepare('SELECT no_hp FROM patients WHERE no_kartu = ?').get(noKartu) as { no_hp: string | null } | undefined
  return row?.no_hp?.trim() || null
}
