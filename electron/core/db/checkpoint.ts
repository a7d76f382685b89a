import type { Database } from 'better-sqlite3'

/** How often the background checkpoint runs by default, in ms. */
const CHECKPOINT_EVERY_MS = 1000
/**
 * After this many write transactions committed by this connection, a run is also scheduled for the next turn of the
 * event loop (between two saves). A visit writes about 16 WAL pages per transaction, so 8 commits are about 130 pages:
 * far from the 1000 at which SQLite would checkpoint inside a COMMIT, even when saves come back to back.
 */
const CHECKPOINT_EVERY_COMMITS = 8

/** The running checkpointer of each connection, told of each commit by `noteCommit`. */
const commitListeners = new WeakMap<Database, () => void>()

/**
 * Tells `db`'s checkpointer (if it has one) that one outermost write transaction committed. Called by `writeTx`, the
 * one way this tree opens a write transaction; a connection without a checkpointer ignores it.
 */
export function noteCommit(db: Database): void {
  commitListeners.get(db)?.()
}

/** Counters of a running checkpointer (for benches and tests). */
interface CheckpointStats {
  /** Checkpoints run. */
  runs: number
  /** Time spent in them, ms: in total and the longest one. */
  ms: number
  maxMs: number
}

/** `PRAGMA wal_checkpoint`'s answer: busy (1 when it could not finish), pages in the WAL, pages of those now in the database file. */
interface CheckpointResult {
  busy: number
  log: number
  checkpointed: number
}

export interface Checkpointer {
  /** Runs one PASSIVE checkpoint now (what the timer and the commit count do). */
  runNow(): CheckpointResult
  stats(): CheckpointStats
  /** Stops the timer and the runs scheduled by commits. */
  stop(): void
}

/**
 * Moves WAL checkpoints off the save path (issue 17, Deliver 3). SQLite's automatic checkpoint runs inside the COMMIT
 * that grows the WAL past 1000 pages (about every 30 visits): that save also copies the pages into the database file
 * and fsyncs it twice (synchronous=FULL), 3 to 5 ms on the encrypted file, which was the record-visit p99 (at 400
 * saves a second, one transaction in 60 carried one). Here `PRAGMA wal_checkpoint(PASSIVE)` runs between saves
 * instead, at whichever comes first:
 * - `everyCommits` write transactions committed on this connection (`writeTx` calls `noteCommit`): the run is
 *   scheduled with `setImmediate`, so it runs after the save's caller has its answer and before the next event (an
 *   IPC call, a sync result) is handled; the WAL never reaches the automatic threshold even when saves come back to
 *   back (a backlog drain);
 * - every `everyMs` on a timer, for pages other processes wrote (the headless sync) and the last few saves of a quiet
 *   moment.
 * The automatic threshold stays as it is, as the bound for what PASSIVE cannot copy (a reader in another process
 * holding an old snapshot). PASSIVE never waits for a lock (a writer in another process is not held up; what it
 * cannot copy now is copied next time) and costs nothing when the WAL holds nothing new. It runs on this
 * connection's thread, so it never overlaps a save of this process; a save arriving while it runs waits for it (a
 * few commits' pages and two fsyncs: `stats().maxMs`). Durability is unchanged: a committed transaction is in the
 * fsynced WAL either way, and recovery replays the WAL. The timer is unref'd (it never keeps the process alive) and
 * both stop once `db` is closed.
 */
export function startCheckpointer(db: Database, everyMs = CHECKPOINT_EVERY_MS, everyCommits = CHECKPOINT_EVERY_COMMITS): Checkpointer {
  const stats: CheckpointStats = { runs: 0, ms: 0, maxMs: 0 }
  let commits = 0
  let scheduled: NodeJS.Immediate | null = null
  const runNow = (): CheckpointResult => {
    commits = 0
    const t0 = performance.now()
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[]
    const ms = performance.now() - t0
    stats.runs++
    stats.ms += ms
    stats.maxMs = Math.max(stats.maxMs, ms)
    return row
  }
  const stop = (): void => {
    clearInterval(timer)
    if (scheduled) clearImmediate(scheduled)
    scheduled = null
    commitListeners.delete(db)
  }
  const run = (): void => {
    if (!db.open) return stop()
    try {
      runNow()
    } catch {
      // SQLITE_BUSY from another process's checkpoint or a locked file: the next tick or commit count tries again.
    }
  }
  const timer = setInterval(run, everyMs)
  timer.unref()
  commitListeners.set(db, () => {
    if (++commits < everyCommits || scheduled) return
    scheduled = setImmediate(() => {
      scheduled = null
      run()
    })
  })
  return {
    runNow,
    stats: () => ({ ...stats }),
    stop,
  }
}
