import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { raiseNoRawatOffsets } from '../clinic/no-rawat'
import { openDatabase, schemaVersion } from '../db'
import { writeTx } from '../db/tx'
import { clearBackupStatus } from './backup'
import { setDeploymentMode } from './registry'

/** What restoreBackup did. */
export interface RestoreResult {
  /** The restored faskes.db (absolute). */
  file: string
  /** Schema version after opening (migrations of a newer app run on the restored copy). */
  schemaVersion: number
  /** Unsent outbox jobs (pending, waiting to retry, or in flight in the copy) that will be looked up before any send. */
  toReconcile: number
  /** The days (yyyy-MM-dd) whose visit numbers now start above the old hub's (clinic/no-rawat.ts). */
  raisedDays: string[]
}

/**
 * Restores a hub backup copy (hub/backup.ts) into `dataDir` as its faskes.db (issue 16, Deliver 5):
 * 1. the copy must open with `key` and pass `PRAGMA integrity_check`, or nothing is written;
 * 2. `dataDir` must not hold a faskes.db already (an admin restoring over a live hub would lose its newer work);
 * 3. the copy is placed through a 0600 temp file, fsync and rename;
 * 4. every unsent job is flagged needs_reconcile and due now, and leftover chain locks go. Why: a job still pending in
 *    the copy may have been sent by the old hub after the copy was taken. The sync worker asks the remote first for a
 *    flagged job (PCare lookups, the ledger's record read, SATUSEHAT identifiers, antrean's repeat rule), exactly as
 *    for a job found in flight after a crash, so nothing the old hub sent is sent twice;
 * 5. the visit numbers of the days the old hub may have worked after the copy start above its own (no-rawat.ts);
 * 6. the mode is recorded as hub, and the copy's record of the old hub's backups is dropped.
 * Throws with the reason (wrong key: DatabaseKeyError; damaged copy; folder taken). The keychain is the caller's.
 */
export function restoreBackup(options: { backupFile: string; key: Buffer; dataDir: string; now?: number }): RestoreResult {
  const now = options.now ?? Date.now()
  const dataDir = resolve(options.dataDir)
  const file = join(dataDir, 'faskes.db')
  if (existsSync(file)) throw new Error(`${file} exists: restore into a new, empty data folder`)
  const copy = openDatabase(options.backupFile, { key: options.key, readonly: true })
  try {
    const check = copy.pragma('integrity_check') as { integrity_check: string }[]
    if (check.length !== 1 || check[0].integrity_check !== 'ok') {
      throw new Error(`the backup copy fails PRAGMA integrity_check: ${check.slice(0, 3).map((r) => r.integrity_check).join('; ')}`)
    }
  } finally {
    copy.close()
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  if (process.platform !== 'win32') chmodSync(dataDir, 0o700)
  const tmp = `${file}.restoring`
  try {
    copyFileSync(options.backupFile, tmp)
    if (process.platform !== 'win32') chmodSync(tmp, 0o600)
    const fd = openSync(tmp, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  const db = openDatabase(file, { key: options.key })
  try {
    let toReconcile = 0
    let raisedDays: string[] = []
    writeTx(db, () => {
      toReconcile = db
        .prepare(`UPDATE outbox SET needs_reconcile = 1, next_attempt_at = ?, updated_at = ? WHERE status IN ('pending', 'failed_transient', 'in_flight')`)
        .run(now, now).changes
      // No runner of this file is alive: locks copied from the old hub would only hold chains until they expire.
      db.prepare('DELETE FROM chain_locks').run()
      // The old hub may have registered visits after the copy, on the copy's last day up to today: their numbers must
      // not be given again (no-rawat.ts). The copy's newest registration or outbox row bounds when it was taken.
      const newest = db.prepare('SELECT max(t) AS t FROM (SELECT max(created_at) AS t FROM registrations UNION ALL SELECT max(created_at) FROM outbox)').get() as { t: number | null }
      raisedDays = raiseNoRawatOffsets(db, newest.t ?? now, now)
      clearBackupStatus(db)
      setDeploymentMode(db, 'hub', now)
    })
    return { file, schemaVersion: schemaVersion(db), toReconcile, raisedDays }
  } finally {
    db.close()
  }
}
