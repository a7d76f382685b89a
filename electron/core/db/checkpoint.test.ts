import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from './index'
import { SAFETY_AUTOCHECKPOINT_PAGES, startCheckpointer } from './checkpoint'
import { writeTx } from './tx'
import { tempDir } from '../../../test/helpers/tmp'
import { until } from '../../../test/helpers/until'

let tmp: ReturnType<typeof tempDir>
let db: DB
const key = randomBytes(32)
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'f.db'), { key })
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, b BLOB NOT NULL)')
})
afterEach(() => {
  if (db.open) db.close()
  tmp.cleanup()
})

/** `rows` rows of 3 kB each, ten per write transaction: about one WAL page per row. */
function write(rows: number): void {
  const ins = db.prepare('INSERT INTO blobs (b) VALUES (randomblob(3000))')
  for (let i = 0; i < rows; i += 10) writeTx(db, () => { for (let k = 0; k < 10; k++) ins.run() })
}

describe('startCheckpointer', () => {
  it('keeps checkpoints out of the COMMITs: the WAL passes 1000 pages, and one run then copies all of it', () => {
    const cp = startCheckpointer(db, 60_000)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_AUTOCHECKPOINT_PAGES)
    write(1500)
    const r = cp.runNow()
    // With SQLite's default (1000 pages) a COMMIT would have checkpointed and the WAL restarted below 1000 pages.
    expect(r.log).toBeGreaterThan(1000)
    expect(r).toMatchObject({ busy: 0, checkpointed: r.log })
    expect(cp.stats().runs).toBe(1)
    cp.stop()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  })

  it('runs on its timer between writes; the copied pages are in the database file for another connection', async () => {
    const cp = startCheckpointer(db, 20)
    write(50)
    await until('a timed checkpoint', () => cp.stats().runs >= 2, 5000)
    cp.stop()
    // The rows' pages were copied into the database file itself (it held only the schema before): 50 rows of 3 kB.
    expect(statSync(join(tmp.dir, 'f.db')).size).toBeGreaterThanOrEqual(50 * 3000)
    const other = openDatabase(join(tmp.dir, 'f.db'), { key })
    try {
      expect((other.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n).toBe(50)
    } finally {
      other.close()
    }
  })

  it('stops itself once the connection is closed', async () => {
    const cp = startCheckpointer(db, 10)
    await until('a first run', () => cp.stats().runs >= 1, 5000)
    db.close()
    const runs = cp.stats().runs
    await new Promise((r) => setTimeout(r, 60))
    expect(cp.stats().runs).toBe(runs)
    expect(() => cp.stop()).not.toThrow()
  })
})
