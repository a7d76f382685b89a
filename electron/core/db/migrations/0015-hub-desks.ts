import type { Migration } from '../types'

/**
 * Hub and desks (issue 16, docs/hub.md):
 * - `registrations.version`: one more at every staff write that changes a visit (examination save and edit, kunjungan
 *   delete, registration cancel; clinic/version.ts). A write that names the version it read and finds another one is
 *   refused with CONFLICT visit.changedElsewhere instead of overwriting what another desk saved. Existing visits
 *   start at 1. The sync engine's own updates (card check, noUrut) do not count: they never conflict with staff.
 * - `user_audit.desk`: the name of the hub desk an account action came from (null on a standalone PC or the hub's
 *   own window), so the audit names the desk.
 */
export const migration: Migration = {
  version: 15,
  name: 'hub-desks',
  up(db) {
    db.exec(`
      ALTER TABLE registrations ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
      ALTER TABLE user_audit ADD COLUMN desk TEXT;
    `)
  },
}
