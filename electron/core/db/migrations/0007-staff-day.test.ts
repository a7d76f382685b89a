import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0007 upgrades a version-6 file in place: old registrations are bpjs and verified, the queue columns start empty', () => {
  const file = join(tmp.dir, 'm7.db')
  const v6 = openDatabase(file, { migrations: migrations.slice(0, 6) })
  v6.prepare(
    `INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, kunj_sakit, kd_tkp, created_at, updated_at)
     VALUES ('20261129-0001', '0009999000003', '2026-11-29', '001', 1, '10', 1, 1)`,
  ).run()
  v6.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, 7) })
  expect(db.pragma('user_version', { simple: true })).toBe(7)
  expect(db.prepare('SELECT penjamin, verification, called_at, call_count, attendance FROM registrations').get()).toEqual({
    penjamin: 'bpjs',
    verification: 'verified',
    called_at: null,
    call_count: 0,
    attendance: null,
  })
  expect(() => db.prepare(`UPDATE registrations SET penjamin = 'asuransi'`).run()).toThrow(/CHECK/)
  expect(() => db.prepare(`UPDATE registrations SET attendance = 'mungkin'`).run()).toThrow(/CHECK/)
  db.close()
})
