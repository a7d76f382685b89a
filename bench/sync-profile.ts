/**
 * Where a sync drain's time goes, for the catch-up benches (bench/ledger-batch.ts): measured around the engine from
 * outside, so the worker carries no bench code.
 * - SQLite writes on the engine's event loop: every outermost write transaction (writeTx, its COMMIT and fsync
 *   included, synchronous=FULL) and every outbox store write made outside a transaction (an autocommit: its own fsync),
 *   counted and timed. While one runs, nothing else on the loop does.
 * - The engine process's event-loop utilisation and CPU time (the simulator child reports its own).
 * - From the outbox afterwards, per operation: attempts, mean attempt time (the remote's answer: network and the
 *   remote's work, for the ledger also the batch's linger and the transaction's endorse/order/commit) and mean chain
 *   wait (from the previous job of the chain being done, or from the drain's start for a chain's first job, to this
 *   job's first attempt: waiting for a free runner, a claim for its visit's batch to settle).
 */
import { performance } from 'node:perf_hooks'
import type { DB } from '../electron/core/db'
import type { OutboxStore } from '../electron/core/sync/outbox'

/** The store's methods that write; one called outside a transaction commits on its own. */
const STORE_WRITES = ['tryLock', 'unlock', 'markInFlight', 'pullForward'] as const

/** Counters filled while the drain runs; `report` prints them with the outbox's own timings. */
export interface DrainProfile {
  report(db: DB, startMs: number): string[]
}

/** Starts counting on `db` and `store` (call before the engine starts). Not undone: the workstation is thrown away. */
export function profileDrain(db: DB, store: OutboxStore): DrainProfile {
  const w = { tx: 0, txMs: 0, auto: 0, autoMs: 0 }
  // writeTx is the tree's one way into a write transaction and calls `.immediate()` (db/tx.ts); this wraps that call
  // to time it (a nested call is a savepoint of the outer one and is not counted again). It opens no transaction itself.
  // eslint-disable-next-line no-restricted-properties -- timing writeTx's own call, see above
  const transaction = db.transaction.bind(db)
  // eslint-disable-next-line no-restricted-properties -- replaces the method with the timing wrapper above
  ;(db as { transaction: unknown }).transaction = (fn: (...a: unknown[]) => unknown) => {
    const t = transaction(fn)
    return {
      immediate: (...a: unknown[]) => {
        if (db.inTransaction) return t.immediate(...a)
        const s = performance.now()
        try {
          return t.immediate(...a)
        } finally {
          w.tx++
          w.txMs += performance.now() - s
        }
      },
    }
  }
  const s = store as unknown as Record<string, (...a: unknown[]) => unknown>
  for (const name of STORE_WRITES) {
    const orig = s[name].bind(store)
    s[name] = (...a: unknown[]) => {
      if (db.inTransaction) return orig(...a)
      const t = performance.now()
      try {
        return orig(...a)
      } finally {
        w.auto++
        w.autoMs += performance.now() - t
      }
    }
  }
  const elu = performance.eventLoopUtilization()
  const cpu = process.cpuUsage()
  return {
    report(d, startMs) {
      const e = performance.eventLoopUtilization(elu)
      const c = process.cpuUsage(cpu)
      const rows = d
        .prepare(
          `WITH firsts AS (SELECT outbox_id, min(started_at) AS s, count(*) AS n, sum(duration_ms) AS ms FROM outbox_attempts GROUP BY outbox_id)
           SELECT o.target, o.operation, count(*) AS jobs, sum(f.n) AS attempts, sum(f.ms) * 1.0 / sum(f.n) AS attemptMs,
                  avg(f.s - coalesce((SELECT p.done_at FROM outbox p WHERE p.chain_key = o.chain_key AND p.seq < o.seq ORDER BY p.seq DESC LIMIT 1), ?)) AS waitMs
             FROM outbox o JOIN firsts f ON f.outbox_id = o.id GROUP BY o.target, o.operation ORDER BY o.target, o.operation`,
        )
        .all(startMs) as { target: string; operation: string; jobs: number; attempts: number; attemptMs: number; waitMs: number }[]
      return [
        `engine process: event loop busy ${(e.utilization * 100).toFixed(0)} % of ${(e.idle + e.active) / 1000 > 0 ? ((e.idle + e.active) / 1000).toFixed(1) : '0'} s, CPU ${((c.user + c.system) / 1e6).toFixed(1)} s`,
        `SQLite writes on the loop: ${w.tx} write transactions ${(w.txMs / 1000).toFixed(2)} s, ${w.auto} outbox autocommits ${(w.autoMs / 1000).toFixed(2)} s (each commit an fsync)`,
        ...rows.map(
          (r) =>
            `  ${r.target.padEnd(7)} ${r.operation.padEnd(22)} ${String(r.jobs).padStart(5)} jobs, ${String(r.attempts).padStart(5)} attempts of ${r.attemptMs.toFixed(0).padStart(5)} ms, waited ${(r.waitMs / 1000).toFixed(2).padStart(6)} s for its turn on average`,
        ),
      ]
    },
  }
}
