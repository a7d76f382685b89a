import type { Migration } from '../types'

/**
 * The staff day (issue 10): how a registration is paid and verified, the poli queue, doctors linked to users and
 * polis, the tindakan and obat lists cached for search by name, and each clinician's diagnosis picks.
 */
export const migration: Migration = {
  version: 7,
  name: 'staff-day',
  up(db) {
    db.exec(`
      -- 'bpjs': PCare is told. 'umum': the patient pays; local only, chosen explicitly at the counter (an inactive card).
      ALTER TABLE registrations ADD COLUMN penjamin TEXT NOT NULL DEFAULT 'bpjs' CHECK (penjamin IN ('bpjs', 'umum'));
      -- 'verified': PCare answered for the card before it was registered. 'unverified': registered offline from the
      -- typed number; re-checked when PCare answers again. 'rejected': that re-check found it unknown or inactive.
      ALTER TABLE registrations ADD COLUMN verification TEXT NOT NULL DEFAULT 'verified'
        CHECK (verification IN ('verified', 'unverified', 'rejected'));
      ALTER TABLE registrations ADD COLUMN verification_note TEXT;
      -- The poli queue: when the patient was last called, how many times, and whether they came.
      ALTER TABLE registrations ADD COLUMN called_at INTEGER;
      ALTER TABLE registrations ADD COLUMN call_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE registrations ADD COLUMN attendance TEXT CHECK (attendance IS NULL OR attendance IN ('hadir', 'tidak_hadir'));
      CREATE INDEX registrations_poli_day ON registrations (tgl_daftar, kd_poli);

      -- A clinician's own PCare doctor code (kdDokter), so the examination is signed by who is signed in.
      ALTER TABLE users ADD COLUMN kd_dokter TEXT;
    `)
  },
}
