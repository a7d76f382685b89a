import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from './index'
import { writeTx } from './tx'
import { tempDir } from '../../../test/helpers/tmp'

/*
 * Two connections on one encrypted WAL file stand for two processes (the app and a headless sync process): SQLite's
 * locks are file locks, the same between connections of one process as between processes. One JS thread cannot make
 * a connection wait for another, so the waiting case is in two-writers.test.ts (two real processes).
 */
let tmp: ReturnType<typeof tempDir>
let a: DB
let b: DB
const key = randomBytes(32)
const count = (db: DB): number => (db.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 't%'").get() as { n: number }).n
const put = (db: DB, k: string): void => void db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 0)').run(k, '1')

beforeEach(() => {
  tmp = tempDir()
  a = openDatabase(join(tmp.dir, 'f.db'), { key })
  b = openDatabase(join(tmp.dir, 'f.db'), { key })
})
afterEach(() => {
  a.close()
  b.close()
  tmp.cleanup()
})

describe('writeTx', () => {
  it('a DEFERRED read-then-write fails at once with SQLITE_BUSY_SNAPSHOT when another connection wrote meanwhile (the bug)', () => {
    // The raw API, to show what writeTx prevents (lint keeps it out of app code; tests may use it).
    const deferred = a.transaction(() => {
      count(a)
      put(b, 't-other')
      put(a, 't-mine')
    })
    let code: string | undefined
    try {
      deferred()
    } catch (err) {
      code = (err as { code?: string }).code
    }
    expect(code).toBe('SQLITE_BUSY_SNAPSHOT')
    expect(count(b)).toBe(1)
  })

  it('takes the write lock at BEGIN: the other connection cannot slip a write in between, and waits for it', () => {
    b.pragma('busy_timeout = 20')
    let other: string | undefined
    writeTx(a, () => {
      count(a)
      try {
        put(b, 't-other')
      } catch (err) {
        other = (err as { code?: string }).code
      }
      put(a, 't-mine')
    })
    // b waited its (shortened) busy_timeout for the lock a held from BEGIN; a's read-then-write committed.
    expect(other).toBe('SQLITE_BUSY')
    expect(count(b)).toBe(1)
    put(b, 't-other')
    expect(count(a)).toBe(2)
  })

  it('rolls back on a throw and re-throws; nested, it is a savepoint of the outer transaction', () => {
    expect(() =>
      writeTx(a, () => {
        put(a, 't1')
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(count(a)).toBe(0)
    const result = writeTx(a, () => {
      put(a, 't2')
      expect(() =>
        writeTx(a, () => {
          put(a, 't3')
          throw new Error('inner')
        }),
      ).toThrow('inner')
      return 'kept'
    })
    expect(result).toBe('kept')
    expect(a.prepare("SELECT key FROM settings WHERE key LIKE 't%'").pluck().all()).toEqual(['t2'])
  })
})
