import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase, type DB } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

/** Codes the FTS index returns for a MATCH query, sorted. */
function search(db: DB, query: string): string[] {
  return (
    db
      .prepare(
        `SELECT d.kd_diag FROM ref_diagnosa_fts f JOIN ref_diagnosa d ON d.id = f.rowid WHERE ref_diagnosa_fts MATCH ? ORDER BY d.kd_diag`,
      )
      .all(query) as { kd_diag: string }[]
  ).map((r) => r.kd_diag)
}

it('0002 upgrades a version-1 file in place: settings and outbox rows survive, reference tables are strict and keyed', () => {
  const file = join(tmp.dir, 'm2.db')
  const v1 = openDatabase(file, { migrations: migrations.slice(0, 1) })
  v1.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('kdPPK', '"0199B001"', 1)
  v1.prepare(
    `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash,
       next_attempt_at, correlation_id, created_at, updated_at)
     VALUES ('k1', 'pcare', 'pendaftaran.add', 'R1', 1, 'registration', 'R1', '{}', 'h', 0, 'c', 0, 0)`,
  ).run()
  v1.close()

  const db = openDatabase(file, { migrations: migrations.slice(0, 2) })
  expect(db.pragma('user_version', { simple: true })).toBe(2)
  expect(db.prepare('SELECT value FROM settings WHERE key = ?').get('kdPPK')).toEqual({ value: '"0199B001"' })
  expect(db.prepare('SELECT idempotency_key, status FROM outbox').all()).toEqual([{ idempotency_key: 'k1', status: 'pending' }])

  const poli = db.prepare('INSERT INTO ref_poli (kd_poli, nm_poli, poli_sakit, fetched_at) VALUES (?, ?, ?, ?)')
  poli.run('001', 'UMUM', 1, 1)
  expect(() => poli.run('001', 'UMUM LAGI', 1, 2)).toThrow(/UNIQUE|PRIMARY/)
  expect(() => poli.run('002', 'KIA', 2, 1)).toThrow(/CHECK/)
  expect(() => poli.run('003', 'GIGI', 0, 'kemarin')).toThrow(/cannot store TEXT/) // STRICT
  // Status pulang codes repeat between rawat jalan and rawat inap: the key is the pair.
  const pulang = db.prepare('INSERT INTO ref_status_pulang (kd_status_pulang, rawat_inap, nm_status_pulang, fetched_at) VALUES (?, ?, ?, 1)')
  pulang.run('3', 0, 'Berobat Jalan')
  pulang.run('3', 1, 'Sehat')
  expect(() => pulang.run('3', 0, 'Lagi')).toThrow(/UNIQUE|PRIMARY/)
  db.prepare(`INSERT INTO ref_refresh (kind, fetched_at, row_count) VALUES ('poli', 1, 1)`).run()
  expect(() => db.prepare(`INSERT INTO ref_refresh (kind, fetched_at, row_count) VALUES ('poli', 2, 1)`).run()).toThrow(/UNIQUE|PRIMARY/)
  db.close()
})

it('0002 keeps the diagnosa FTS index in step with the table: a code with a dot is one token, diacritics fold', () => {
  const db = openDatabase(join(tmp.dir, 'fts.db'), { migrations: migrations.slice(0, 2) })
  const add = db.prepare('INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES (?, ?, ?, 1)')
  add.run('A09.0', 'Gastroenteritis infeksi lainnya', 1)
  add.run('A09.9', 'Gastroenteritis tidak spesifik', 1)
  add.run('I10', 'Hipertensi esensial', 1)
  expect(() => add.run('I10', 'Dua kali', 1)).toThrow(/UNIQUE/)
  expect(() => add.run('J06.9', 'ISPA', 2)).toThrow(/CHECK/)

  expect(search(db, '"A09.0"')).toEqual(['A09.0'])
  expect(search(db, '"A09"*')).toEqual(['A09.0', 'A09.9']) // prefix on the whole code, dot included
  expect(search(db, '"A09"')).toEqual([]) // the dot keeps A09.0 one token: no bare A09 token
  expect(search(db, 'gastro*')).toEqual(['A09.0', 'A09.9'])
  expect(search(db, 'hipertensi')).toEqual(['I10'])
  db.prepare(`UPDATE ref_diagnosa SET nm_diag = 'Hipertensi ésensial primer' WHERE kd_diag = 'I10'`).run()
  expect(search(db, 'primer')).toEqual(['I10'])
  expect(search(db, 'esensial')).toEqual(['I10']) // remove_diacritics: é matches e
  db.prepare(`UPDATE ref_diagnosa SET nm_diag = 'Tekanan darah tinggi' WHERE kd_diag = 'I10'`).run()
  expect(search(db, 'hipertensi')).toEqual([]) // the old words left the index with the update
  db.prepare(`DELETE FROM ref_diagnosa WHERE kd_diag = 'A09.9'`).run()
  expect(search(db, 'gastro*')).toEqual(['A09.0'])
  db.close()
})
