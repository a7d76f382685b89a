import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0015-hub-desks'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0015 gives existing visits version 1 and the user audit a desk column', () => {
  const upTo = migrations.findIndex((m) => m.version === migration.version)
  const file = join(tmp.dir, 'm15.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  before
    .prepare("INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, kunj_sakit, kd_tkp, created_at, updated_at) VALUES ('R1', '0001', '2026-11-30', '001', 1, '10', 1, 1)")
    .run()
  before.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(15)
  expect(db.prepare("SELECT version FROM registrations WHERE no_rawat = 'R1'").get()).toEqual({ version: 1 })
  expect(() => db.prepare("UPDATE registrations SET version = 0 WHERE no_rawat = 'R1'").run()).toThrow(/CHECK/)
  db.prepare("INSERT INTO user_audit (at, actor, username, action, desk) VALUES (1, 'admin', 'loket', 'create', 'Loket 1')").run()
  expect(db.prepare('SELECT desk FROM user_audit').get()).toEqual({ desk: 'Loket 1' })
  db.close()
})
