import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../db'
import { cancel, listOutbox, monitoring, outboxDetail, resend } from './admin'
import { enqueue, OutboxStore } from './outbox'
import { tempDir } from '../../../test/helpers/tmp'
import { sampleJob } from '../../../test/helpers/outbox'

let tmp: ReturnType<typeof tempDir>
let db: DB
let store: OutboxStore
const T0 = new Date(2026, 10, 23, 8, 0).getTime()
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'a.db'))
  store = new OutboxStore(db)
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

function job(chain: string, op: 'pendaftaran.add' | 'kunjungan.add') {
  const id = enqueue(db, sampleJob(op, chain), T0)
  return store.get(id)!
}

describe('admin operations on the outbox', () => {
  it('lists failures with their reason and field list, filtered by status and endpoint', () => {
    const a = job('A', 'pendaftaran.add')
    const b = job('B', 'kunjungan.add')
    store.markInFlight(a.id, T0)
    store.complete(a, { noUrut: 'A1' }, { startedAt: T0, durationMs: 120, outcome: 'ok', httpStatus: 200 })
    store.markInFlight(b.id, T0)
    store.fail(b, 'permanent', { startedAt: T0, durationMs: 80, outcome: 'permanent', httpStatus: 412, errorCode: 'VALIDATION', errorMessage: 'Data tidak lengkap', errorFields: [{ field: 'kdDiag1', message: 'wajib' }], request: { noKartu: 'x' }, response: { metaData: { code: 412 } } }, T0, false)
    const failed = listOutbox(db, { status: ['failed_permanent'] })
    expect(failed.map((r) => r.id)).toEqual([b.id])
    expect(failed[0]).toMatchObject({ lastErrorCode: 'VALIDATION', lastErrorFields: [{ field: 'kdDiag1', message: 'wajib' }] })
    expect(listOutbox(db, { operation: 'pendaftaran.add' }).map((r) => r.status)).toEqual(['done'])
    const d = outboxDetail(db, b.id)
    expect(d.attempts).toHaveLength(1)
    expect(d.attempts[0]).toMatchObject({ httpStatus: 412, request: { noKartu: 'x' }, response: { metaData: { code: 412 } } })
    expect(() => outboxDetail(db, 9999)).toThrow(/tidak ditemukan/)
  })

  it('resends only failed jobs, records who asked and links new attempts by a new correlation id', () => {
    const a = job('A', 'pendaftaran.add')
    const b = job('B', 'pendaftaran.add')
    store.fail(a, 'permanent', { startedAt: T0, durationMs: 1, outcome: 'permanent', errorCode: 'X' }, T0, false)
    store.markInFlight(b.id, T0)
    store.complete(b, {}, { startedAt: T0, durationMs: 1, outcome: 'ok' })
    const r = resend(db, [a.id, b.id], 'admin1', T0 + 1000)
    expect(r.resent).toEqual([a.id])
    const after = store.get(a.id)!
    expect(after).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 1000, correlationId: r.correlationId })
    expect(after.correlationId).not.toBe(a.correlationId)
    const marker = db.prepare("SELECT triggered_by, correlation_id FROM outbox_attempts WHERE error_code = 'RESEND_REQUESTED'").get()
    expect(marker).toEqual({ triggered_by: 'admin1', correlation_id: r.correlationId })
  })

  it('cancels with a reason and lets the chain behind go on', () => {
    const a = job('A', 'pendaftaran.add')
    const b = job('A', 'kunjungan.add')
    store.fail(a, 'permanent', { startedAt: T0, durationMs: 1, outcome: 'permanent', errorCode: 'X' }, T0, false)
    expect(store.readyHeads('pcare', T0 + 1, 10)).toEqual([])
    expect(cancel(db, [a.id], 'admin1', 'sudah diinput manual di PCare', T0).cancelled).toEqual([a.id])
    expect(store.readyHeads('pcare', T0 + 1, 10).map((j) => j.id)).toEqual([b.id])
  })

  it('computes success rate, latency percentiles and top errors from the attempts', () => {
    for (let i = 0; i < 10; i++) {
      const j = job(`C${i}`, 'pendaftaran.add')
      store.markInFlight(j.id, T0)
      if (i < 8) store.complete(j, {}, { startedAt: T0 + i, durationMs: (i + 1) * 100, outcome: 'ok' })
      else store.fail(j, 'transient', { startedAt: T0 + i, durationMs: 5000, outcome: 'transient', errorCode: 'HTTP5XX', errorMessage: 'Service Unavailable' }, T0, false)
    }
    const m = monitoring(db, 7, T0 + 60_000)
    expect(m.kpi.successRate).toBeCloseTo(0.8)
    expect(m.kpi.pending).toBe(2)
    expect(m.latency).toEqual([{ operation: 'pendaftaran.add', n: 10, p50: 500, p95: 5000, p99: 5000 }])
    expect(m.topErrors).toEqual([{ code: 'HTTP5XX', message: 'Service Unavailable', n: 2 }])
    expect(m.perDay).toEqual([{ day: '2026-11-23', target: 'pcare', operation: 'pendaftaran.add', ok: 8, failed: 2, successRate: 0.8 }])
  })
})
