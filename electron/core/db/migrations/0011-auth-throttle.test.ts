import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0011-auth-throttle'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0011 adds the sign-in throttle: one row per scope and key, only user or source scopes', () => {
  const upTo = migrations.findIndex((m) => m.version === migration.version)
  const db = openDatabase(join(tmp.dir, 'm11.db'), { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(11)
  const add = db.prepare('INSERT INTO auth_throttle (scope, key, failures, last_failure_at) VALUES (?, ?, ?, ?)')
  add.run('user', 'loket1', 1, 1)
  add.run('source', 'loket1', 1, 1)
  expect(() => add.run('user', 'loket1', 2, 2)).toThrow(/UNIQUE|PRIMARY/)
  expect(() => add.run('device', 'x', 1, 1)).toThrow(/CHECK/)
  expect(() => add.run('user', '', 1, 1)).toThrow(/CHECK/)
  db.close()
})
