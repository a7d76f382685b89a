import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0013-referral-detail'
import { parseJob } from '../../sync/operations'
import { canonicalJson, sha256Hex } from '../../util/canonical'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const upTo = migrations.findIndex((m) => m.version === migration.version)

/** A Referral:Create intent as versions before issue 14 queued it: reason and doctor in the public intent. */
const oldIntent = (n: number) => ({
  referralId: `0199B001-20261123-000${n}-R1`, noKartu: '0009999000001', visitId: `0199B001-20261123-000${n}`,
  fromPPK: '0199B001', toPPK: '0199R001', reason: `perlu spesialis ${n}`, doctor: 'dr. A',
})

it('0013 converts queued old-shape referrals to the salted transient detail, once, and leaves everything else as stored', () => {
  expect(upTo).toBeGreaterThan(0)
  const file = join(tmp.dir, 'm13.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  const insert = before.prepare(
    `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash, status,
       next_attempt_at, correlation_id, created_at, updated_at) VALUES (?, 'ledger', ?, ?, 1, 'referral', ?, ?, ?, ?, 0, 'c', 0, 0)`,
  )
  const rows: Record<string, { op: string; payload: string; status: string }> = {
    pending: { op: 'Referral:Create', payload: canonicalJson({ intent: oldIntent(1) }), status: 'pending' },
    refused: { op: 'Referral:Create', payload: canonicalJson({ intent: oldIntent(2) }), status: 'failed_permanent' },
    sent: { op: 'Referral:Create', payload: canonicalJson({ intent: oldIntent(3) }), status: 'done' },
    withdrawn: { op: 'Referral:Create', payload: canonicalJson({ intent: oldIntent(4) }), status: 'cancelled' },
    broken: { op: 'Referral:Create', payload: '{"intent":', status: 'pending' },
    claim: { op: 'Claim:Submit', payload: canonicalJson({ intent: { claimId: 'C1', visitId: 'V1', noKartu: '0009999000001', amount: 1, kdPPK: '0199B001' } }), status: 'pending' },
  }
  for (const [k, r] of Object.entries(rows)) insert.run(`key-${k}`, r.op, `chain-${k}`, k, r.payload, sha256Hex(r.payload), r.status)
  before.close()

  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(migration.version)
  const stored = (k: string) => db.prepare('SELECT payload, payload_hash AS hash FROM outbox WHERE entity_id = ?').get(k) as { payload: string; hash: string }
  const salts: string[] = []
  for (const [k, n] of [['pending', 1], ['refused', 2]] as const) {
    const { payload, hash } = stored(k)
    expect(hash).toBe(sha256Hex(payload))
    const parsed = parseJob('ledger', { operation: 'Referral:Create', payload: JSON.parse(payload) })
    if (parsed.operation !== 'Referral:Create') throw new Error('unexpected operation')
    const { reason, doctor, ...rest } = oldIntent(n)
    expect(parsed.payload.intent).toEqual({ ...rest, detailHash: sha256Hex(parsed.payload.transient.detail) })
    const detail = JSON.parse(parsed.payload.transient.detail) as Record<string, string>
    expect(detail).toEqual({ reason, doctor, salt: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect(parsed.payload.transient.detail).toBe(canonicalJson(detail))
    salts.push(detail.salt!)
  }
  expect(salts[0]).not.toBe(salts[1])
  for (const k of ['sent', 'withdrawn', 'broken', 'claim']) expect(stored(k).payload, k).toBe(rows[k]!.payload)
  db.close()
})
