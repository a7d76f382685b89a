import Database from 'better-sqlite3'
import type { Database as DB } from 'better-sqlite3'
import { migrations as allMigrations } from './migrations'
import type { Migration } from './types'

export type { DB }
export type { Migration }

export class DatabaseTooNewError extends Error {
  readonly code = 'DB_TOO_NEW'
  constructor(
    readonly fileVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `Database schema version ${fileVersion} is newer than this app understands (${appVersion}). ` +
        'Update the app; the file was left untouched.',
    )
  }
}

export interface OpenOptions {
  /** Defaults to the app's migrations; tests pass a prefix to check each step. */
  migrations?: readonly Migration[]
  readonly?: boolean
}

/**
 * Opens (creating if needed) the workstation's one SQLite file.
 * WAL lets the UI read while the sync engine writes; synchronous=FULL makes a committed visit survive a power cut,
 * which is the promise the counter makes to the patient.
 */
export function openDatabase(file: string, options: OpenOptions = {}): DB {
  const db = new Database(file, { readonly: options.readonly ?? false })
  try {
    db.pragma('busy_timeout = 5000')
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
    }
    db.pragma('foreign_keys = ON')
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations)
    else assertNotTooNew(db, options.migrations ?? allMigrations)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

export function schemaVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number
}

function latest(list: readonly Migration[]): number {
  return list.length === 0 ? 0 : list[list.length - 1].version
}

function assertNotTooNew(db: DB, list: readonly Migration[]): void {
  const current = schemaVersion(db)
  if (current > latest(list)) throw new DatabaseTooNewError(current, latest(list))
}

/**
 * Applies every pending migration in ONE transaction together with the new user_version:
 * a crash half way leaves the file exactly as it was.
 */
export function migrate(db: DB, list: readonly Migration[] = allMigrations): number {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`)
  })
  assertNotTooNew(db, list)
  const current = schemaVersion(db)
  const pending = list.filter((m) => m.version > current)
  if (pending.length === 0) return current
  db.transaction(() => {
    for (const m of pending) m.up(db)
    // user_version cannot be bound as a parameter; the value is an integer we produced.
    db.pragma(`user_version = ${latest(list)}`)
  }).immediate()
  return latest(list)
}
