import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0010-user-lifecycle'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const upTo = migrations.findIndex((m) => m.version === migration.version)

it('0010 upgrades a file in place: existing users stay enabled with nothing pending; the flags take only 0 or 1', () => {
  const file = join(tmp.dir, 'm10.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  before.prepare(`INSERT INTO users (username, password_hash, role, created_at) VALUES ('loket1', 'x', 'counter', 1)`).run()
  before.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(migration.version)
  expect(db.prepare('SELECT disabled_at, must_change_password, totp_enrol_pending FROM users').get()).toEqual({
    disabled_at: null,
    must_change_password: 0,
    totp_enrol_pending: 0,
  })
  expect(() => db.prepare(`UPDATE users SET must_change_password = 2`).run()).toThrow(/CHECK/)
  expect(() => db.prepare(`UPDATE users SET totp_enrol_pending = -1`).run()).toThrow(/CHECK/)
  const audit = db.prepare(`INSERT INTO user_audit (at, actor, username, action) VALUES (1, 'admin', 'loket1', ?)`)
  audit.run('disable')
  expect(() => audit.run('')).toThrow(/CHECK/)
  expect(db.prepare('SELECT actor, username, action, detail FROM user_audit').all()).toEqual([{ actor: 'admin', username: 'loket1', action: 'disable', detail: null }])
  db.close()
})
