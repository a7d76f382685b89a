import type { Migration } from '../types'

/**
 * The local records the counter and the clinician write. Each one is written in the same transaction as its outbox
 * rows; the remote results (noUrut, noKunjungan, tx ids) are filled in by the sync workers when they arrive.
 */
export const migration: Migration = {
  version: 3,
  name: 'clinic',
  up(db) {
    db.exec(`
      -- Last known eligibility per card, so the counter can answer when PCare or the ledger cannot be reached.
      CREATE TABLE patients (
        no_kartu TEXT PRIMARY KEY CHECK (length(no_kartu) = 13),
        nik TEXT CHECK (nik IS NULL OR length(nik) = 16),
        nama TEXT NOT NULL,
        sex TEXT,
        tgl_lahir TEXT,
        kd_provider TEXT,
        nm_provider TEXT,
        jns_peserta TEXT,
        jns_kelas TEXT,
        aktif INTEGER,
        ket_aktif TEXT,
        pcare_checked_at INTEGER,
        ledger_status TEXT,
        ledger_checked_at INTEGER,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX patients_nik ON patients (nik);

      CREATE TABLE registrations (
        no_rawat TEXT PRIMARY KEY,
        no_kartu TEXT NOT NULL,
        tgl_daftar TEXT NOT NULL,
        kd_poli TEXT NOT NULL,
        nm_poli TEXT,
        kd_dokter TEXT,
        kunj_sakit INTEGER NOT NULL,
        kd_tkp TEXT NOT NULL,
        keluhan TEXT NOT NULL DEFAULT '',
        antrean INTEGER NOT NULL DEFAULT 0,
        no_urut TEXT,
        status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'examined', 'cancelled')),
        created_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX registrations_date ON registrations (tgl_daftar);
      CREATE INDEX registrations_patient ON registrations (no_kartu);

      CREATE TABLE examinations (
        no_rawat TEXT PRIMARY KEY REFERENCES registrations (no_rawat),
        data TEXT NOT NULL,
        ledger_visit_id TEXT NOT NULL UNIQUE,
        no_kunjungan TEXT,
        ledger_tx_id TEXT,
        referral_id TEXT,
        referral_status TEXT,
        claim_id TEXT,
        claim_status TEXT,
        claim_remarks TEXT,
        created_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX examinations_claim ON examinations (claim_id);

      -- Where the chain-event listener stopped, so it resumes after being offline without missing or repeating.
      CREATE TABLE ledger_checkpoints (
        name TEXT PRIMARY KEY,
        block_number TEXT NOT NULL,
        transaction_id TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `)
  },
}
