import type { Database } from 'better-sqlite3'
import { noteCommit } from './checkpoint'

/**
 * Runs `fn` as ONE write transaction that begins IMMEDIATE (takes SQLite's write lock at BEGIN) and returns its result;
 * a throw rolls everything back and is re-thrown. Inside another transaction it is a savepoint of that one.
 *
 * Why IMMEDIATE: the app and a headless sync process (tools/sync-node, the crash tests) write the same WAL file. A
 * DEFERRED transaction (better-sqlite3's default) starts as a reader; when it first writes after the other process
 * committed, its snapshot is stale and SQLite fails it at once with SQLITE_BUSY_SNAPSHOT, which `busy_timeout` cannot
 * help (waiting would not make the snapshot current). BEGIN IMMEDIATE waits for the lock (busy_timeout, 5 s in
 * openDatabase) before reading anything, so a second writer waits a transaction's length (about a millisecond)
 * instead of failing. Each outermost commit is counted for the connection's WAL checkpointer (db/checkpoint.ts), which
 * then copies the WAL into the database file between saves rather than inside one. The one way to open a write transaction in this tree: lint forbids `.transaction` elsewhere
 * (eslint.config.mjs, no-restricted-properties), and `fn` must not return a promise (better-sqlite3 throws).
 */
export function writeTx<T>(db: Database, fn: () => T): T {
  const result = db.transaction(fn).immediate()
  // An outermost COMMIT grew the WAL: the connection's checkpointer counts it (a savepoint commits nothing yet).
  if (!db.inTransaction) noteCommit(db)
  return result
}
