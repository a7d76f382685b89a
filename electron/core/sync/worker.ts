import type { DB } from '../db'
import type { Logger } from '../log'
import { MAX_TRANSIENT_ATTEMPTS, POLL_INTERVAL_MS, PROBE_INTERVAL_MS, retryDelayMs, type BackoffOptions } from './backoff'
import { writeTx } from '../db/tx'
import { AppError } from '../errors'
import { SendError, type Executor, type SendSuccess } from './executor'
import { GroupCommit } from './group-commit'
import { mayHaveLanded, type AttemptRecord, type OutboxJob, type OutboxStore } from './outbox'
import { realScheduler, type Scheduler } from './scheduler'

export interface WorkerOptions {
  /** Chains run in parallel; jobs of one chain never do. For the ledger this is the pipelining depth. */
  concurrency: number
  /** Outbox scan interval; POLL_INTERVAL_MS by default. */
  pollMs?: number
  /** Probe interval while the target is offline; PROBE_INTERVAL_MS by default. */
  probeMs?: number
  backoff?: BackoffOptions
  /** Clock and timers; the real ones by default, a test's own to run hours of retries at once. */
  scheduler?: Scheduler
  log?: Logger
  /**
   * Where the worker's outbox state writes are committed. The engine gives its four workers one, so the writes of
   * every target made in the same turn share one fsync (group-commit.ts); a worker alone makes its own.
   */
  commits?: GroupCommit
  /**
   * Called whenever the worker's view changes (online state, a job finished): the UI refreshes its status. After a
   * chain's run, with its chain key (`pcare:<noRawat>`…), so the visit's row in today's list is re-read (clinic/changes.ts).
   */
  onChange?: (chainKey?: string) => void
}

/** A chain's next job, and when it was marked in flight if the previous step's commit did that already. */
interface NextStep {
  job: OutboxJob
  markedAt: number | null
}

/**
 * Drains one target's share of the outbox. Order: one runner per chain, chain heads only, a permanent failure
 * holds its chain. Safety: a job is marked in_flight (committed) before it is sent, its outcome is committed before
 * its chain goes on, and a job found in_flight (crash) or flagged ambiguous is reconciled with the remote before it is
 * sent again. Cost: those state writes go through a GroupCommit, so jobs settling together (a ledger batch, PCare
 * answers read in one turn) share a transaction, and the chains a scan finds are locked in one transaction.
 * Pace: a failed job waits its retry delay (backoff.ts); an offline remote pauses the worker, which probes it and pulls
 * the backlog forward when it answers, unless that probe has been seen to be blind (see `probeBlind`).
 */
export class TargetWorker {
  private running = new Set<string>()
  private timer: unknown = null
  private stopped = true
  private paused = false
  private ticking = false
  private probing: unknown = null
  private idleWaiters: (() => void)[] = []
  private readonly commits: GroupCommit
  /** A kick is scheduled for the next turn (see kickSoon). */
  private kickPending = false
  /** Bumped at each pause and resume, so a probe answer that arrives after either is dropped. */
  private probeGen = 0
  /** When a probe or an outside read last declared the remote up and pulled the backlog forward; null after a success. */
  private resumedAt: number | null = null
  /**
   * A job failed "offline" after the remote was declared up and before anything succeeded: the probe answers while the
   * sends cannot (an outage the probe cannot see). Until a success, resuming leaves every job at its retry time, so the
   * jobs follow the backoff schedule instead of being pulled forward at probe speed (which spent the 24 h budget in
   * minutes).
   */
  private probeBlind = false
  online: boolean | null = null

  constructor(
    private readonly db: DB,
    private readonly store: OutboxStore,
    private readonly executor: Executor,
    private readonly options: WorkerOptions,
  ) {
    this.commits = options.commits ?? new GroupCommit(db)
  }

