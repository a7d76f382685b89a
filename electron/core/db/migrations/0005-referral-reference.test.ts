import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0005 upgrades a version-4 file in place: referral reference tables, sub-spesialis tied to their spesialis', () => {
  const file = join(tmp.dir, 'm5.db')
  const v4 = openDatabase(file, { migrations: migrations.slice(0, 4) })
  v4.prepare(`INSERT INTO ref_kesadaran (kd_sadar, nm_sadar, fetched_at) VALUES ('01', 'Compos mentis', 1)`).run()
  v4.close()

  const db = openDatabase(file, { migrations: migrations.slice(0, 5) })
  expect(db.pragma('user_version', { simple: true })).toBe(5)
  // Data written under version 4 is still there.
  expect(db.prepare('SELECT nm_sadar FROM ref_kesadaran').get()).toEqual({ nm_sadar: 'Compos mentis' })
  db.prepare(`INSERT INTO ref_spesialis (kd_spesialis, nm_spesialis, fetched_at) VALUES ('INT', 'PENYAKIT DALAM', 1)`).run()
  db.prepare(`INSERT INTO ref_subspesialis (kd_subspesialis, kd_spesialis, nm_subspesialis, kd_poli_rujuk, fetched_at) VALUES ('26', 'INT', 'PENYAKIT DALAM', 'INT', 1)`).run()
  expect(() =>
    db.prepare(`INSERT INTO ref_subspesialis (kd_subspesialis, kd_spesialis, nm_subspesialis, fetched_at) VALUES ('99', 'XXX', 'TANPA INDUK', 1)`).run(),
  ).toThrow(/FOREIGN KEY/)
  db.prepare(`DELETE FROM ref_spesialis`).run()
  expect(db.prepare('SELECT count(*) AS n FROM ref_subspesialis').get()).toEqual({ n: 0 })
  // One cached faskes-rujukan answer per (sub-spesialis, sarana).
  const put = db.prepare(`INSERT INTO faskes_rujukan_cache (kd_subspesialis, kd_sarana, tgl_est_rujuk, list, fetched_at) VALUES ('26', '', '2026-11-24', '[]', ?)`)
  put.run(1)
  expect(() => put.run(2)).toThrow(/UNIQUE/)
  db.close()
})
