import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { z } from 'zod'
import { keyPragmas, type DB } from '../db'
import type { Logger } from '../log'
import { readSettingRow, writeSettingRow } from '../settings/rows'

/**
 * The hub's online backup (issue 16, Deliver 5; docs/hub.md "Backup and restore").
 *
 * Why `VACUUM INTO` on a second connection in a worker thread, and not better-sqlite3's `db.backup()`: the backup API
 * opens its destination without a key, and SQLite3 Multiple Ciphers refuses to copy an encrypted source into it
 * ("backup is not supported with incompatible source and target databases"), so it cannot make an encrypted copy.
 * `VACUUM INTO` from a keyed connection writes the copy under the same cipher and key (SQLCipher 4 format, checked by
 * backup.test.ts: the copy does not open without the key and holds no plain text). It runs on its own read-only
 * connection in a worker thread: in WAL mode a reader never blocks the hub's writers (they append to the WAL while
 * the copy reads its snapshot), and the hub's event loop keeps serving desks.
 */

/** A finished copy's name: `faskes-<UTC yyyymmddThhmmssmmmZ>.db` (milliseconds last), so names sort by time. */
const COPY_NAME = /^faskes-\d{8}T\d{9}Z\.db$/
/** A copy being written: renamed to its final name only once complete and on disk. */
const TEMP_SUFFIX = '.tmp'
/** Settings row of the last outcome (hub.status shows it). */
const STATUS_KEY = 'hub.backup'

/** The last backup's outcome as the hub records it. Times are epoch ms; `dir` is the backup folder (absolute). */
export const BackupStatus = z.object({
  at: z.number(),
  dir: z.string(),
  ok: z.boolean(),
  /** The copy's file name inside `dir` (null when the attempt failed). */
  file: z.string().nullable(),
  bytes: z.number().nullable(),
  ms: z.number(),
  /** SQLite's or the file system's error text on failure (no patient data: paths and codes only). */
  error: z.string().nullable(),
})
export type BackupStatus = z.infer<typeof BackupStatus>

/** The last recorded outcome, or null when this hub never ran a backup. */
export function lastBackup(db: DB): BackupStatus | null {
  return readSettingRow<BackupStatus | null>(db, STATUS_KEY, BackupStatus, null)
}

function recordStatus(db: DB, status: BackupStatus): void {
  writeSettingRow(db, STATUS_KEY, status, status.at)
}

/** Forgets the last outcome (a restored hub: the row in the copy describes the old hub's backups). */
export function clearBackupStatus(db: DB): void {
  db.prepare('DELETE FROM settings WHERE key = ?').run(STATUS_KEY)
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:.]/g, '')
}

