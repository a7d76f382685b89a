import type { Migration } from '../types'

/**
 * Settings (non-secret only: secrets live in the OS keychain) and the outbox, the durable queue of every
 * remote effect. The outbox exists from day one because the status bar counts come from it.
 */
export const migration: Migration = {
  version: 1,
  name: 'foundation',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        target TEXT NOT NULL CHECK (target IN ('ledger', 'pcare', 'antrean')),
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
      CREATE INDEX outbox_ready ON outbox (status, next_attempt_at);
      CREATE INDEX outbox_target_status ON outbox (target, status);

      CREATE TABLE outbox_attempts (
        id INTEGER PRIMARY KEY,
        outbox_id INTEGER NOT NULL REFERENCES outbox (id),
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
      CREATE INDEX outbox_attempts_outbox ON outbox_attempts (outbox_id);
      CREATE INDEX outbox_attempts_started ON outbox_attempts (started_at);

      -- One runner per chain (one patient visit per target). Rows outlive a crash; a lock whose owner
      -- process is gone (same host) or whose lease ran out may be taken over.
      CREATE TABLE chain_locks (
        chain_key TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
    `)
  },
}
