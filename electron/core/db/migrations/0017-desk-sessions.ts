import type { Migration } from '../types'

/**
 * Sessions bound to the hub desk they were made at (issue 16 follow-up, docs/hub.md "Sessions at a desk"):
 * `sessions.desk_id` names the paired desk (`desk-…`) whose sign-in made the session, null for one made on the hub's
 * own window or a standalone PC. A session is honoured only on calls from that same desk (CallContext.desk), so a
 * token carried to another desk, or kept by a desk revoked and paired again under a new id, is refused; revoking a
 * desk deletes its sessions. Existing sessions keep null: at a hub they are no longer accepted from any desk (staff
 * sign in again once), which is the safe side.
 */
export const migration: Migration = {
  version: 17,
  name: 'desk-sessions',
  up(db) {
    db.exec(`
      ALTER TABLE sessions ADD COLUMN desk_id TEXT;
      CREATE INDEX sessions_desk ON sessions (desk_id) WHERE desk_id IS NOT NULL;
    `)
  },
}
