import type { Migration } from '../types'

/**
 * Local sign-in: users with one role each, and their sessions. Passwords are stored as scrypt hashes with a
 * per-user salt; session tokens only as their SHA-256, so a copied database file signs nobody in.
 */
export const migration: Migration = {
  version: 4,
  name: 'users',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        username TEXT PRIMARY KEY CHECK (length(username) BETWEEN 3 AND 40),
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('counter', 'clinician', 'admin')),
        -- Base32 RFC 6238 secret; required for admins (second factor), null for other roles.
        totp_secret TEXT,
        -- Set at the first sign-in with a valid code: until then the enrolment can be redone.
        totp_confirmed_at INTEGER,
        -- Last accepted TOTP step, so one code cannot be used twice.
        totp_last_step INTEGER,
        created_at INTEGER NOT NULL,
        CHECK (role != 'admin' OR totp_secret IS NOT NULL)
      ) STRICT;

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_username ON sessions (username);
    `)
  },
}
