import type { Migration } from '../types'

/**
 * True clinical data (issue 12): PCare's allergy and prognosis lists cached like the other reference lists, the
 * patient's phone number as PCare's peserta gives it, and a local medical record number (nomor rekam medis) per card,
 * which Antrean FKTP's `norm` carries.
 */
export const migration: Migration = {
  version: 9,
  name: 'clinical-data',
  up(db) {
    db.exec(`
      -- PCare alergi/jenis/{01|02|03}: 01 makanan, 02 udara, 03 obat; each jenis its own code list ('00' "Tidak Ada").
      CREATE TABLE ref_alergi (
        jenis TEXT NOT NULL CHECK (jenis IN ('01', '02', '03')),
        kd_alergi TEXT NOT NULL,
        nm_alergi TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (jenis, kd_alergi)
      ) STRICT;
      -- PCare prognosa.
      CREATE TABLE ref_prognosa (
        kd_prognosa TEXT PRIMARY KEY,
        nm_prognosa TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;

      -- PCare peserta.noHP at the last live check (Antrean add's nohp); null when PCare gave none.
      ALTER TABLE patients ADD COLUMN no_hp TEXT;

      -- The medical record number of a card on this workstation: assigned at its first registration, never reused,
      -- six digits like the SIMRS numbers counters know (000001). A table of its own because a card registered
      -- offline has no patients row (that is PCare's cache) until PCare answers for it.
      CREATE TABLE medical_records (
        no_kartu TEXT PRIMARY KEY CHECK (length(no_kartu) = 13),
        no_rm TEXT NOT NULL UNIQUE CHECK (length(no_rm) >= 6),
        created_at INTEGER NOT NULL
      ) STRICT;
      -- Cards registered before this version get their numbers in order of their first registration.
      INSERT INTO medical_records (no_kartu, no_rm, created_at)
        SELECT no_kartu, printf('%06d', row_number() OVER (ORDER BY first_at, no_kartu)), first_at
          FROM (SELECT no_kartu, min(created_at) AS first_at FROM registrations GROUP BY no_kartu);
    `)
  },
}
