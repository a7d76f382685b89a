import type { Migration } from '../types'

/**
 * Reference data for vertical referrals (rujukan lanjut): spesialis with their sub-spesialis, and sarana, refreshed
 * with the other lists so the clinician can choose offline. The faskes-rujukan answer depends on the day and on the
 * receiving hospitals' capacity, so it is not reference data: its last answer per (sub-spesialis, sarana) is kept
 * only to show, with its time, when PCare cannot be reached.
 */
export const migration: Migration = {
  version: 5,
  name: 'referral-reference',
  up(db) {
    db.exec(`
      CREATE TABLE ref_spesialis (
        kd_spesialis TEXT PRIMARY KEY,
        nm_spesialis TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE ref_subspesialis (
        kd_subspesialis TEXT PRIMARY KEY,
        kd_spesialis TEXT NOT NULL REFERENCES ref_spesialis (kd_spesialis) ON DELETE CASCADE,
        nm_subspesialis TEXT NOT NULL,
        kd_poli_rujuk TEXT,
        fetched_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX ref_subspesialis_by_spesialis ON ref_subspesialis (kd_spesialis);

      CREATE TABLE ref_sarana (
        kd_sarana TEXT PRIMARY KEY,
        nm_sarana TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE faskes_rujukan_cache (
        kd_subspesialis TEXT NOT NULL,
        -- '' when no sarana was asked for (PCare's path then carries 0).
        kd_sarana TEXT NOT NULL,
        tgl_est_rujuk TEXT NOT NULL,
        list TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (kd_subspesialis, kd_sarana)
      ) STRICT;
    `)
  },
}
