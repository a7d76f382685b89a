import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDatabase, type DB } from '../db'
import { tempDir } from '../../../test/helpers/tmp'
import { GroupCommit } from './group-commit'

// Counts the outermost write transactions (each one COMMIT, one fsync); nested calls are savepoints and not counted.
const outer = vi.hoisted(() => ({ n: 0 }))
vi.mock('../db/tx', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../db/tx')>()
  return {
    writeTx: ((db, fn) => {
      if (!db.inTransaction) outer.n++
      return actual.writeTx(db, fn)
    }) as typeof actual.writeTx,
  }
})

/*
 * Two connections on one WAL file: `reader` stands for another process, which sees only committed writes.
 */
let tmp: ReturnType<typeof tempDir>
let db: DB
let reader: DB
const put = (k: string) => (): void => void db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 0)').run(k, '1')
const keys = (d: DB): string[] => (d.prepare("SELECT key FROM settings WHERE key LIKE 'g%' ORDER BY key").all() as { key: string }[]).map((r) => r.key)

beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'g.db'))
  reader = openDatabase(join(tmp.dir, 'g.db'))
  outer.n = 0
})
afterEach(() => {
  db.close()
  reader.close()
  tmp.cleanup()
})

describe('GroupCommit', () => {
  it('commits the writes queued in one turn in one transaction, and resolves each only once committed', async () => {
    const g = new GroupCommit(db)
    let settled = 0
    const all = ['g1', 'g2', 'g3'].map((k) => g.run(put(k)).then(() => settled++))
    // Queued, not yet written: another connection sees nothing and no promise has resolved.
    expect(keys(reader)).toEqual([])
    expect(settled).toBe(0)
    await Promise.all(all)
    expect(keys(reader)).toEqual(['g1', 'g2', 'g3'])
    expect(outer.n).toBe(1)
    // A later turn is a new group.
    await g.run(put('g4'))
    expect(outer.n).toBe(2)
    expect(keys(reader)).toEqual(['g1', 'g2', 'g3', 'g4'])
  })

  it('a write that throws rolls back only its own changes and rejects only its own promise', async () => {
    const g = new GroupCommit(db)
    const ok1 = g.run(put('g1'))
    const bad = g.run(() => {
      put('g2')()
      throw new Error('apply failed')
    })
    const ok2 = g.run(() => (put('g3')(), 'value'))
    await expect(bad).rejects.toThrow('apply failed')
    await expect(ok1).resolves.toBeUndefined()
    await expect(ok2).resolves.toBe('value')
    expect(keys(reader)).toEqual(['g1', 'g3'])
    expect(outer.n).toBe(1)
  })

  it('a group that cannot commit rejects every write in it and leaves nothing on disk', async () => {
    db.pragma('busy_timeout = 50')
    const g = new GroupCommit(db)
    // Another process holds the write lock past the busy timeout.
    reader.exec('BEGIN IMMEDIATE')
    const a = g.run(put('g1'))
    const b = g.run(put('g2'))
    await expect(a).rejects.toThrow(/busy|locked/i)
    await expect(b).rejects.toThrow(/busy|locked/i)
    reader.exec('ROLLBACK')
    expect(keys(reader)).toEqual([])
    // The next group goes through.
    await g.run(put('g3'))
    expect(keys(reader)).toEqual(['g3'])
  })
})
