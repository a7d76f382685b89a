import type { DB } from '../db'
import type { Logger } from '../log'
import { MAX_TRANSIENT_ATTEMPTS, retryDelayMs, type BackoffOptions } from './backoff'
import { AppError } from '../errors'
import { SendError, type Executor, type SendSuccess } from './executor'
import type { AttemptRecord, OutboxJob, OutboxStore } from './outbox'

export interface WorkerOptions {
  /** Chains run in parallel; jobs of one chain never do. For the ledger this is the pipelining depth. */
  concurrency: number
  pollMs?: number
  probeMs?: number
  backoff?: BackoffOptions
  now?: () => number
  log?: Logger
  /** Called whenever the worker's view changes (online state, a job finished): the UI refreshes its status. */
  onChange?: () => void
}

/**
 * Drains one target's share of the outbox. Order: one runner per chain, chain heads only, a permanent failure
 * holds its chain. Safety: a job is marked in_flight before it is sent, and a job found in_flight (crash) or
 * flagged ambiguous is reconciled with the remote before it is sent again.
 */
export class TargetWorker {
  private running = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private stopped = true
  private paused = false
  private ticking = false
  private probing: NodeJS.Timeout | null = null
  online: boolean | null = null
  lastError: string | null = null

  constructor(
    private readonly db: DB,
    private readonly store: OutboxStore,
    private readonly executor: Executor,
    private readonly options: WorkerOptions,
  ) {}

  get target() {
    return this.executor.target
  }
  private now() {
    return (this.options.now ?? Date.now)()
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.timer = setInterval(() => this.kick(), this.options.pollMs ?? 1000)
    this.kick()
    // Ask once at start so the status bar never stays "unknown" on a day without sends to this target.
    void this.executor
      .probe()
      .catch(() => false)
      .then((up) => {
        if (this.online === null && !this.stopped) this.observe(up)
      })
  }

  /**
   * An outcome seen outside the outbox (an interactive read, the start probe): reachable marks the target online and
   * resumes a paused worker at once; unreachable pauses it and probes until the remote answers, as a failed send does.
   */
  observe(reachable: boolean): void {
    if (!reachable) return this.goOffline()
    if (this.paused && !this.stopped) {
      if (this.probing) clearTimeout(this.probing)
      this.probing = null
      this.paused = false
      this.setOnline(true)
      this.store.pullForward(this.target, this.now())
      this.kick()
      return
    }
    this.setOnline(true)
  }

  /** Stops taking new jobs and waits for the ones in flight (bounded by their own timeouts). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    if (this.probing) clearTimeout(this.probing)
    this.timer = this.probing = null
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 20))
  }

  /** True when nothing is running; used by tests and benches to wait for a drain. */
  get idle(): boolean {
    return this.running.size === 0
  }

  kick(): void {
    if (this.stopped || this.paused || this.ticking) return
    this.ticking = true
    try {
      const free = this.options.concurrency - this.running.size
      if (free <= 0) return
      const now = this.now()
      for (const job of this.store.readyHeads(this.target, now, free)) {
        if (this.running.has(job.chainKey) || !this.store.tryLock(job.chainKey, now)) continue
        this.running.add(job.chainKey)
        void this.runChain(job).finally(() => {
          this.running.delete(job.chainKey)
          this.store.unlock(job.chainKey)
          this.options.onChange?.()
          this.kick()
        })
      }
    } catch (err) {
      this.options.log?.error('sync tick failed', { target: this.target, err: String(err) })
    } finally {
      this.ticking = false
    }
  }

  private async runChain(first: OutboxJob): Promise<void> {
    let job: OutboxJob | undefined = first
    while (job && !this.stopped && !this.paused) {
      const ok = await this.runJob(job)
      if (!ok) return
      job = this.store.nextInChain(job.chainKey, this.target, this.now())
    }
  }

  /** Runs one job to a recorded outcome. Returns true when the chain may go on. */
  private async runJob(job: OutboxJob): Promise<boolean> {
    const startedAt = this.now()
    let sent = false
    try {
      if (job.status === 'in_flight' || job.needsReconcile) {
        const found = await this.executor.reconcile(job)
        if (found) {
          this.succeed(job, found, startedAt, 'reconciled')
          return true
        }
      }
      this.store.markInFlight(job.id, startedAt)
      sent = true
      const res = await this.executor.send(job)
      this.succeed(job, res, startedAt, 'ok')
      return true
    } catch (err) {
      this.failed(job, err, startedAt, job.attempts + (sent ? 1 : 0))
      return false
    }
  }

  private succeed(job: OutboxJob, res: SendSuccess, startedAt: number, outcome: 'ok' | 'reconciled') {
    const attempt: AttemptRecord = {
      startedAt,
      durationMs: this.now() - startedAt,
      outcome,
      httpStatus: res.httpStatus,
      metaCode: res.metaCode,
      request: res.request,
      response: res.response,
    }
    this.store.complete(job, res.result, attempt, () => this.executor.apply(this.db, job, res.result))
    this.setOnline(true)
  }

  private failed(job: OutboxJob, err: unknown, startedAt: number, attempts: number) {
    const e =
      err instanceof SendError
        ? err
        : // No client could be built (no address or credentials saved): nothing was sent, and the target is not
          // usable, so it is shown as down and probed, never "connected" with an unexpected error per job.
          err instanceof AppError && err.code === 'UNAVAILABLE'
          ? new SendError('transient', 'UNCONFIGURED', err.message, { offline: true })
          : new SendError('transient', 'UNEXPECTED', err instanceof Error ? err.message : String(err), { ambiguous: true })
    let kind = e.kind
    let code = e.code
    let message = e.message
    if (kind === 'transient' && attempts >= MAX_TRANSIENT_ATTEMPTS) {
      kind = 'permanent'
      code = 'RETRY_LIMIT'
      message = `Gagal ${attempts} kali berturut-turut; terakhir: ${e.message}`
    }
    const now = this.now()
    const next = kind === 'transient' ? now + retryDelayMs(Math.max(attempts, 1), e.extra.retryAfterMs, this.options.backoff) : now
    this.store.fail(
      job,
      kind,
      {
        startedAt,
        durationMs: now - startedAt,
        outcome: e.extra.ambiguous ? 'ambiguous' : kind,
        httpStatus: e.extra.httpStatus,
        metaCode: e.extra.metaCode,
        errorCode: code,
        errorMessage: message,
        errorFields: e.extra.fields,
        request: e.extra.request,
        response: e.extra.response,
      },
      next,
      // Once a send may have landed, keep asking first until a success or a definite answer clears it.
      Boolean(e.extra.ambiguous) || job.needsReconcile || job.status === 'in_flight',
    )
    this.lastError = message
    this.options.log?.warn('sync job failed', { target: this.target, op: job.operation, id: job.id, kind, code })
    if (e.extra.offline) this.goOffline()
  }

  private setOnline(value: boolean) {
    if (this.online === value) return
    this.online = value
    this.options.onChange?.()
  }

  /** The remote is unreachable: stop sending (the queue keeps its order) and probe until it answers. */
  private goOffline() {
    this.setOnline(false)
    if (this.paused) return
    this.paused = true
    const probe = async () => {
      if (this.stopped) return
      const up = await this.executor.probe().catch(() => false)
      if (up) {
        this.paused = false
        this.setOnline(true)
        this.store.pullForward(this.target, this.now())
        this.kick()
      } else {
        this.probing = setTimeout(probe, this.options.probeMs ?? 5000)
      }
    }
    this.probing = setTimeout(probe, this.options.probeMs ?? 5000)
  }
}
