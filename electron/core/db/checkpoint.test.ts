import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from './index'
import { startCheckpointer } from './checkpoint'
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
  it('keeps the WAL below the automatic checkpoint: 2000 pages written with a run between every 200', () => {
    const cp = startCheckpointer(db, 60_000)
    for (let i = 0; i < 10; i++) {
      write(200)
      const r = cp.runNow()
      expect(r).toMatchObject({ busy: 0, checkpointed: r.log })
    }
    // The WAL starts over after each complete run, so the file never held the 1000 pages at which a COMMIT would
    // have checkpointed (SQLite's default, left as it is): no save carried a checkpoint. Without the runs it grows
    // to 1000 pages before the first automatic one.
    expect(statSync(join(tmp.dir, 'f.db-wal')).size).toBeLessThan(400 * 4096)
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    expect(cp.stats().runs).toBe(10)
    cp.stop()
  })

  it('without it, the same writes grow the WAL to the automatic checkpoint (what the first test guards against)', () => {
    write(2000)
    expect(statSync(join(tmp.dir, 'f.db-wal')).size).toBeGreaterThanOrEqual(1000 * 4096)
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

  it('runs between saves after every N commits: never inside a save, and savepoints do not count', async () => {
    const cp = startCheckpointer(db, 60_000, 3)
    const ins = db.prepare('INSERT INTO blobs (b) VALUES (randomblob(3000))')
    // Two outermost commits, one of them with a nested writeTx (a savepoint, not a commit): under the count.
    writeTx(db, () => ins.run())
    writeTx(db, () => writeTx(db, () => ins.run()))
    await new Promise((r) => setImmediate(r))
    expect(cp.stats().runs).toBe(0)
    // The third commit schedules one run; it has not happened when writeTx returns (the save is not held up)...
    writeTx(db, () => ins.run())
    writeTx(db, () => ins.run())
    expect(cp.stats().runs).toBe(0)
    // ...and happens on the next turn of the event loop, once for the commits so far, copying their pages.
    await new Promise((r) => setImmediate(r))
    expect(cp.stats().runs).toBe(1)
    expect(statSync(join(tmp.dir, 'f.db')).size).toBeGreaterThanOrEqual(4 * 3000)
    // After stop(), commits schedule nothing.
    cp.stop()
    for (let i = 0; i < 6; i++) writeTx(db, () => ins.run())
    await new Promise((r) => setImmediate(r))
    expect(cp.stats().runs).toBe(1)
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
