import type { Migration } from '../types'

/**
 * SATUSEHAT (issue 15, docs/satusehat.md): a fourth outbox target, the server ids of what the platform holds for each
 * visit, the poli → Location mapping, the Patient IHS id per card, and the clinician's NIK with their Practitioner
 * IHS id.
 *
 * The outbox's target CHECK names the targets, and SQLite cannot alter a CHECK: outbox and outbox_attempts are rebuilt
 * (SQLite's "making other kinds of table schema changes", create-copy-drop-rename). The attempts table is rebuilt
 * too because it references outbox: it is created against `outbox_new`, which the rename turns into `outbox`, so the
 * old outbox has no child left when it is dropped (foreign keys are on during migrations). Rows keep their ids.
 */
export const migration: Migration = {
  version: 12,
  name: 'satusehat',
  up(db) {
    db.exec(`
      CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        target TEXT NOT NULL CHECK (target IN ('ledger', 'pcare', 'antrean', 'satusehat')),
        operation TEXT NOT NULL,
        chain_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        payload_hash TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'in_flight', 'done', 'failed_transient', 'failed_permanent', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        -- set when a send may have reached the remote (timeout after sending, crash mid-flight):
        -- the next run asks the remote before it sends again
        needs_reconcile INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error_code TEXT,
        last_error_message TEXT,
        last_error_fields TEXT,
        correlation_id TEXT NOT NULL,
        result TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        done_at INTEGER,
        UNIQUE (chain_key, seq)
      ) STRICT;
      INSERT INTO outbox_new SELECT * FROM outbox;

      CREATE TABLE outbox_attempts_new (
        id INTEGER PRIMARY KEY,
        outbox_id INTEGER NOT NULL REFERENCES outbox_new (id),
        correlation_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        duration_ms INTEGER,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'transient', 'permanent', 'ambiguous', 'reconciled')),
        http_status INTEGER,
        meta_code INTEGER,
        error_code TEXT,
        error_message TEXT,
        error_fields TEXT,
        triggered_by TEXT,
        request TEXT,
        response TEXT
      ) STRICT;
      INSERT INTO outbox_attempts_new SELECT * FROM outbox_attempts;

      DROP TABLE outbox_attempts;
      DROP TABLE outbox;
      ALTER TABLE outbox_new RENAME TO outbox;
      ALTER TABLE outbox_attempts_new RENAME TO outbox_attempts;
      CREATE INDEX outbox_ready ON outbox (status, next_attempt_at);
      CREATE INDEX outbox_target_status ON outbox (target, status);
      CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id);
      CREATE INDEX outbox_attempts_started ON outbox_attempts (started_at);

      -- What SATUSEHAT holds for a visit, by business identifier (docs/satusehat.md): the server id each resource got,
      -- so a resend reconciles instead of creating a second one and a correction is a PUT of the same id.
      -- identifier_value is the value of the resource's sys-ids identifier (core/satusehat/builders.ts identifierValue).
      CREATE TABLE satusehat_ids (
        resource_type TEXT NOT NULL CHECK (length(resource_type) BETWEEN 1 AND 40),
        identifier_value TEXT NOT NULL CHECK (length(identifier_value) BETWEEN 1 AND 100),
        resource_id TEXT NOT NULL CHECK (length(resource_id) BETWEEN 1 AND 100),
        no_rawat TEXT NOT NULL,
        -- faskes-local yyyy-MM-dd of the first and the last write (monitoring per resource type per day)
        created_day TEXT NOT NULL,
        updated_day TEXT NOT NULL,
        -- how many times it was replaced (PUT) after it was created
        updates INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (resource_type, identifier_value)
      ) STRICT;
      CREATE INDEX satusehat_ids_visit ON satusehat_ids (no_rawat);
      CREATE INDEX satusehat_ids_day ON satusehat_ids (updated_day);

      -- Each poli as a SATUSEHAT Location (created or found by its sys-ids identifier at setup or first send).
      CREATE TABLE satusehat_locations (
        kd_poli TEXT PRIMARY KEY,
        location_id TEXT NOT NULL,
        name TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- The card holder's Patient IHS id from the MPI (search by NIK), and its display as the MPI returned it.
      ALTER TABLE patients ADD COLUMN ihs_patient_id TEXT;
      ALTER TABLE patients ADD COLUMN ihs_display TEXT;
      ALTER TABLE patients ADD COLUMN ihs_checked_at INTEGER;
      -- A clinician's NIK (for the Practitioner lookup) and the Practitioner IHS id found for it.
      ALTER TABLE users ADD COLUMN nik TEXT CHECK (nik IS NULL OR (length(nik) = 16 AND nik NOT GLOB '*[^0-9]*'));
      ALTER TABLE users ADD COLUMN ihs_practitioner_id TEXT;
      ALTER TABLE users ADD COLUMN ihs_practitioner_display TEXT;
    `)
  },
}
