import type { Migration } from '../types'

/**
 * Corrections (issue 12): a registration cancelled, a sent examination edited, a kunjungan deleted. Each is a row of
 * its own, never an overwrite of what it corrects: who, when, why, and what the record held before.
 */
export const migration: Migration = {
  version: 8,
  name: 'corrections',
  up(db) {
    db.exec(`
      CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        no_rawat TEXT NOT NULL REFERENCES registrations (no_rawat),
        kind TEXT NOT NULL CHECK (kind IN ('cancel_registration', 'edit_examination', 'delete_kunjungan')),
        -- Why, in the words of who asked (required: a correction without a reason is not accepted).
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        -- 'withdrawn': nothing had been sent yet, so the queued jobs were cancelled or their payload replaced and no
        -- correction goes out; 'queued': correction jobs follow what they correct on the same outbox chains.
        effect TEXT NOT NULL CHECK (effect IN ('withdrawn', 'queued')),
        -- The examination data (JSON, as examinations.data) before an edit or a delete; NULL for a cancellation.
        previous TEXT,
        -- The ledger's correction id (Visit:Correct), when one was queued.
        ledger_correction_id TEXT UNIQUE,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX corrections_visit ON corrections (no_rawat, created_at);

      -- A deleted kunjungan: the examination stays (its history with it) but is no longer the visit's record.
      ALTER TABLE examinations ADD COLUMN deleted_at INTEGER;
    `)
  },
}
