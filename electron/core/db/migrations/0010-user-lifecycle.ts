import type { Migration } from '../types'

/**
 * Users an admin can manage (issue 13, Deliver 4): a user can be disabled, made to change a temporary password at
 * the next sign-in, and made to enrol a new authenticator at the next sign-in; every such change is audited.
 */
export const migration: Migration = {
  version: 10,
  name: 'user-lifecycle',
  up(db) {
    db.exec(`
      -- When an admin disabled the user (null = enabled). A disabled user cannot sign in and has no session.
      ALTER TABLE users ADD COLUMN disabled_at INTEGER;
      -- 1 after an admin set a temporary password: the next sign-in may do nothing but change it.
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
      -- 1 while the sealed TOTP seed was made by core for the user to scan at their own next sign-in (an admin
      -- created by another admin, or re-enrolled): that sign-in needs the password only and may do nothing but enrol.
      ALTER TABLE users ADD COLUMN totp_enrol_pending INTEGER NOT NULL DEFAULT 0 CHECK (totp_enrol_pending IN (0, 1));

      -- Who did what to which user, and when (ms since epoch). Usernames are never deleted, so no foreign key is needed
      -- to read an old row; actor is the signed-in user who acted (the user themself for a change of their own).
      CREATE TABLE user_audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 40),
        detail TEXT
      ) STRICT;
      CREATE INDEX user_audit_at ON user_audit (at);
    `)
  },
}
