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

      -- PCare's tindakan list per kdTkp (tindakan/kdTkp/{10|20|50}/{start}/{limit}) and the DPHO drug list
      -- (obat/dpho/{keyword}/{start}/{limit}), cached with the other reference lists so the clinician picks by name offline.
      -- maxTarif and sedia are PCare numbers whose unit is not documented as whole (REAL keeps what PCare sent).
      CREATE TABLE ref_tindakan (
        kd_tkp TEXT NOT NULL CHECK (kd_tkp IN ('10', '20', '50')),
        kd_tindakan TEXT NOT NULL,
        nm_tindakan TEXT NOT NULL,
        max_tarif REAL,
        -- PCare's withValue: the procedure has a result value (hasil) to send with it.
        with_value INTEGER NOT NULL DEFAULT 0 CHECK (with_value IN (0, 1)),
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (kd_tkp, kd_tindakan)
      ) STRICT;
      CREATE TABLE ref_obat (
        kd_obat TEXT PRIMARY KEY,
        nm_obat TEXT NOT NULL,
        sedia REAL,
        fetched_at INTEGER NOT NULL
      ) STRICT;

      -- PCare's peserta.tunggakan (arrears, rupiah) from the last live check, shown to the counter.
      ALTER TABLE patients ADD COLUMN tunggakan INTEGER;

      -- A clinician's own PCare doctor code (kdDokter), so the examination is signed by who is signed in.
      ALTER TABLE users ADD COLUMN kd_dokter TEXT;

      -- Each clinician's diagnosis picks, counted on examination save, so their recent and frequent codes come first
      -- in the diagnosa search. user_id is the signed-in username (as created_by elsewhere); last_at is epoch ms.
      CREATE TABLE diagnosa_picks (
        user_id TEXT NOT NULL,
        kd_diag TEXT NOT NULL,
        n INTEGER NOT NULL CHECK (n > 0),
        last_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, kd_diag)
      ) STRICT, WITHOUT ROWID;

      -- Which doctor serves which poli on a day: Antrean FKTP ref/dokter/kodepoli/{kodepoli}/tanggal/{yyyy-MM-dd}
      -- (kodedokter is PCare's kdDokter as a number). The last answer per poli and day, the offline fallback.
      CREATE TABLE doctor_schedule (
        kd_poli TEXT NOT NULL,
        tanggal TEXT NOT NULL,
        kd_dokter TEXT NOT NULL,
        nm_dokter TEXT NOT NULL,
        jam_praktek TEXT NOT NULL,
        kapasitas INTEGER,
        PRIMARY KEY (kd_poli, tanggal, kd_dokter)
      );
      -- One row per poli and day that PCare answered, also when it named nobody (an empty schedule is an answer).
      CREATE TABLE doctor_schedule_fetch (
        kd_poli TEXT NOT NULL,
        tanggal TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (kd_poli, tanggal)
      );
    `)
  },
}
