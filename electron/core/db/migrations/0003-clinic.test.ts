import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0003 upgrades a version-2 file in place: reference rows and their search survive, clinic tables start empty', () => {
  const file = join(tmp.dir, 'm3.db')
  const v2 = openDatabase(file, { migrations: migrations.slice(0, 2) })
  v2.prepare(`INSERT INTO ref_poli (kd_poli, nm_poli, poli_sakit, fetched_at) VALUES ('001', 'UMUM', 1, 1)`).run()
  v2.prepare(`INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES ('I10', 'Hipertensi esensial', 1, 1)`).run()
  v2.close()

  const db = openDatabase(file, { migrations: migrations.slice(0, 3) })
  expect(db.pragma('user_version', { simple: true })).toBe(3)
  expect(db.prepare('SELECT nm_poli FROM ref_poli').get()).toEqual({ nm_poli: 'UMUM' })
  expect(db.prepare(`SELECT rowid FROM ref_diagnosa_fts WHERE ref_diagnosa_fts MATCH 'hipertensi'`).all()).toHaveLength(1)
  for (const t of ['patients', 'registrations', 'examinations', 'ledger_checkpoints']) {
    expect(db.prepare(`SELECT count(*) AS n FROM ${t}`).get()).toEqual({ n: 0 })
  }
  db.close()
})

it('0003 patients: a 13-digit card, an optional 16-digit NIK', () => {
  const db = openDatabase(join(tmp.dir, 'patients.db'), { migrations: migrations.slice(0, 3) })
  const put = db.prepare('INSERT INTO patients (no_kartu, nik, nama, updated_at) VALUES (?, ?, ?, 1)')
  put.run('0009999000001', null, 'A')
  put.run('0009999000002', '3171000000000001', 'B')
  expect(() => put.run('0009999000001', null, 'A lagi')).toThrow(/UNIQUE|PRIMARY/)
  expect(() => put.run('000999900000', null, 'Kartu pendek')).toThrow(/CHECK/)
  expect(() => put.run('0009999000003', '317100000000000', 'NIK pendek')).toThrow(/CHECK/)
  expect(() => put.run('0009999000004', null, null)).toThrow(/NOT NULL/)
  db.close()
})

it('0003 registrations and examinations: defaults, status values, one examination per registration and visit id', () => {
  const db = openDatabase(join(tmp.dir, 'clinic.db'), { migrations: migrations.slice(0, 3) })
  const reg = db.prepare(
    `INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, kunj_sakit, kd_tkp, created_at, updated_at)
     VALUES (?, '0009999000001', '2026-11-29', '001', 1, '10', 1, 1)`,
  )
  reg.run('20261129-0001')
  reg.run('20261129-0002')
  expect(db.prepare(`SELECT status, keluhan, antrean, no_urut FROM registrations WHERE no_rawat = '20261129-0001'`).get()).toEqual({
    status: 'registered',
    keluhan: '',
    antrean: 0,
    no_urut: null,
  })
  expect(() => reg.run('20261129-0001')).toThrow(/UNIQUE|PRIMARY/)
  expect(() => db.prepare(`UPDATE registrations SET status = 'lost'`).run()).toThrow(/CHECK/)
  db.prepare(`UPDATE registrations SET status = 'cancelled' WHERE no_rawat = '20261129-0002'`).run()

  const exam = db.prepare(`INSERT INTO examinations (no_rawat, data, ledger_visit_id, created_at, updated_at) VALUES (?, '{}', ?, 1, 1)`)
  exam.run('20261129-0001', 'V1')
  expect(() => exam.run('20261129-0001', 'V2')).toThrow(/UNIQUE|PRIMARY/) // one per registration
  expect(() => exam.run('20261129-0002', 'V1')).toThrow(/UNIQUE/) // one registration per ledger visit id
  expect(() => exam.run('20261129-9999', 'V3')).toThrow(/FOREIGN KEY/) // only for a registration on file

  const cp = db.prepare(`INSERT INTO ledger_checkpoints (name, block_number, updated_at) VALUES ('visits', ?, 1)
                         ON CONFLICT (name) DO UPDATE SET block_number = excluded.block_number`)
  cp.run('41')
  cp.run('42')
  // TEXT, so a block number beyond 2^53 keeps every digit.
  cp.run('18446744073709551615')
  expect(db.prepare('SELECT block_number FROM ledger_checkpoints').all()).toEqual([{ block_number: '18446744073709551615' }])
  db.close()
})
