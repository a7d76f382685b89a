/**
 * The outbox keeps every job it ever ran (done rows are history the admin reads), so the worker's hot reads must stay
 * index searches as it grows: a `SCAN` of the outbox would make every worker tick cost as much as the whole history.
 * The plans are read with EXPLAIN QUERY PLAN on the exact SQL the store runs (exported from sync/outbox.ts), on a file
 * holding 5,000 done jobs and a handful of live ones, without ANALYZE statistics (the app never runs ANALYZE) and with.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from './index'
import { NEXT_DUE_AT_SQL, OutboxStore, READY_HEADS_SQL, RUNNABLE_COUNT_SQL } from '../sync/outbox'

const DONE_JOBS = 5_000
const NOW = 1_800_000_000_000

interface PlanRow {
  id: number
  parent: number
  detail: string
}

function plan(db: DB, sql: string, params: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as PlanRow[]).map((r) => r.detail)
}

/**
 * Plan lines that read the outbox (aliases o and p, or the bare table) without an index: SQLite says `SCAN <name>`
 * there, and `SEARCH <name> USING [COVERING] INDEX …` when it seeks.
 */
function outboxScans(lines: string[]): string[] {
  return lines.filter((l) => /^SCAN (o|p|outbox)\b/.test(l))
}

function outboxSearches(lines: string[]): string[] {
  return lines.filter((l) => /^SEARCH (o|p|outbox) USING (COVERING )?INDEX /.test(l))
}

/** 5,000 done jobs in chains of three over the three targets, then live jobs in new chains (see the counts below). */
function seed(db: DB): void {
  const ins = db.prepare(`INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id,
      payload, payload_hash, status, next_attempt_at, correlation_id, created_at, updated_at, done_at)
      VALUES (?, ?, 'op', ?, ?, 'registration', ?, '{}', 'h', ?, ?, 'c', 0, 0, ?)`)
  const targets = ['ledger', 'pcare', 'antrean'] as const
  db.transaction(() => {
    for (let i = 0; i < DONE_JOBS; i++) {
      const chain = `done-${Math.floor(i / 3)}`
      ins.run(`d${i}`, targets[i % 3], chain, (i % 3) + 1, chain, 'done', NOW - 86_400_000, NOW - 86_400_000)
    }
    // Four pcare chains whose head is due now, one held behind a permanent failure, one not yet due.
    for (let c = 0; c < 4; c++) ins.run(`live${c}`, 'pcare', `live-${c}`, 1, `live-${c}`, c % 2 ? 'failed_transient' : 'pending', NOW - 1, null)
    ins.run('held-1', 'pcare', 'held', 1, 'held', 'failed_permanent', NOW - 1, null)
    ins.run('held-2', 'pcare', 'held', 2, 'held', 'pending', NOW - 1, null)
    ins.run('later', 'pcare', 'later', 1, 'later', 'pending', NOW + 60_000, null)
  })()
}

let db: DB
beforeEach(() => {
  db = openDatabase(':memory:')
  seed(db)
})
afterEach(() => db.close())

describe.each([
  ['without statistics (as the app runs)', false],
  ['after ANALYZE', true],
])('outbox query plans %s', (_label, analyze) => {
  beforeEach(() => {
    if (analyze) db.exec('ANALYZE')
  })

  it('readyHeads seeks the live rows and each chain, never scanning the outbox', () => {
    const lines = plan(db, READY_HEADS_SQL, ['pcare', NOW, 10])
    expect(outboxScans(lines), lines.join('\n')).toEqual([])
    // The outer query and the earlier-job NOT EXISTS both seek the outbox; the lock check seeks chain_locks' key.
    expect(outboxSearches(lines).length, lines.join('\n')).toBe(2)
    expect(lines.some((l) => /^SEARCH p USING (COVERING )?INDEX \S+ \(chain_key=\? AND seq<\?\)/.test(l)), lines.join('\n')).toBe(true)
    expect(lines.some((l) => /^SEARCH l USING (COVERING )?INDEX /.test(l)), lines.join('\n')).toBe(true)
    // The fixture is what the plan is about: the four due heads, not the held job nor the one due later.
    const heads = new OutboxStore(db).readyHeads('pcare', NOW, 10).map((j) => j.idempotencyKey)
    expect(heads.sort()).toEqual(['live0', 'live1', 'live2', 'live3'])
  })

  it('runnableCount and nextDueAt seek, never scanning the outbox', () => {
    const count = plan(db, RUNNABLE_COUNT_SQL, [])
    expect(outboxScans(count), count.join('\n')).toEqual([])
    expect(outboxSearches(count).length, count.join('\n')).toBe(2)
    const next = plan(db, NEXT_DUE_AT_SQL, ['pcare'])
    expect(outboxScans(next), next.join('\n')).toEqual([])
    expect(outboxSearches(next).length, next.join('\n')).toBe(1)
    const store = new OutboxStore(db)
    // 4 live heads + the one due later; held-2 waits behind a permanent failure.
    expect(store.runnableCount()).toBe(5)
    expect(store.nextDueAt('pcare')).toBe(NOW - 1)
  })
})

it('the check sees a scan: without the outbox indexes readyHeads reads the whole table', () => {
  db.exec('DROP INDEX outbox_ready; DROP INDEX outbox_target_status')
  const lines = plan(db, READY_HEADS_SQL, ['pcare', NOW, 10])
  expect(outboxScans(lines), lines.join('\n')).toEqual(['SCAN o'])
})
