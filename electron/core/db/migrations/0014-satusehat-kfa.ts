import type { Migration } from '../types'

/**
 * SATUSEHAT KFA mapping (issue 15, docs/satusehat.md#kfa): the KFA code an admin gives each PCare obat, so a visit's
 * prescribed obat go out as MedicationRequests (an obat without one is not sent: field practice, reference §4).
 * `kfa_code` is a KFA virtual (92…) or actual (93…) product code, 8 digits (reference §4); `display` is the product
 * name KFA returned when the code was checked.
 */
export const migration: Migration = {
  version: 14,
  name: 'satusehat-kfa',
  up(db) {
    db.exec(`
      CREATE TABLE satusehat_kfa (
        kd_obat TEXT PRIMARY KEY,
        kfa_code TEXT NOT NULL CHECK (length(kfa_code) = 8 AND kfa_code GLOB '9[23][0-9][0-9][0-9][0-9][0-9][0-9]'),
        display TEXT NOT NULL,
        updated_by TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `)
  },
}
