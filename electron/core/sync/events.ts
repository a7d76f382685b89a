import type { ChaincodeEvent, Checkpointer, CloseableAsyncIterable } from '@hyperledger/fabric-gateway'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import type { Logger } from '../log'
import type { LedgerConnection } from '../ledger/gateway'
import { EVENTS_RETRY_MAX_FACTOR, EVENTS_RETRY_MS, reconnectDelay } from './backoff'
import { classifyLedgerError } from './ledger-errors'
import { realScheduler, type Scheduler } from './scheduler'

/**
 * Checkpoint kept in SQLite (ledger_checkpoints). The listener writes it in the SAME transaction as the local status
 * change an event causes, so a crash can neither lose an event's effect nor apply it twice.
 */
export class SqliteCheckpointer implements Checkpointer {
  constructor(
    private readonly db: DB,
    private readonly name: string,
  ) {}
  private row() {
    return this.db.prepare('SELECT block_number AS b, transaction_id AS t FROM ledger_checkpoints WHERE name = ?').get(this.name) as
      | { b: string; t: string | null }
      | undefined
  }
  getBlockNumber(): bigint | undefined {
    const r = this.row()
    return r ? BigInt(r.b) : undefined
  }
  getTransactionId(): string | undefined {
    return this.row()?.t ?? undefined
  }
  /** Synchronous core of the checkpoint, for use inside a db transaction. */
  save(blockNumber: bigint, transactionId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO ledger_checkpoints (name, block_number, transaction_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET block_number = excluded.block_number, transaction_id = excluded.transaction_id, updated_at = excluded.updated_at`,
      )
      .run(this.name, blockNumber.toString(), transactionId, Date.now())
  }
  async checkpointBlock(blockNumber: bigint): Promise<void> {
    this.save(blockNumber + 1n, null)
  }
  async checkpointTransaction(blockNumber: bigint, transactionId: string): Promise<void> {
    this.save(blockNumber, transactionId)
  }
  async checkpointChaincodeEvent(event: ChaincodeEvent): Promise<void> {
    this.save(event.blockNumber, event.transactionId)
  }
}

interface EventPayload {
  entityType?: string
  entityId?: string
  action?: string
  status?: string
  /** A `Batch.Submit` event: the event of each item that wrote (one event per transaction survives in Fabric). */
  events?: { name?: string; payload?: EventPayload }[]
}

/**
 * Where a workstation without a checkpoint starts listening: the block of its own first committed transaction.
 * Events before it cannot concern its records, and a new install does not replay the whole chain.
 */
export function firstOwnBlock(db: DB): bigint | undefined {
  const r = db
    .prepare(
      `SELECT min(CAST(json_extract(result, '$.blockNumber') AS INTEGER)) AS b FROM outbox
        WHERE target = 'ledger' AND status = 'done' AND json_extract(result, '$.blockNumber') IS NOT NULL`,
    )
    .get() as { b: number | null }
  return r.b === null ? undefined : BigInt(r.b)
}

/** Local effect of one chain event: the statuses BPJS (or the other faskes) changed on the ledger. */
function applyChainEvent(db: DB, payload: EventPayload): boolean {
  const now = Date.now()
  if (payload.entityType === 'Claim' && payload.status) {
    return db.prepare('UPDATE examinations SET claim_status = ?, updated_at = ? WHERE claim_id = ?').run(payload.status, now, payload.entityId).changes > 0
  }
  if (payload.entityType === 'Referral' && payload.status) {
    return db.prepare('UPDATE examinations SET referral_status = ?, updated_at = ? WHERE referral_id = ?').run(payload.status, now, payload.entityId).changes > 0
  }
  if (payload.entityType === 'Card' && payload.status) {
    return db.prepare('UPDATE patients SET ledger_status = ?, ledger_checked_at = ? WHERE no_kartu = ?').run(payload.status, now, payload.entityId).changes > 0
  }
  return false
}

/** Options of the chain-event listener. */
export interface ChainEventListenerOptions {
  /** Chaincode whose events are followed; the connection profile's by default. */
  chaincode?: string
  /** First reconnect delay and the "nothing of ours on the ledger yet" look-again interval; EVENTS_RETRY_MS by default. */
  retryMs?: number
  /** Clock and timers of the reconnect pauses; the real ones by default. */
  scheduler?: Scheduler
  log?: Logger
}

/**
 * Follows the chaincode's events from the stored checkpoint (from block 0 on a new workstation), reconnecting with a
 * pause when the peer goes away (reconnectDelay in backoff.ts). Resumes exactly where it stopped after being offline.
 */
export class ChainEventListener {
  private stopped = true
  private events: CloseableAsyncIterable<ChaincodeEvent> | null = null
  private loop: Promise<void> | null = null
  private wake: (() => void) | null = null
  /** True while the loop waits: out a pause, or for the next event on an open stream. */
  private parked = false
  private idleWaiters: (() => void)[] = []
  readonly checkpointer: SqliteCheckpointer
  /** Events applied since start (for the status page and tests). */
  applied = 0

  constructor(
    private readonly db: DB,
    private readonly connection: () => Promise<LedgerConnection>,
    private readonly options: ChainEventListenerOptions = {},
    name = 'faskes-events',
  ) {
    this.checkpointer = new SqliteCheckpointer(db, name)
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.events?.close()
    this.wake?.()
    await this.loop
    this.setParked(true)
  }

  /**
   * Resolves once the loop waits (out a reconnect pause, or for the next event of an open stream) or has stopped:
   * what it could do with the time and events so far is done. Tests advance their clock, then await this.
   */
  whenIdle(): Promise<void> {
    if (this.parked || this.stopped) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private setParked(value: boolean) {
    this.parked = value
    if (value) for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  private get scheduler(): Scheduler {
    return this.options.scheduler ?? realScheduler
  }

  private async run(): Promise<void> {
    // Consecutive failed connections: an outage is logged once, then retried ever more slowly (up to 8x retryMs).
    let failures = 0
    while (!this.stopped) {
      let openedAt = 0
      try {
        const hasCheckpoint = this.checkpointer.getBlockNumber() !== undefined
        const startBlock = hasCheckpoint ? undefined : firstOwnBlock(this.db)
        if (!hasCheckpoint && startBlock === undefined) {
          // Nothing of this workstation is on the ledger yet, so no event can concern it: look again later.
          await this.pause()
          continue
        }
        const conn = await this.connection()
        this.events = await conn.network.getChaincodeEvents(this.options.chaincode ?? conn.profile.chaincode, {
          checkpoint: this.checkpointer,
          ...(startBlock === undefined ? {} : { startBlock }),
        })
        openedAt = this.scheduler.now()
        // stop() may have run while the stream was opening; it could not close what did not exist yet.
        if (this.stopped) {
          // Closing cancels the gRPC stream; iterate once so the CANCELLED error ends here instead of going unhandled.
          const events = this.events
          events.close()
          try {
            for await (const _ of events) break
          } catch {
            // the cancellation itself
          }
          return
        }
        // Waiting for the next event is idle time (whenIdle); handling one is not.
        this.setParked(true)
        for await (const ev of this.events) {
          this.setParked(false)
          failures = 0
          let payload: EventPayload = {}
          try {
            payload = JSON.parse(Buffer.from(ev.payload).toString('utf8')) as EventPayload
          } catch {
            this.options.log?.warn('chain event with unreadable payload', { event: ev.eventName, tx: ev.transactionId })
          }
          const effects = Array.isArray(payload.events) ? payload.events.map((e) => e?.payload ?? {}) : [payload]
          writeTx(this.db, () => {
            for (const p of effects) if (applyChainEvent(this.db, p)) this.applied++
            this.checkpointer.save(ev.blockNumber, ev.transactionId)
          })
          this.setParked(true)
        }
      } catch (err) {
        if (this.stopped) return
        // A stream that ran a while before it broke starts a new outage.
        if (openedAt && this.scheduler.now() - openedAt > EVENTS_RETRY_MAX_FACTOR * this.retryMs) failures = 0
        failures++
        const { code, message } = classifyLedgerError(err, 'events')
        const fields = { code, err: message, failures, retryInMs: reconnectDelay(this.retryMs, failures) }
        if (failures === 1) this.options.log?.warn('chain event stream ended; reconnecting', fields)
        else this.options.log?.debug('chain event stream still down', fields)
      } finally {
        this.setParked(false)
        this.events = null
      }
      await this.pause(reconnectDelay(this.retryMs, failures))
    }
  }

  private get retryMs(): number {
    return this.options.retryMs ?? EVENTS_RETRY_MS
  }

  /** Waits `ms` (retryMs by default), or less when stop() is called. */
  private async pause(ms = this.retryMs): Promise<void> {
    if (this.stopped) return
    await new Promise<void>((r) => {
      const t = this.scheduler.setTimeout(r, ms)
      this.wake = () => (this.scheduler.clearTimeout(t), r())
      this.setParked(true)
    })
    this.setParked(false)
    this.wake = null
  }
}
