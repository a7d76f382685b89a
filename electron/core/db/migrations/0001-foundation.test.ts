import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0001 creates settings and an outbox that enforces status values and per-chain order', () => {
  const db = openDatabase(join(tmp.dir, 'm1.db'), { migrations: migrations.slice(0, 1) })
  db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('kdPPK', '"0199B001"', 1)
  const insert = db.prepare(`INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id,
      payload, payload_hash, status, next_attempt_at, correlation_id, created_at, updated_at)
      VALUES (?, 'pcare', 'pendaftaran.add', 'R1', ?, 'registration', 'R1', '{}', 'h', ?, 0, 'c', 0, 0)`)
  insert.run('k1', 1, 'pending')
  expect(() => insert.run('k1', 2, 'pending')).toThrow(/UNIQUE/) // idempotency key
  expect(() => insert.run('k2', 1, 'pending')).toThrow(/UNIQUE/) // (chain_key, seq)
  expect(() => insert.run('k3', 3, 'lost')).toThrow(/CHECK/)
  expect(() =>
    db.prepare(`INSERT INTO outbox_attempts (outbox_id, correlation_id, started_at, outcome) VALUES (999, 'c', 0, 'ok')`).run(),
  ).toThrow(/FOREIGN KEY/)
  db.close()
})
