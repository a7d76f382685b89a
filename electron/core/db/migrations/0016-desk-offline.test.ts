import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0016-desk-offline'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const job = (key: string, target: string) =>
  `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash, next_attempt_at, correlation_id, created_at, updated_at)
   VALUES ('${key}', '${target}', 'op', 'c:${key}', 1, 'e', 'x', '{}', 'h', 1, 'c', 1, 1)`

it('0016 keeps outbox rows and attempts, accepts the hub target and adds the applied-key and desk tables', () => {
  const upTo = migrations.findIndex((m) => m.version === migration.version)
  const file = join(tmp.dir, 'm16.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  before.prepare(job('k1', 'pcare')).run()
  before.prepare("INSERT INTO outbox_attempts (outbox_id, correlation_id, started_at, outcome) VALUES (1, 'c', 1, 'ok')").run()
  expect(() => before.prepare(job('k2', 'hub')).run()).toThrow(/CHECK/)
  before.close()
  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(16)
  expect(db.prepare('SELECT id, target FROM outbox').all()).toEqual([{ id: 1, target: 'pcare' }])
  expect(db.prepare('SELECT outbox_id FROM outbox_attempts').all()).toEqual([{ outbox_id: 1 }])
  db.prepare(job('k2', 'hub')).run()
  expect(() => db.prepare(job('k3', 'elsewhere')).run()).toThrow(/CHECK/)
  db.prepare("INSERT INTO hub_applied (idempotency_key, desk_id, channel, result, applied_at) VALUES ('desk:d1:1', 'd1', 'registration.create', '{}', 1)").run()
  expect(() => db.prepare("INSERT INTO hub_applied (idempotency_key, desk_id, channel, result, applied_at) VALUES ('desk:d1:1', 'd1', 'x', '{}', 2)").run()).toThrow(/UNIQUE|PRIMARY/)
  expect(() => db.prepare("INSERT INTO desk_cache (kind, key, value, checked_at) VALUES ('other', '', '{}', 1)").run()).toThrow(/CHECK/)
  db.close()
})
