import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0004 upgrades a version-3 file in place: patients and registrations survive, no one can sign in yet', () => {
  const file = join(tmp.dir, 'm4.db')
  const v3 = openDatabase(file, { migrations: migrations.slice(0, 3) })
  v3.prepare(`INSERT INTO patients (no_kartu, nama, aktif, updated_at) VALUES ('0009999000001', 'Siti', 1, 1)`).run()
  v3.prepare(
    `INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, kunj_sakit, kd_tkp, created_by, created_at, updated_at)
     VALUES ('20261129-0001', '0009999000001', '2026-11-29', '001', 1, '10', 'loket1', 1, 1)`,
  ).run()
  v3.close()

  const db = openDatabase(file, { migrations: migrations.slice(0, 4) })
  expect(db.pragma('user_version', { simple: true })).toBe(4)
  expect(db.prepare('SELECT nama, aktif FROM patients').get()).toEqual({ nama: 'Siti', aktif: 1 })
  // created_by stays a plain name: it is not tied to the users table, so history written before users existed is kept.
  expect(db.prepare('SELECT created_by FROM registrations').get()).toEqual({ created_by: 'loket1' })
  expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 })
  db.close()
})

it('0004 users: one role of three, a name of 3 to 40 characters, and an admin always has a TOTP secret', () => {
  const db = openDatabase(join(tmp.dir, 'users.db'), { migrations: migrations.slice(0, 4) })
  const add = db.prepare('INSERT INTO users (username, password_hash, role, totp_secret, created_at) VALUES (?, ?, ?, ?, 1)')
  add.run('loket1', 'scrypt$x', 'counter', null)
  add.run('dr.ani', 'scrypt$y', 'clinician', null)
  add.run('admin', 'scrypt$z', 'admin', 'JBSWY3DPEHPK3PXP')
  expect(() => add.run('loket1', 'scrypt$x', 'counter', null)).toThrow(/UNIQUE|PRIMARY/)
  expect(() => add.run('kasir', 'scrypt$x', 'cashier', null)).toThrow(/CHECK/)
  expect(() => add.run('ab', 'scrypt$x', 'counter', null)).toThrow(/CHECK/)
  expect(() => add.run('a'.repeat(41), 'scrypt$x', 'counter', null)).toThrow(/CHECK/)
  add.run('a'.repeat(40), 'scrypt$x', 'counter', null)
  expect(() => add.run('admin2', 'scrypt$z', 'admin', null)).toThrow(/CHECK/)
  expect(() => db.prepare(`UPDATE users SET totp_secret = NULL WHERE username = 'admin'`).run()).toThrow(/CHECK/)
  expect(() => add.run('loket2', null, 'counter', null)).toThrow(/NOT NULL/)
  db.close()
})

it('0004 sessions: only for an existing user, and gone with that user', () => {
  const db = openDatabase(join(tmp.dir, 'sessions.db'), { migrations: migrations.slice(0, 4) })
  db.prepare(`INSERT INTO users (username, password_hash, role, created_at) VALUES ('loket1', 'h', 'counter', 1), ('loket2', 'h', 'counter', 1)`).run()
  const open = db.prepare('INSERT INTO sessions (token_hash, username, created_at, last_seen_at) VALUES (?, ?, 1, 1)')
  open.run('hash-a', 'loket1')
  open.run('hash-b', 'loket1')
  open.run('hash-c', 'loket2')
  expect(() => open.run('hash-a', 'loket2')).toThrow(/UNIQUE|PRIMARY/)
  expect(() => open.run('hash-d', 'nobody')).toThrow(/FOREIGN KEY/)
  db.prepare(`DELETE FROM users WHERE username = 'loket1'`).run()
  expect(db.prepare('SELECT token_hash FROM sessions ORDER BY token_hash').all()).toEqual([{ token_hash: 'hash-c' }])
  db.close()
})
