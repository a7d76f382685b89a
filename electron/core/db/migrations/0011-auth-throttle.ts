import type { Migration } from '../types'

/**
 * Sign-in throttling (issue 13, Deliver 2): consecutive failed sign-ins per user name and per source (the browser
 * shell's remote address, "ipc" for Electron's window), so guessing slows after 5 failures and locks for 15 minutes
 * after 10, also across restarts. Rules in electron/core/auth/throttle.ts.
 */
export const migration: Migration = {
  version: 11,
  name: 'auth-throttle',
  up(db) {
    db.exec(`
      CREATE TABLE auth_throttle (
        scope TEXT NOT NULL CHECK (scope IN ('user', 'source')),
        -- A user name (also one that does not exist: unknown names are throttled alike) or a source address.
        key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
        -- Consecutive failures, an attempt in progress included; forgotten 15 minutes after the last one.
        failures INTEGER NOT NULL CHECK (failures >= 0),
        last_failure_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      ) STRICT;
    `)
  },
}
