import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DB } from './index'
import { prepared } from './statements'

let a: DB
let b: DB
beforeEach(() => {
  a = new Database(':memory:')
  b = new Database(':memory:')
  for (const db of [a, b]) db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
})
afterEach(() => {
  a.close()
  b.close()
})

describe('prepared', () => {
  it('compiles a text once per connection and runs it with fresh bindings each time', () => {
    const ins = prepared(a, 'INSERT INTO t (v) VALUES (?)')
    expect(prepared(a, 'INSERT INTO t (v) VALUES (?)')).toBe(ins)
    prepared(a, 'INSERT INTO t (v) VALUES (?)').run('x')
    prepared(a, 'INSERT INTO t (v) VALUES (?)').run('y')
    expect(prepared(a, 'SELECT v FROM t ORDER BY id').all()).toEqual([{ v: 'x' }, { v: 'y' }])
    expect(prepared(a, 'SELECT v FROM t WHERE v = ?').get('z')).toBeUndefined()
  })

  it('keeps connections apart: the same text on another connection is its own statement on its own data', () => {
    prepared(a, 'INSERT INTO t (v) VALUES (?)').run('only-a')
    expect(prepared(b, 'INSERT INTO t (v) VALUES (?)')).not.toBe(prepared(a, 'INSERT INTO t (v) VALUES (?)'))
    expect(prepared(b, 'SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 })
    expect(prepared(a, 'SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 })
  })

  it('sees a schema change made after the statement was compiled (a migration on the same connection)', () => {
    prepared(a, 'INSERT INTO t (v) VALUES (?)').run('x')
    const star = prepared(a, 'SELECT * FROM t')
    expect(star.get()).toEqual({ id: 1, v: 'x' })
    a.exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'new'")
    expect(prepared(a, 'SELECT * FROM t')).toBe(star)
    expect(star.get()).toEqual({ id: 1, v: 'x', w: 'new' })
  })

  it('stays bounded when texts are many: it starts over rather than growing', () => {
    const first = prepared(a, 'SELECT 0 AS n')
    for (let i = 1; i <= 300; i++) expect(prepared(a, `SELECT ${i} AS n`).get()).toEqual({ n: i })
    // 300 more texts passed the bound (256), so the first was dropped and is compiled anew.
    expect(prepared(a, 'SELECT 0 AS n')).not.toBe(first)
    expect(prepared(a, 'SELECT 0 AS n').get()).toEqual({ n: 0 })
  })
})
