import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { DatabaseTooNewError, migrate, openDatabase, schemaVersion } from './index'
import { migrations } from './migrations'
import type { Migration } from './types'
import { tempDir } from '../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

describe('openDatabase', () => {
  it('creates a WAL file with synchronous=FULL and applies every migration', () => {
    const file = join(tmp.dir, 'w.db')
    const db = openDatabase(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(2) // FULL
    expect(schemaVersion(db)).toBe(migrations.length)
    db.close()
  })

  it('is idempotent: reopening does not re-run migrations', () => {
    const file = join(tmp.dir, 'w.db')
    openDatabase(file).close()
    const db = openDatabase(file)
    expect(schemaVersion(db)).toBe(migrations.length)
    db.close()
  })

  it('refuses a database written by a newer app and leaves it untouched', () => {
    const file = join(tmp.dir, 'future.db')
    const raw = new Database(file)
    raw.pragma(`user_version = ${migrations.length + 5}`)
    raw.exec('CREATE TABLE marker (x INTEGER)')
    raw.close()
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError)
    const check = new Database(file)
    expect(check.pragma('user_version', { simple: true })).toBe(migrations.length + 5)
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'settings'").get()).toEqual({ n: 0 })
    check.close()
  })

  it('rolls back every step and the version when a migration fails half way', () => {
    const file = join(tmp.dir, 'broken.db')
    const broken: Migration[] = [
      { version: 1, name: 'ok', up: (db) => db.exec('CREATE TABLE a (x INTEGER)') },
      { version: 2, name: 'fails', up: (db) => db.exec('CREATE TABLE b (x INTEGER); SELECT * FROM nope') },
    ]
    const db = new Database(file)
    expect(() => migrate(db, broken)).toThrow(/nope/)
    expect(schemaVersion(db)).toBe(0)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([])
    db.close()
  })

  it('rejects a gap in migration numbering', () => {
    const db = new Database(join(tmp.dir, 'gap.db'))
    expect(() => migrate(db, [{ version: 2, name: 'x', up: () => {} }])).toThrow(/expected 1/)
    db.close()
  })
})
