import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0009-clinical-data'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const upTo = migrations.findIndex((m) => m.version === migration.version)

it('0009 upgrades a file in place: cards already registered get medical record numbers in order of their first visit', () => {
  const file = join(tmp.dir, 'm9.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  const reg = before.prepare(
    `INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, kunj_sakit, kd_tkp, created_at, updated_at) VALUES (?, ?, '2026-11-29', ?, 1, '10', ?, ?)`,
  )
  reg.run('20261129-0001', '0009999000003', '001', 300, 300)
  reg.run('20261129-0002', '0009999000001', '001', 100, 100)
  reg.run('20261129-0003', '0009999000003', '002', 50, 50)
  before.prepare(`INSERT INTO patients (no_kartu, nama, updated_at) VALUES ('0009999000001', 'A', 1)`).run()
  before.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(migration.version)
  expect(db.prepare('SELECT no_kartu, no_rm, created_at FROM medical_records ORDER BY no_rm').all()).toEqual([
    { no_kartu: '0009999000003', no_rm: '000001', created_at: 50 },
    { no_kartu: '0009999000001', no_rm: '000002', created_at: 100 },
  ])
  expect(() => db.prepare(`INSERT INTO medical_records (no_kartu, no_rm, created_at) VALUES ('0009999000009', '000001', 1)`).run()).toThrow(/UNIQUE/)
  expect(db.prepare('SELECT no_hp FROM patients').get()).toEqual({ no_hp: null })
  db.close()
})

it('0009 caches allergies per jenis 01/02/03 (one row per code and jenis) and prognoses', () => {
  const db = openDatabase(join(tmp.dir, 'm9-ref.db'), { migrations: migrations.slice(0, upTo + 1) })
  const alergi = db.prepare('INSERT INTO ref_alergi (jenis, kd_alergi, nm_alergi, fetched_at) VALUES (?, ?, ?, 1)')
  alergi.run('01', '00', 'Tidak Ada')
  alergi.run('03', '00', 'Tidak Ada')
  expect(() => alergi.run('01', '00', 'Lagi')).toThrow(/UNIQUE/)
  expect(() => alergi.run('04', '00', 'Bukan jenis PCare')).toThrow(/CHECK/)
  db.prepare(`INSERT INTO ref_prognosa (kd_prognosa, nm_prognosa, fetched_at) VALUES ('01', 'Sanam (Sembuh)', 1)`).run()
  expect(() => db.prepare(`INSERT INTO ref_prognosa (kd_prognosa, nm_prognosa, fetched_at) VALUES ('01', 'x', 1)`).run()).toThrow(/UNIQUE/)
  db.close()
})
