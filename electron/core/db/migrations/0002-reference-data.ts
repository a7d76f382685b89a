import type { Migration } from '../types'

/**
 * Offline copies of PCare reference lists, each row stamped with when it was fetched, so registration and
 * the visit form work without a connection and the admin can see how old the cache is.
 * Diagnosa gets an FTS5 index (external content, kept in sync by triggers) for search by code or words.
 * The `.` is a token character so an ICD-10 code like `A09.0` stays one token and matches as a prefix.
 */
export const migration: Migration = {
  version: 2,
  name: 'reference-data',
  up(db) {
    db.exec(`
      CREATE TABLE ref_poli (
        kd_poli TEXT PRIMARY KEY,
        nm_poli TEXT NOT NULL,
        poli_sakit INTEGER NOT NULL CHECK (poli_sakit IN (0, 1)),
        fetched_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE ref_dokter (
        kd_dokter TEXT PRIMARY KEY,
        nm_dokter TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE ref_kesadaran (
        kd_sadar TEXT PRIMARY KEY,
        nm_sadar TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE ref_status_pulang (
        kd_status_pulang TEXT NOT NULL,
        rawat_inap INTEGER NOT NULL CHECK (rawat_inap IN (0, 1)),
        nm_status_pulang TEXT NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (rawat_inap, kd_status_pulang)
      ) STRICT;

      CREATE TABLE ref_provider (
        kd_provider TEXT PRIMARY KEY,
        nm_provider TEXT NOT NULL,
        fetched_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE ref_diagnosa (
        id INTEGER PRIMARY KEY,
        kd_diag TEXT NOT NULL UNIQUE,
        nm_diag TEXT NOT NULL,
        non_spesialis INTEGER NOT NULL CHECK (non_spesialis IN (0, 1)),
        fetched_at INTEGER NOT NULL
      ) STRICT;

      CREATE VIRTUAL TABLE ref_diagnosa_fts USING fts5(
        kd_diag, nm_diag,
        content = 'ref_diagnosa', content_rowid = 'id',
        tokenize = "unicode61 remove_diacritics 2 tokenchars '.'",
        prefix = '1 2 3'
      );

      CREATE TRIGGER ref_diagnosa_ai AFTER INSERT ON ref_diagnosa BEGIN
        INSERT INTO ref_diagnosa_fts (rowid, kd_diag, nm_diag) VALUES (new.id, new.kd_diag, new.nm_diag);
      END;
      CREATE TRIGGER ref_diagnosa_ad AFTER DELETE ON ref_diagnosa BEGIN
        INSERT INTO ref_diagnosa_fts (ref_diagnosa_fts, rowid, kd_diag, nm_diag) VALUES ('delete', old.id, old.kd_diag, old.nm_diag);
      END;
      CREATE TRIGGER ref_diagnosa_au AFTER UPDATE ON ref_diagnosa BEGIN
        INSERT INTO ref_diagnosa_fts (ref_diagnosa_fts, rowid, kd_diag, nm_diag) VALUES ('delete', old.id, old.kd_diag, old.nm_diag);
        INSERT INTO ref_diagnosa_fts (rowid, kd_diag, nm_diag) VALUES (new.id, new.kd_diag, new.nm_diag);
      END;

      -- One row per list: when it was last refreshed and how many rows came back.
      CREATE TABLE ref_refresh (
        kind TEXT PRIMARY KEY,
        fetched_at INTEGER NOT NULL,
        row_count INTEGER NOT NULL
      ) STRICT;
    `)
  },
}
