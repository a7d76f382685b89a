import { z } from 'zod'
import type { DB } from '../db'
import { readSettingRow, writeSettingRow } from '../settings/rows'
import { localIsoDate } from './dates'

/**
 * Skips in the day's running visit numbers after a hub restore (issue 16, Deliver 5; docs/hub.md "Backup and restore").
 *
 * A no_rawat is the day plus its running number (`count + 1`), and it names the visit at the ledger (`kdPPK-noRawat`)
 * and at SATUSEHAT (the Encounter's identifier). A hub restored from an older copy does not know the visits the old
 * hub registered after the copy, so `count + 1` would give a new patient a number the old hub already sent: the
 * ledger would refuse the visit (CONFLICT, same id with another payload) and SATUSEHAT's look-up by identifier could
 * adopt the other patient's Encounter. So the restore raises the numbering of every day the old hub may have worked
 * after the copy by OFFSET_STEP: new numbers start at 5001 there, above any day a puskesmas registers.
 */

/** The settings row: day (yyyy-MM-dd) → amount added to that day's running number. */
const KEY = 'clinic.noRawatOffsets'
const Offsets = z.record(z.string(), z.number().int().min(0))
/** Added per restore: more than one faskes registers in a day, within the 4 digits the number is padded to. */
export const OFFSET_STEP = 5000
/** A copy older than this many days raises only the last ones (the loop is bounded; older days are long closed). */
const MAX_DAYS = 60
const DAY_MS = 86_400_000

/**
 * The row as last read on each connection: registerVisit asks on every registration, and the row changes only at a
 * restore (raiseNoRawatOffsets, which drops the entry), which runs on the restored file before any hub opens it.
 */
const cached = new WeakMap<DB, Readonly<Record<string, number>>>()

function read(db: DB): Readonly<Record<string, number>> {
  let offsets = cached.get(db)
  if (!offsets) {
    offsets = readSettingRow(db, KEY, Offsets, {})
    cached.set(db, offsets)
  }
  return offsets
}

/** What registerVisit adds to `tgl`'s running number (0 unless a restore raised that day). */
export function noRawatOffset(db: DB, tgl: string): number {
  return read(db)[tgl] ?? 0
}

/**
 * Raises by OFFSET_STEP every day from `fromMs`'s day to the day after `toMs` (a restore near midnight), at most
 * MAX_DAYS days back from `toMs`. Call it inside the restore's transaction. Returns the days raised.
 */
export function raiseNoRawatOffsets(db: DB, fromMs: number, toMs: number): string[] {
  // Read-modify-write inside the caller's transaction: the row itself, never the cache.
  const offsets = readSettingRow(db, KEY, Offsets, {})
  const days: string[] = []
  const start = Math.max(fromMs, toMs - MAX_DAYS * DAY_MS)
  for (let t = start, i = 0; i <= MAX_DAYS + 2 && localIsoDate(t) <= localIsoDate(toMs + DAY_MS); t += DAY_MS, i++) {
    const day = localIsoDate(t)
    if (days.includes(day)) continue
    days.push(day)
    offsets[day] = (offsets[day] ?? 0) + OFFSET_STEP
  }
  writeSettingRow(db, KEY, offsets, toMs)
  // Dropped, not set: the caller's transaction may still roll back, and the next read sees what was committed.
  cached.delete(db)
  return days
}
