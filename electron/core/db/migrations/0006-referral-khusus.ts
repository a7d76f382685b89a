import type { Migration } from '../types'

/** Khusus referral kinds (IGD, hemodialisa, thalasemia, hemofili…), refreshed with the other reference lists. */
export const migration: Migration = {
  version: 6,
  name: 'referral-khusus',
  up(db) {
    db.exec(`
      CREATE TABLE ref_khusus (
        kd_khusus TEXT PRIMARY KEY,
        nm_khusus TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;
    `)
  },
}
