import type { Migration } from '../types'

/**
 * A desk that keeps working while its hub is away (issue 16, Deliver 3 and 4; docs/hub.md "Offline"):
 * - `hub_applied` (at the hub): every desk call replayed from a desk's outbox carries the idempotency key
 *   `desk:<deskId>:<deskSeq>`; the hub stores it with the call's result in the same transaction as the write, so a
 *   replay after a lost answer returns the first result and writes nothing (core/hub/apply.ts).
 * - outbox target `hub` (at a desk): the desk's own outbox holds `hub.call` jobs, sent to the hub one at a time in
 *   order. SQLite cannot alter a CHECK, so outbox and outbox_attempts are rebuilt as in 0012 (rows keep their ids).
 * - `desk_cache` (at a desk): the last hub answers a desk may show while the hub is away (reference lists, today's
 *   list, card statuses), each with the time it was read.
 * - `desk_visits` (at a desk): visits started at this desk while the hub was away, under a local id until the hub's
 *   answer names its noRawat (which may be an existing visit: the merge rule).
 */
export const migration: Migration = {
  version: 16,
  name: 'desk-offline',
  up(db) {
    db.exec(`
      CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        target TEXT NOT NULL CHECK (target IN ('ledger', 'pcare', 'antrean', 'satusehat', 'hub')),
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

      CREATE TABLE hub_applied (
        idempotency_key TEXT PRIMARY KEY CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        desk_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        -- the call's answer as JSON (the contract output), returned again to a replay
        result TEXT NOT NULL,
        applied_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE desk_cache (
        kind TEXT NOT NULL CHECK (kind IN ('reference', 'today', 'card')),
        -- '' for reference and today; the card number for card
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        checked_at INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      ) STRICT;

      CREATE TABLE desk_visits (
        local_id TEXT PRIMARY KEY,
        no_kartu TEXT NOT NULL,
        kd_poli TEXT NOT NULL,
        tgl_daftar TEXT NOT NULL,
        -- the registration input as typed at the desk (JSON), shown in the desk's list until the hub answers
        input TEXT NOT NULL,
        hub_no_rawat TEXT,
        merged INTEGER NOT NULL DEFAULT 0 CHECK (merged IN (0, 1)),
        examined INTEGER NOT NULL DEFAULT 0 CHECK (examined IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;
    `)
  },
}