/** The finished copies in `dir`, newest first. */
export function backupCopies(dir: string): string[] {
  return safeList(dir)
    .filter((n) => COPY_NAME.test(n))
    .sort()
    .reverse()
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

// The worker is plain CommonJS given as text: it must load in the hub (tsx), in vitest and in a bundle alike, and it
// needs nothing but the same better-sqlite3 build (passed as a resolved path) and the key pragmas (in memory only).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.sqlite)
const db = new Database(workerData.file, { readonly: true, fileMustExist: true })
try {
  db.pragma('busy_timeout = 5000')
  for (const p of workerData.pragmas) db.pragma(p)
  db.exec("VACUUM INTO '" + workerData.out.replace(/'/g, "''") + "'")
  parentPort.postMessage('done')
} finally {
  db.close()
}`

/** Runs VACUUM INTO in a worker thread; rejects with the worker's error (never the key). */
function vacuumInto(file: string, out: string, key: Buffer | undefined): Promise<void> {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
  return new Promise((done, fail) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { sqlite, file, out, pragmas: key ? keyPragmas(key) : [] } })
    let finished = false
    worker.once('message', () => (finished = true))
    worker.once('error', (err) => fail(err instanceof Error ? new Error(err.message) : new Error(String(err))))
    worker.once('exit', (code) => (finished ? done() : fail(new Error(`backup worker exited with code ${code}`))))
  })
}

export interface BackupOptions {
  /** The live database file (Core.dbFile). */
  file: string
  /** Its key (openCore's); without it the copy is plain, as the file is (unit tests only). */
  key?: Buffer
  /** The backup folder: another disk or a share. Created 0700 if missing. */
  dir: string
  /** Finished copies to keep (the oldest beyond it are deleted after a new copy is in place). At least 1. */
  keep: number
  now?: () => number
}

/**
 * Writes one consistent copy of `file` into `dir` as `faskes-<time>.db`: VACUUM INTO a `.tmp` file created 0600,
 * fsync, rename, fsync of the folder, so a crash or a full disk never leaves a half copy under a final name. Then
 * deletes the oldest copies beyond `keep`. Returns the copy's path and size. Throws the SQLite or file system error
 * (the `.tmp` file is removed).
 */
export async function backupOnce(options: BackupOptions): Promise<{ path: string; bytes: number }> {
  const now = options.now ?? Date.now
  const dir = resolve(options.dir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const name = `faskes-${stamp(now())}.db`
  const tmp = join(dir, `.${name}${TEMP_SUFFIX}`)
  const path = join(dir, name)
  // VACUUM INTO accepts an empty existing file: made 0600 first, the copy never exists with a wider mode.
  closeSync(openSync(tmp, 'w', 0o600))
  try {
    await vacuumInto(options.file, tmp, options.key)
    fsyncPath(tmp)
    renameSync(tmp, path)
    if (process.platform !== 'win32') fsyncPath(dir)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  for (const old of backupCopies(dir).slice(Math.max(1, options.keep))) rmSync(join(dir, old), { force: true })
  return { path, bytes: statSync(path).size }
}

/** A running schedule (startBackups). */
export interface BackupSchedule {
  /** Runs one backup now (waits for one already running first); resolves to its recorded outcome. */
  runNow(): Promise<BackupStatus>
  /** Stops the timer and waits for a running copy to finish. */
  stop(): Promise<void>
}

/**
 * Backs the hub's database up every `intervalMs` (the first one interval after start), one at a time, and records
 * each outcome in the settings row hub.status reads. Logs one line per copy: folder, file name, size and duration,
 * or the error; never patient data or the key. A failed copy is logged and tried again at the next interval.
 */
export function startBackups(db: DB, options: BackupOptions & { intervalMs: number; log?: Logger }): BackupSchedule {
  const now = options.now ?? Date.now
  const dir = resolve(options.dir)
  // A copy cut off by a crash of an earlier run: never a finished copy, so it goes.
  for (const n of safeList(dir)) if (n.endsWith(TEMP_SUFFIX) && n.startsWith('.faskes-')) rmSync(join(dir, n), { force: true })
  let timer: NodeJS.Timeout | null = null
  // Copies run one after another: the chain is the last one queued (run never rejects).
  let chain: Promise<unknown> = Promise.resolve()
  let stopped = false

  const run = async (): Promise<BackupStatus> => {
    const started = now()
    let status: BackupStatus
    try {
      const { path, bytes } = await backupOnce({ ...options, dir })
      status = { at: now(), dir, ok: true, file: basename(path), bytes, ms: now() - started, error: null }
      options.log?.info('backup done', { dir, file: status.file, bytes, ms: status.ms })
    } catch (err) {
      status = { at: now(), dir, ok: false, file: null, bytes: null, ms: now() - started, error: err instanceof Error ? err.message : String(err) }
      options.log?.error('backup failed', { dir, ms: status.ms, error: status.error })
    }
    try {
      if (db.open) recordStatus(db, status)
    } catch (err) {
      options.log?.warn('backup status not recorded', { error: err instanceof Error ? err.message : String(err) })
    }
    return status
  }
  const once = (): Promise<BackupStatus> => {
    const next = chain.then(run)
    chain = next
    return next
  }
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => void once().finally(schedule), options.intervalMs)
    timer.unref()
  }
  schedule()
  return {
    runNow: once,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await chain
    },
  }
}

/** The folder's entries, or none when it does not exist (yet). */
function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
