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

it('0007 caches tindakan per TKP and DPHO drugs: one row per code and TKP, TKP limited to PCare\'s three', () => {
  const db = openDatabase(join(tmp.dir, 'm7-items.db'), { migrations: migrations.slice(0, 7) })
  const tindakan = db.prepare('INSERT INTO ref_tindakan (kd_tkp, kd_tindakan, nm_tindakan, max_tarif, fetched_at) VALUES (?, ?, ?, ?, 1)')
  tindakan.run('10', '10002', 'Perawatan luka', 30000)
  tindakan.run('20', '10002', 'Perawatan luka', 45000.5)
  expect(() => tindakan.run('10', '10002', 'Perawatan luka', 30000)).toThrow(/UNIQUE/)
  expect(() => tindakan.run('30', '30001', 'Bukan TKP PCare', null)).toThrow(/CHECK/)
  expect(db.prepare(`SELECT with_value FROM ref_tindakan WHERE kd_tkp = '10'`).get()).toEqual({ with_value: 0 })
  expect(() => db.prepare(`UPDATE ref_tindakan SET with_value = 2`).run()).toThrow(/CHECK/)
  db.prepare('INSERT INTO ref_obat (kd_obat, nm_obat, sedia, fetched_at) VALUES (?, ?, ?, 1)').run('120100362', 'Parasetamol tab 500 mg', null)
  expect(() => db.prepare('INSERT INTO ref_obat (kd_obat, nm_obat, sedia, fetched_at) VALUES (?, ?, ?, 1)').run('120100362', 'Lagi', 1)).toThrow(/UNIQUE/)
  expect(() => db.prepare(`INSERT INTO ref_obat (kd_obat, nm_obat, sedia, fetched_at) VALUES ('x', 'y', 'banyak', 1)`).run()).toThrow(/cannot store TEXT/)
  db.close()
})

it('0007 keeps one doctor schedule per poli and day, and a clinician can carry a kd_dokter', () => {
  const db = openDatabase(join(tmp.dir, 'm7s.db'), { migrations: migrations.slice(0, 7) })
  const ins = db.prepare(`INSERT INTO doctor_schedule (kd_poli, tanggal, kd_dokter, nm_dokter, jam_praktek, kapasitas) VALUES ('001', '2026-11-29', ?, 'dr. X', '08:00-12:00', 30)`)
  ins.run('131491')
  expect(() => ins.run('131491')).toThrow(/UNIQUE/)
  db.prepare(`INSERT INTO doctor_schedule_fetch (kd_poli, tanggal, fetched_at) VALUES ('001', '2026-11-29', 1)`).run()
  expect(() => db.prepare(`INSERT INTO doctor_schedule_fetch (kd_poli, tanggal, fetched_at) VALUES ('001', '2026-11-29', 2)`).run()).toThrow(/UNIQUE/)
  db.prepare(`INSERT INTO users (username, password_hash, role, created_at, kd_dokter) VALUES ('dr.x', 'h', 'clinician', 1, '131491')`).run()
  expect(db.prepare('SELECT kd_dokter FROM users').get()).toEqual({ kd_dokter: '131491' })
  db.close()
})

it('0007 diagnosa_picks: one row per user and code, a positive count', () => {
  const db = openDatabase(join(tmp.dir, 'picks.db'), { migrations: migrations.slice(0, 7) })
  const add = db.prepare('INSERT INTO diagnosa_picks (user_id, kd_diag, n, last_at) VALUES (?, ?, ?, ?)')
  add.run('dokter1', 'I10', 1, 1)
  add.run('dokter2', 'I10', 2, 1)
  expect(() => add.run('dokter1', 'I10', 1, 2)).toThrow(/UNIQUE|PRIMARY/)
  expect(() => add.run('dokter1', 'J06.9', 0, 2)).toThrow(/CHECK/)
  expect(db.prepare('SELECT count(*) AS n FROM diagnosa_picks').get()).toEqual({ n: 2 })
  db.close()
})

it('0007 patients.tunggakan: empty for rows cached before, an integer (rupiah) after', () => {
  const file = join(tmp.dir, 'm7-tunggakan.db')
  const v6 = openDatabase(file, { migrations: migrations.slice(0, 6) })
  v6.prepare(`INSERT INTO patients (no_kartu, nama, aktif, updated_at) VALUES ('0009999000008', 'X', 1, 1)`).run()
  v6.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, 7) })
  expect(db.prepare('SELECT tunggakan FROM patients').get()).toEqual({ tunggakan: null })
  db.prepare('UPDATE patients SET tunggakan = 350000').run()
  expect(() => db.prepare(`UPDATE patients SET tunggakan = 'banyak'`).run()).toThrow(/cannot store TEXT/)
  db.close()
})
