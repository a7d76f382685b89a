import { chmodSync, closeSync, existsSync, openSync, readSync } from 'node:fs'
// package.json maps 'better-sqlite3' to better-sqlite3-multiple-ciphers (same API, SQLite3 Multiple Ciphers inside):
// every import of 'better-sqlite3' in the tree gets the build that can encrypt.
import Database from 'better-sqlite3'
import type { Database as DB } from 'better-sqlite3'
import { migrations as allMigrations } from './migrations'
import type { Migration } from './types'
import { writeTx } from './tx'

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
  /**
   * The install's 32-byte database key (CredentialStore.databaseKey, from the OS keychain). With it the file, its WAL
   * and journal are encrypted (SQLCipher 4 format, see applyKey) and a plain file is encrypted in place once.
   * Without it the file is plain: only unit tests' throwaway databases open that way.
   */
  key?: Buffer
}

/** The first 16 bytes of every plain SQLite file; an encrypted file starts with its random salt instead. */
const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/** Raised when the key does not open the file (a different key, or a damaged file): the file is left untouched. */
export class DatabaseKeyError extends Error {
  readonly code = 'DB_KEY'
  constructor(file: string) {
    super(`The database key does not open ${file} (SQLITE_NOTADB). The file was left untouched.`)
  }
}

/** What the first 16 bytes of `file` say: no file, an empty file (SQLite's new database), plain SQLite, or anything else. */
function fileKind(file: string): 'absent' | 'empty' | 'plain' | 'other' {
  if (file === ':memory:' || file === '' || !existsSync(file)) return 'absent'
  const fd = openSync(file, 'r')
  try {
    const head = Buffer.alloc(16)
    const n = readSync(fd, head, 0, 16, 0)
    if (n === 0) return 'empty'
    return n === 16 && head.equals(PLAIN_HEADER) ? 'plain' : 'other'
  } finally {
    closeSync(fd)
  }
}

/**
 * True when `file` exists, is not empty and does not start with the plain SQLite header: it is encrypted (or is not
 * SQLite at all). Used so a key is never minted while encrypted data exists (CredentialStore.databaseKey).
 */
export function isEncryptedDatabase(file: string): boolean {
  return fileKind(file) === 'other'
}

/**
 * Keys a connection (SQLite3 Multiple Ciphers). Cipher `sqlcipher` with `legacy=4` is SQLCipher 4's format
 * (AES-256-CBC per page with an HMAC-SHA512, 4096-byte pages), so the file can also be opened by sqlcipher's own
 * tools for support. The key is raw (x'…', 64 hex digits): it is random already, so no PBKDF2 runs at open.
 * The pragmas only configure this connection; nothing is written until the first read or write.
 */
function applyKey(db: DB, key: Buffer): void {
  for (const p of keyPragmas(key)) db.pragma(p)
}

/**
 * The pragmas applyKey runs, in order, for a connection opened elsewhere (hub/backup.ts keys its own connection in a
 * worker thread). They hold the key: never log them.
 */
export function keyPragmas(key: Buffer): string[] {
  if (key.length !== 32) throw new Error('The database key must be 32 bytes')
  // The key is our own hex string: no quoting issue, and pragmas cannot take bound parameters.
  return [`cipher = 'sqlcipher'`, 'legacy = 4', `key = "x'${key.toString('hex')}'"`]
}

/**
 * Encrypts a plain file in place, once (demo installs from before issue 13). `PRAGMA rekey` refuses WAL mode, so the
 * WAL is checkpointed into the file and the connection switches to a rollback journal first (openDatabase turns WAL
 * back on right after). The rekey rewrites every page under the key in one transaction: a crash half way rolls back
 * to the plain file from the journal, and the next start tries again. No plain page is left in -wal (truncated and
 * gone) or -journal (deleted at commit). Free disk blocks the filesystem once held may still keep old bytes: only OS
 * disk encryption covers those.
 */
function encryptPlainFile(db: DB, key: Buffer): void {
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.pragma('journal_mode = DELETE')
  db.pragma(`cipher = 'sqlcipher'`)
  db.pragma('legacy = 4')
  db.pragma(`rekey = "x'${key.toString('hex')}'"`)
}

/** Owner-only modes for the database and its companions (Linux/macOS; Windows ignores the mode bits). */
function restrictModes(file: string): void {
  if (process.platform === 'win32') return
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f)) chmodSync(f, 0o600)
  }
}

/**
 * Opens (creating if needed) the workstation's one SQLite file.
 * WAL lets the UI read while the sync engine writes; synchronous=FULL makes a committed visit survive a power cut,
 * which is the promise the counter makes to the patient. With `options.key` the file is encrypted at rest (a copied
 * faskes.db or -wal shows no patient data); temp tables and sorts stay in memory so no plain temp file is written.
 * The file, -wal and -shm are made 0600. Throws DatabaseKeyError when the key does not open an existing file.
 */
export function openDatabase(file: string, options: OpenOptions = {}): DB {
  const kind = fileKind(file)
  // Created 0600 before SQLite opens it: SQLite gives -wal and -shm the mode of the database file. ':memory:' and ''
  // (a private temporary database) are not paths.
  const onDisk = file !== ':memory:' && file !== ''
  if (onDisk && kind === 'absent' && !options.readonly && process.platform !== 'win32') closeSync(openSync(file, 'wx', 0o600))
  const plainBefore = options.key !== undefined && kind === 'plain'
  const db = new Database(file, { readonly: options.readonly ?? false })
  try {
    db.pragma('busy_timeout = 5000')
    // Nothing of a memory database is ever at rest (and SQLite3 Multiple Ciphers refuses a key for one).
    if (options.key && !plainBefore && onDisk) applyKey(db, options.key)
    try {
      // The first read of the file: a wrong key (or a key missing for an encrypted file) fails here.
      db.prepare('SELECT count(*) FROM sqlite_master').get()
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new DatabaseKeyError(file)
      throw err
    }
    if (options.key && plainBefore) {
      if (options.readonly) throw new Error(`${file} is not encrypted yet: open it writable once to encrypt it`)
      encryptPlainFile(db, options.key)
    }
    db.pragma('temp_store = MEMORY')
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
    }
    db.pragma('foreign_keys = ON')
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations)
    else assertNotTooNew(db, options.migrations ?? allMigrations)
    if (onDisk && !options.readonly) restrictModes(file)
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
  writeTx(db, () => {
    for (const m of pending) m.up(db)
    // user_version cannot be bound as a parameter; the value is an integer we produced.
    db.pragma(`user_version = ${latest(list)}`)
  })
  return latest(list)
}