  get target() {
    return this.executor.target
  }
  private get scheduler(): Scheduler {
    return this.options.scheduler ?? realScheduler
  }
  private now() {
    return this.scheduler.now()
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedulePoll()
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
      if (this.probing !== null) this.scheduler.clearTimeout(this.probing)
      this.probing = null
      this.resume()
      return
    }
    this.setOnline(true)
  }

  /** Stops taking new jobs and waits for the ones in flight (bounded by their own timeouts). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer)
    if (this.probing !== null) this.scheduler.clearTimeout(this.probing)
    this.timer = this.probing = null
    await this.whenIdle()
  }

  /** True when nothing is running; used by tests and benches to wait for a drain. */
  get idle(): boolean {
    return this.running.size === 0
  }

  /** Resolves once no job is being sent or reconciled (at once if none is); timers still pending do not count. */
  whenIdle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private schedulePoll() {
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null
      if (this.stopped) return
      this.kick()
      this.schedulePoll()
    }, this.options.pollMs ?? POLL_INTERVAL_MS)
  }

  kick(): void {
    if (this.stopped || this.paused || this.ticking) return
    this.ticking = true
    try {
      const free = this.options.concurrency - this.running.size
      if (free <= 0) return
      const now = this.now()
      const heads = this.store.readyHeads(this.target, now, free).filter((job) => !this.running.has(job.chainKey))
      // Every chain this scan found is locked, and its head marked in flight, in one transaction (one fsync, not two
      // per chain), so the heads are sent at once, from this call; a head that must be reconciled first is not marked.
      // The scan itself is a read, so an idle poll takes no write lock.
      const claimed =
        heads.length === 0 ? [] : writeTx(this.db, () => heads.filter((job) => this.store.tryLock(job.chainKey, now)).map((job) => this.claim(job, now)))
      for (const { job, markedAt } of claimed) {
        this.running.add(job.chainKey)
        void this.runChain({ job, markedAt })
          // The unlock joins the group commit of the chain's last outcome or of the next turn's writes. Until it is
          // committed the chain still counts as running, so stop() waits for it.
          .finally(() => this.commits.run(() => this.store.unlock(job.chainKey)))
          .catch((err: unknown) => this.options.log?.error('sync chain ended with an error', { target: this.target, err: String(err) }))
          .finally(() => {
            this.running.delete(job.chainKey)
            this.options.onChange?.(job.chainKey)
            this.kickSoon()
            if (this.running.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve()
          })
      }
    } catch (err) {
      this.options.log?.error('sync tick failed', { target: this.target, err: String(err) })
    } finally {
      this.ticking = false
    }
  }

  /**
   * A kick on the next turn, once: the chains of a settled ledger batch end together, and one scan then takes their
   * successors (and locks them in one transaction) instead of one scan and one lock transaction per ended chain.
   */
  private kickSoon(): void {
    if (this.kickPending) return
    this.kickPending = true
    setImmediate(() => {
      this.kickPending = false
      this.kick()
    })
  }

  /**
   * The one decision how a chain's job is taken, inside the caller's write transaction (the scan's lock transaction,
   * or the commit of its predecessor's success): marked in flight at `now`, so the mark commits with that transaction
   * and the job is sent at once; or, when an earlier send may have landed, left as it is for runJob to reconcile first.
   */
  private claim(job: OutboxJob, now: number): NextStep {
    if (mayHaveLanded(job)) return { job, markedAt: null }
    this.store.markInFlight(job.id, now)
    return { job, markedAt: now }
  }

  private async runChain(first: NextStep): Promise<void> {
    let step: NextStep | undefined = first
    // A job already marked in flight is sent even if the worker began to stop or pause meanwhile: its mark says it is
    // on its way, and stop() waits for jobs in flight (an offline remote fails it like any other send).
    while (step && (step.markedAt !== null || (!this.stopped && !this.paused))) step = await this.runJob(step)
  }

  /**
   * Runs one job to a recorded outcome. Returns the chain's next step when the chain may go on. A job the previous
   * step already marked in flight (`markedAt`) is sent at once: that mark was committed with its predecessor's result.
   */
  private async runJob({ job, markedAt }: NextStep): Promise<NextStep | undefined> {
    const startedAt = markedAt ?? this.now()
    let sent = markedAt !== null
    try {
      if (!sent && mayHaveLanded(job)) {
        const found = await this.executor.reconcile(job)
        if (found) return await this.succeed(job, found, startedAt, 'reconciled')
      }
      if (!sent) {
        // On disk before the request leaves (awaited): a crash while sending leaves in_flight, which is reconciled.
        await this.commits.run(() => this.store.markInFlight(job.id, startedAt))
        sent = true
      }
      const res = await this.executor.send(job)
      return await this.succeed(job, res, startedAt, 'ok')
    } catch (err) {
      await this.failed(job, err, startedAt, job.attempts + (sent ? 1 : 0))
      return undefined
    }
  }

  /**
   * Records a success and, in the same transaction, finds the chain's next job of this target and marks it in flight
   * (one commit per step of a chain instead of two; not a job that must be reconciled first, nor when the worker is
   * stopping or pausing). Resolves once committed, so the next job starts only after its predecessor's result is on
   * disk.
   */
  private async succeed(job: OutboxJob, res: SendSuccess, startedAt: number, outcome: 'ok' | 'reconciled'): Promise<NextStep | undefined> {
    const attempt: AttemptRecord = {
      startedAt,
      durationMs: this.now() - startedAt,
      outcome,
      httpStatus: res.httpStatus,
      metaCode: res.metaCode,
      request: res.request,
      response: res.response,
    }
    const next = await this.commits.run((): NextStep | undefined => {
      this.store.complete(job, res.result, attempt, () => this.executor.apply(this.db, job, res.result))
      const now = this.now()
      const n = this.store.nextInChain(job.chainKey, this.target, now)
      if (!n) return undefined
      // A stopping or pausing worker marks nothing more; runChain then ends the chain here.
      return this.stopped || this.paused ? { job: n, markedAt: null } : this.claim(n, now)
    })
    // A send went through: the remote is up for real, so the probe may be trusted again.
    this.resumedAt = null
    this.probeBlind = false
    this.setOnline(true)
    return next
  }

  /** Records a failure (committed when it resolves) and pauses the worker if the remote is offline. */
  private async failed(job: OutboxJob, err: unknown, startedAt: number, attempts: number) {
    const e =
      err instanceof SendError
        ? err
        : // No client could be built (no address or credentials saved): nothing was sent, and the target is not
          // usable, so it is shown as down and probed, never "connected" with an unexpected error per job.
          err instanceof AppError && err.code === 'UNAVAILABLE'
          ? // The catalogue key of what is missing (e.g. remote.pcareNoCredentials); the page words UNCONFIGURED itself.
            new SendError('transient', 'UNCONFIGURED', err.key, { offline: true })
          : new SendError('transient', 'UNEXPECTED', err instanceof Error ? err.message : String(err), { ambiguous: true })
    let kind = e.kind
    let code = e.code
    let message = e.message
    if (kind === 'transient' && attempts >= MAX_TRANSIENT_ATTEMPTS) {
      kind = 'permanent'
      code = 'RETRY_LIMIT'
      // Not a sentence (the page words RETRY_LIMIT in its language; the row keeps the attempt count): the last
      // failure's own code and detail, for support.
      message = `${e.code}: ${e.message}`
    }
    const now = this.now()
    const next = kind === 'transient' ? now + retryDelayMs(Math.max(attempts, 1), e.extra.retryAfterMs, this.options.backoff) : now
    await this.commits.run(() =>
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
        Boolean(e.extra.ambiguous) || mayHaveLanded(job),
      ),
    )
    this.options.log?.warn('sync job failed', { target: this.target, op: job.operation, id: job.id, kind, code })
    if (e.extra.offline) {
      if (this.resumedAt !== null && !this.probeBlind) {
        this.probeBlind = true
        this.options.log?.warn('sync probe says up but sends fail offline; retries follow the backoff schedule', { target: this.target, code })
      }
      this.goOffline()
    }
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
    const probeMs = this.options.probeMs ?? PROBE_INTERVAL_MS
    const gen = ++this.probeGen
    const probe = async () => {
      this.probing = null
      if (this.stopped) return
      const up = await this.executor.probe().catch(() => false)
      // Stopped meanwhile, or an outside read already resumed the worker: this probe's answer is moot.
      if (this.stopped || gen !== this.probeGen) return
      if (up) this.resume()
      else this.probing = this.scheduler.setTimeout(() => void probe(), probeMs)
    }
    this.probing = this.scheduler.setTimeout(() => void probe(), probeMs)
  }

  /**
   * The remote answers again: send again. Jobs that failed while it was down are pulled forward to now, unless the
   * probe is known to be blind to the current outage (then each job keeps its retry time).
   */
  private resume() {
    this.probeGen++
    this.paused = false
    this.setOnline(true)
    if (!this.probeBlind) {
      this.resumedAt = this.now()
      this.store.pullForward(this.target, this.resumedAt)
    }
    this.kick()
  }
}
