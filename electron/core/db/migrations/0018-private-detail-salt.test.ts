import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0018-private-detail-salt'
import { parseJob } from '../../sync/operations'
import { canonicalJson, sha256Hex } from '../../util/canonical'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

const upTo = migrations.findIndex((m) => m.version === migration.version)

/** A Visit:Record payload as versions before this one queued it: the clinical detail without a salt. */
function oldVisit(n: number): string {
  const detail = canonicalJson({ diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }], kdSadar: '01', obat: [], tindakan: [], vitals: { sistole: 120 + n } })
  return canonicalJson({ intent: { visitId: `0199B001-20261123-000${n}`, noKartu: '0009999000001', kdPPK: '0199B001', tglKunjungan: '2026-11-23', detailHash: sha256Hex(detail) }, transient: { detail } })
}
/** A Visit:Correct payload as queued before: {kind, reason, by} without a salt. */
function oldCorrection(): string {
  const detail = canonicalJson({ by: 'dokter1', kind: 'DELETE', reason: 'kunjungan ganda' })
  return canonicalJson({ intent: { correctionId: 'V9-K1', visitId: 'V9', kind: 'DELETE', detailHash: sha256Hex(detail) }, transient: { detail } })
}

it('0018 salts the detail of queued visits and corrections, once, and leaves sent, withdrawn, salted and foreign rows as stored', () => {
  expect(upTo).toBeGreaterThan(0)
  const file = join(tmp.dir, 'm18.db')
  const before = openDatabase(file, { migrations: migrations.slice(0, upTo) })
  const insert = before.prepare(
    `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash, status,
       next_attempt_at, correlation_id, created_at, updated_at) VALUES (?, 'ledger', ?, ?, 1, 'visit', ?, ?, ?, ?, 0, 'c', 0, 0)`,
  )
  const salted = JSON.parse(oldVisit(5)) as { intent: Record<string, string>; transient: { detail: string } }
  const alreadySalted = (() => {
    const detail = canonicalJson({ ...JSON.parse(salted.transient.detail), salt: 'ab'.repeat(16) })
    return canonicalJson({ intent: { ...salted.intent, detailHash: sha256Hex(detail) }, transient: { detail } })
  })()
  const rows: Record<string, { op: string; payload: string; status: string }> = {
    pending: { op: 'Visit:Record', payload: oldVisit(1), status: 'pending' },
    inFlight: { op: 'Visit:Record', payload: oldVisit(2), status: 'in_flight' },
    correction: { op: 'Visit:Correct', payload: oldCorrection(), status: 'failed_transient' },
    sent: { op: 'Visit:Record', payload: oldVisit(3), status: 'done' },
    withdrawn: { op: 'Visit:Record', payload: oldVisit(4), status: 'cancelled' },
    salted: { op: 'Visit:Record', payload: alreadySalted, status: 'pending' },
    broken: { op: 'Visit:Record', payload: '{"intent":', status: 'pending' },
    claim: { op: 'Claim:Submit', payload: canonicalJson({ intent: { claimId: 'C1', visitId: 'V1', noKartu: '0009999000001', amount: 1, kdPPK: '0199B001' } }), status: 'pending' },
  }
  for (const [k, r] of Object.entries(rows)) insert.run(`key-${k}`, r.op, `chain-${k}`, k, r.payload, sha256Hex(r.payload), r.status)
  before.close()

  const db = openDatabase(file, { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(migration.version)
  const stored = (k: string) => db.prepare('SELECT payload, payload_hash AS hash FROM outbox WHERE entity_id = ?').get(k) as { payload: string; hash: string }
  const salts: string[] = []
  for (const k of ['pending', 'inFlight', 'correction']) {
    const { payload, hash } = stored(k)
    expect(hash, k).toBe(sha256Hex(payload))
    const op = rows[k]!.op as 'Visit:Record' | 'Visit:Correct'
    const parsed = parseJob('ledger', { operation: op, payload: JSON.parse(payload) }) as { payload: { intent: Record<string, string>; transient: { detail: string } } }
    const old = JSON.parse(rows[k]!.payload) as { intent: Record<string, string>; transient: { detail: string } }
    // The intent changes only in detailHash, which is the new detail's; the detail keeps every field and gains a salt.
    expect(parsed.payload.intent, k).toEqual({ ...old.intent, detailHash: sha256Hex(parsed.payload.transient.detail) })
    const detail = JSON.parse(parsed.payload.transient.detail) as Record<string, unknown>
    expect(detail, k).toEqual({ ...JSON.parse(old.transient.detail), salt: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect(parsed.payload.transient.detail).toBe(canonicalJson(detail))
    salts.push(detail.salt as string)
  }
  expect(new Set(salts).size).toBe(3)
  for (const k of ['sent', 'withdrawn', 'salted', 'broken', 'claim']) expect(stored(k).payload, k).toBe(rows[k]!.payload)
  db.close()
})
