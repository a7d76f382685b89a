import type { DB } from '../db'
import { writeTx } from '../db/tx'

interface Pending {
  fn: () => unknown
  resolve(value: unknown): void
  reject(err: unknown): void
}

/**
 * Group commit for the sync workers' outbox state writes (in flight, done, failed, chain unlock). Each write is
 * durable on its own terms, but with synchronous=FULL every COMMIT is an fsync, and SQLite is synchronous: while one
 * runs, the engine's event loop does nothing else. Measured in bench/ledger-batch.ts's catch-up (docs/national-load.md):
 * one transaction per state change kept the loop blocked in fsyncs for most of a PCare drain on a loaded machine.
 *
 * `run(fn)` queues `fn` and returns a promise settled once `fn`'s writes are COMMITTED: every `fn` queued in the same
 * turn of the event loop (a Batch:Submit settling its 50 jobs, the PCare answers read in one poll phase) runs in ONE
 * IMMEDIATE transaction with one fsync, flushed from `setImmediate` (after the turn's I/O callbacks and promise jobs).
 * So a caller that awaits `run` before its next step (send after in flight; the chain's next job after done) keeps the
 * order the outbox relies on: nothing leaves before its in-flight mark is on disk, and no step depends on a result
 * that is not. Each `fn` runs in a savepoint of its own: one that throws rolls back only its writes and rejects only
 * its promise. If the transaction itself cannot commit (e.g. SQLITE_BUSY past busy_timeout), every `fn` of the group
 * rejects, as its own transaction would have; nothing of the group was written.
 * `fn` must be synchronous (better-sqlite3); a write that must be visible before the caller returns uses writeTx.
 */
export class GroupCommit {
  private queue: Pending[] = []

  constructor(private readonly db: DB) {}

  /** Runs `fn` in the next group transaction; resolves with its result once committed, rejects with its error. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The first write of a turn schedules the flush; later ones of the same turn join it.
      if (this.queue.length === 0) setImmediate(() => this.flush())
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject })
    })
  }

  private flush(): void {
    const group = this.queue.splice(0)
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = []
    try {
      writeTx(this.db, () => {
        for (const p of group) {
          try {
            // Nested writeTx = a savepoint of the group's transaction.
            outcomes.push({ ok: true, value: writeTx(this.db, p.fn) })
          } catch (err) {
            outcomes.push({ ok: false, err })
          }
        }
      })
    } catch (err) {
      // BEGIN or COMMIT failed: nothing of the group is on disk.
      for (const p of group) p.reject(err)
      return
    }
    group.forEach((p, i) => {
      const o = outcomes[i]
      if (o.ok) p.resolve(o.value)
      else p.reject(o.err)
    })
  }
}
