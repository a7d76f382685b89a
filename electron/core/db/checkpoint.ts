import type { Database } from 'better-sqlite3'

/** How often the background checkpoint runs by default, in ms. */
const CHECKPOINT_EVERY_MS = 1000

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
  /** Runs one PASSIVE checkpoint now (what the timer does). */
  runNow(): CheckpointResult
  stats(): CheckpointStats
  /** Stops the timer. */
  stop(): void
}

/**
 * Moves WAL checkpoints off the save path (issue 17, Deliver 3). SQLite's automatic checkpoint runs inside the COMMIT
 * that grows the WAL past 1000 pages (about every 30 visits): that save also copies the pages into the database file
 * and fsyncs it twice (synchronous=FULL). Here a timer runs `PRAGMA wal_checkpoint(PASSIVE)` every `everyMs` between
 * saves: it copies what was written since the last tick (a visit is about 32 pages), so at a clinic's pace the WAL
 * starts over every second and never reaches the automatic threshold, which stays as it is to bound a burst (a backlog
 * drain, a bench saving hundreds of visits a second) and keep the WAL a small file rewritten in place. PASSIVE never
 * waits for a lock (a writer in another process, the headless sync, is not held up; what it cannot copy now is copied
 * next time) and costs nothing when the WAL holds nothing new. It runs on this connection's thread, so it never
 * overlaps a save of this process; a save arriving while it runs waits for it (a second's pages and two fsyncs).
 * Durability is unchanged: a committed transaction is in the fsynced WAL either way, and recovery replays the WAL.
 * The timer is unref'd (it never keeps the process alive) and stops itself once `db` is closed.
 */
export function startCheckpointer(db: Database, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  const stats: CheckpointStats = { runs: 0, ms: 0, maxMs: 0 }
  const runNow = (): CheckpointResult => {
    const t0 = performance.now()
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[]
    const ms = performance.now() - t0
    stats.runs++
    stats.ms += ms
    stats.maxMs = Math.max(stats.maxMs, ms)
    return row
  }
  const timer = setInterval(() => {
    if (!db.open) return clearInterval(timer)
    try {
      runNow()
    } catch {
      // SQLITE_BUSY from another process's checkpoint or a locked file: the next tick tries again.
    }
  }, everyMs)
  timer.unref()
  return {
    runNow,
    stats: () => ({ ...stats }),
    stop: () => clearInterval(timer),
  }
}
