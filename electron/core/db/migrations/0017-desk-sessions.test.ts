import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0017-desk-sessions'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0017 keeps existing sessions unbound (null desk) and stores the desk a new session is made at', () => {
  const upTo = migrations.findIndex((m) => m.version === migration.version)
  const file = join(tmp.dir, 'm17.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  before.prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES ('loket', 'h', 'counter', 1)").run()
  before.prepare("INSERT INTO sessions (token_hash, username, created_at, last_seen_at) VALUES ('t1', 'loket', 1, 1)").run()
  before.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(17)
  db.prepare("INSERT INTO sessions (token_hash, username, created_at, last_seen_at, desk_id) VALUES ('t2', 'loket', 2, 2, 'desk-aa')").run()
  expect(db.prepare('SELECT token_hash, desk_id FROM sessions ORDER BY token_hash').all()).toEqual([
    { token_hash: 't1', desk_id: null },
    { token_hash: 't2', desk_id: 'desk-aa' },
  ])
  db.close()
})
