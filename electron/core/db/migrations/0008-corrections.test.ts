import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0008 upgrades a version-7 file in place: examinations keep their rows, not deleted; corrections need a reason and a known kind', () => {
  const file = join(tmp.dir, 'm8.db')
  const v7 = openDatabase(file, { migrations: migrations.slice(0, 7) })
  v7.prepare(
    `INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, kunj_sakit, kd_tkp, created_at, updated_at)
     VALUES ('20261129-0001', '0009999000003', '2026-11-29', '001', 1, '10', 1, 1)`,
  ).run()
  v7.prepare(`INSERT INTO examinations (no_rawat, data, ledger_visit_id, created_at, updated_at) VALUES ('20261129-0001', '{}', 'X-20261129-0001', 1, 1)`).run()
  v7.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, 8) })
  expect(db.pragma('user_version', { simple: true })).toBe(8)
  expect(db.prepare('SELECT no_rawat, deleted_at FROM examinations').get()).toEqual({ no_rawat: '20261129-0001', deleted_at: null })
  const add = db.prepare(`INSERT INTO corrections (no_rawat, kind, reason, effect, created_by, created_at) VALUES (?, ?, ?, ?, 'petugas1', 1)`)
  add.run('20261129-0001', 'cancel_registration', 'salah poli', 'queued')
  expect(() => add.run('20261129-0001', 'cancel_registration', '   ', 'queued')).toThrow(/CHECK/)
  expect(() => add.run('20261129-0001', 'rename', 'salah', 'queued')).toThrow(/CHECK/)
  expect(() => add.run('20261129-0001', 'edit_examination', 'salah', 'later')).toThrow(/CHECK/)
  expect(() => add.run('20261129-0099', 'delete_kunjungan', 'salah pasien', 'queued')).toThrow(/FOREIGN KEY/)
  expect(db.prepare('SELECT count(*) AS n FROM corrections').get()).toEqual({ n: 1 })
  db.close()
})
