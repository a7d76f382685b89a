import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0006 upgrades a version-5 file in place with a khusus list keyed by code', () => {
  const file = join(tmp.dir, 'm6.db')
  const v5 = openDatabase(file, { migrations: migrations.slice(0, 5) })
  v5.prepare(`INSERT INTO ref_sarana (kd_sarana, nm_sarana, fetched_at) VALUES ('1', 'REKAM MEDIK', 1)`).run()
  v5.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, 6) })
  expect(db.pragma('user_version', { simple: true })).toBe(6)
  expect(db.prepare('SELECT nm_sarana FROM ref_sarana').get()).toEqual({ nm_sarana: 'REKAM MEDIK' })
  const put = db.prepare(`INSERT INTO ref_khusus (kd_khusus, nm_khusus, fetched_at) VALUES ('HDL', 'HEMODIALISA', 1)`)
  put.run()
  expect(() => put.run()).toThrow(/UNIQUE/)
  expect(() => db.prepare(`INSERT INTO ref_khusus (kd_khusus, nm_khusus, fetched_at) VALUES ('IGD', NULL, 1)`).run()).toThrow(/NOT NULL/)
  db.close()
})
