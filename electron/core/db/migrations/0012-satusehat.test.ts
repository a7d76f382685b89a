import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0012-satusehat'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0012 keeps every outbox job and attempt across the rebuild and admits the satusehat target', () => {
  const upTo = migrations.findIndex((m) => m.version === migration.version)
  const file = join(tmp.dir, 'm12.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  const job = before.prepare(
    `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash, next_attempt_at, correlation_id, created_at, updated_at)
     VALUES (?, 'pcare', 'kunjungan.add', ?, 1, 'examination', ?, '{}', 'h', 1, 'c', 1, 1)`,
  )
  const id = Number(job.run('k1', 'pcare:1', '1').lastInsertRowid)
  before.prepare(`INSERT INTO outbox_attempts (outbox_id, correlation_id, started_at, outcome) VALUES (?, 'c', 5, 'ok')`).run(id)
  expect(() => before.prepare(`UPDATE outbox SET target = 'satusehat' WHERE id = ?`).run(id)).toThrow(/CHECK/)
  before.close()

  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(12)
  expect(db.prepare('SELECT id, target, operation FROM outbox').all()).toEqual([{ id, target: 'pcare', operation: 'kunjungan.add' }])
  expect(db.prepare('SELECT outbox_id, outcome FROM outbox_attempts').all()).toEqual([{ outbox_id: id, outcome: 'ok' }])
  db.prepare(`UPDATE outbox SET target = 'satusehat' WHERE id = ?`).run(id)
  expect(() => db.prepare(`UPDATE outbox SET target = 'fax' WHERE id = ?`).run(id)).toThrow(/CHECK/)
  // The attempts still reference the outbox (not the dropped table): an attempt for a job that does not exist is refused.
  expect(() => db.prepare(`INSERT INTO outbox_attempts (outbox_id, correlation_id, started_at, outcome) VALUES (999, 'c', 5, 'ok')`).run()).toThrow(/FOREIGN KEY/)
  expect(db.pragma('foreign_key_check')).toEqual([])
  // A user's NIK is 16 digits or nothing.
  expect(() => db.prepare(`INSERT INTO users (username, password_hash, role, created_at, nik) VALUES ('dok1', 'x', 'clinician', 1, '12345')`).run()).toThrow(/CHECK/)
  db.prepare(`INSERT INTO users (username, password_hash, role, created_at, nik) VALUES ('dok1', 'x', 'clinician', 1, '7209061211900001')`).run()
  db.close()
})
