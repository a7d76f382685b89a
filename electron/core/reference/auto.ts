import type { Database } from 'better-sqlite3'
import { AppError, msg } from '../errors'
import type { Logger } from '../log'
import { PcareError } from '../pcare/errors'
import type { PcareClient } from '../pcare/client'
import { REFERENCE_CHECK_MS, REFERENCE_RETRY, referenceRetryDelayMs } from '../sync/backoff'
import { realScheduler, type Scheduler } from '../sync/scheduler'
import { REFERENCE_KINDS, refreshReferenceData, type RefreshOptions } from './refresh'
import type { ReferenceKind } from './store'

/** A cached list older than this is fetched again: PCare's lists (poli, dokter, obat…) change between days, not hours. */
export const REFERENCE_MAX_AGE_MS = 24 * 60 * 60 * 1000

export interface AutoRefreshOptions {
  /** Age (ms) after which a list is stale. Default one day. */
  maxAgeMs?: number
  /** How often (ms) freshness is checked while every list is fresh. Default REFERENCE_CHECK_MS (sync/backoff.ts). */
  checkMs?: number
  /**
   * First wait (ms) after a failed fetch (PCare offline, not configured); doubled per failure up to maxRetryMs.
   * Defaults: REFERENCE_RETRY (sync/backoff.ts).
   */
  retryMs?: number
  maxRetryMs?: number
  /** The timers the next check is scheduled on (and the clock, unless `now` is given); tests pass their own. */
  scheduler?: Scheduler
  /** Passed to the refresh (tests use short keyword lists). */
  refresh?: Omit<RefreshOptions, 'kinds' | 'now'>
  now?: () => number
  log?: Logger
  /** Called after lists were written, so the page can re-read them. */
  onChange?: () => void
}

/** What the refresher is doing, for tests and the admin's view. */
export interface AutoRefreshState {
  running: boolean
  /** Consecutive failed attempts since the last success. */
  failures: number
  /** Message of the last failure (Indonesian, for logs), null after a success. */
  lastError: string | null
}

/**
 * The lists that need fetching now: never fetched, fetched empty, or older than `maxAgeMs`. A kind PCare answered
 * with an empty list (the store keeps the old rows and records nothing) counts as fresh for `maxAgeMs` after
 * `answeredAt`, so an empty list upstream does not make every check fetch again.
 */
export function dueReferenceKinds(db: Database, now: number, maxAgeMs = REFERENCE_MAX_AGE_MS, answeredAt: ReadonlyMap<ReferenceKind, number> = new Map()): ReferenceKind[] {
  const rows = db.prepare('SELECT kind, fetched_at AS fetchedAt, row_count AS rowCount FROM ref_refresh').all() as { kind: string; fetchedAt: number; rowCount: number }[]
  const byKind = new Map(rows.map((r) => [r.kind, r]))
  return REFERENCE_KINDS.filter((kind) => {
    const r = byKind.get(kind)
    const fresh = r !== undefined && r.rowCount > 0 && now - r.fetchedAt < maxAgeMs
    const answered = answeredAt.get(kind)
    return !fresh && !(answered !== undefined && now - answered < maxAgeMs)
  })
}

/**
 * An admin's refresh that PCare did not serve, in words: offline (it will come by itself once PCare answers) or
 * refused (with PCare's HTTP status), instead of an internal error. Other errors (e.g. not configured) pass through.
 */
export function refreshFailure(err: unknown): unknown {
  if (!(err instanceof PcareError)) return err
  return err.transient
    ? new AppError('UNAVAILABLE', msg('ref.refreshOffline'))
    : new AppError('UNAVAILABLE', msg('ref.refreshRefused', { status: err.httpStatus ?? '—' }))
}

/**
 * Cheap change stamp of the reference cache (newest fetch time, ms), sent with `sync.status` so pages re-read
 * `reference.lists` when it moves instead of polling the lists themselves. Null before the first fetch.
 */
export function referenceStamp(db: Database): number | null {
  return (db.prepare('SELECT max(fetched_at) AS at FROM ref_refresh').get() as { at: number | null }).at
}

/**
 * Keeps the reference lists filled without an admin: on start, and whenever a list is empty or older than a day,
 * fetches the due lists from PCare (the demo simulator until real PCare is configured). A failure (PCare offline,
 * no credentials yet) is retried with a doubling wait; `kick()` (settings or credentials saved) tries at once.
 */
export class ReferenceAutoRefresh {
  private timer: unknown = null
  private stopped = true
  private current: Promise<void> | null = null
  private failures = 0
  private lastError: string | null = null
  private readonly answeredAt = new Map<ReferenceKind, number>()

  constructor(
    private readonly db: Database,
    private readonly client: () => Promise<PcareClient>,
    private readonly options: AutoRefreshOptions = {},
  ) {}

  private get scheduler(): Scheduler {
    return this.options.scheduler ?? realScheduler
  }

  private now(): number {
    return this.options.now ? this.options.now() : this.scheduler.now()
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.kick()
  }

  /** Waits for a fetch in progress (bounded by the PCare client's timeouts); no new one starts. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer)
    this.timer = null
    await this.current
  }

  /** Resolves once the fetch in progress, if any, has ended and the next check is scheduled (tests wait on this). */
  async whenIdle(): Promise<void> {
    await this.current
  }

  /** Checks now (unless a fetch is already running, which checks again when it ends). */
  kick(): void {
    if (this.stopped || this.current) return
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer)
    this.timer = null
    this.current = this.runOnce().finally(() => {
      this.current = null
      this.schedule()
    })
  }

  state(): AutoRefreshState {
    return { running: this.current !== null, failures: this.failures, lastError: this.lastError }
  }

  /** One check: fetches the due lists, if any. Never throws; a failure is counted and logged. */
  async runOnce(): Promise<void> {
    const kinds = dueReferenceKinds(this.db, this.now(), this.options.maxAgeMs, this.answeredAt)
    if (kinds.length === 0) return
    try {
      const started = this.now()
      const r = await refreshReferenceData(this.db, await this.client(), { ...this.options.refresh, kinds, now: () => this.now() })
      for (const k of kinds) this.answeredAt.set(k, started)
      this.failures = 0
      this.lastError = null
      this.options.log?.info('reference data refreshed', { written: r.written, skipped: r.skipped, ms: this.now() - started })
      if (r.written.length) this.options.onChange?.()
    } catch (err) {
      this.failures++
      this.lastError = err instanceof Error ? err.message : String(err)
      // Once per outage is enough in the log: the retries repeat the same reason.
      if (this.failures === 1) this.options.log?.warn('reference data refresh failed; will retry', { kinds, error: this.lastError })
    }
  }

  private schedule(): void {
    if (this.stopped) return
    const retry = { firstMs: this.options.retryMs ?? REFERENCE_RETRY.firstMs, maxMs: this.options.maxRetryMs ?? REFERENCE_RETRY.maxMs }
    const wait = this.failures > 0 ? referenceRetryDelayMs(this.failures, retry) : (this.options.checkMs ?? REFERENCE_CHECK_MS)
    const timer = this.scheduler.setTimeout(() => this.kick(), wait)
    // A pending check alone does not keep the process alive (a CLI or test that is done can exit).
    if (typeof timer === 'object' && timer !== null && 'unref' in timer) (timer as NodeJS.Timeout).unref()
    this.timer = timer
  }
}
