import { AppError } from '../errors'
import type { Logger } from '../log'
import type { LedgerConnection } from '../ledger/gateway'
import { canonicalJson } from '../util/canonical'
import { LEDGER_BATCH } from './backoff'
import { SendError, type Executor, type SendSuccess } from './executor'
import { classifyLedgerError } from './ledger-errors'
import { endorsersOf, runLedgerTransaction } from './ledger-executor'
import { parseJob, type ParsedJob } from './operations'
import type { OutboxJob } from './outbox'
import { realScheduler, type Scheduler } from './scheduler'

/** How ledger jobs are grouped into Batch:Submit transactions; LEDGER_BATCH (backoff.ts) by default. */
export interface LedgerBatchOptions {
  /** Most intents in one transaction (1-100: the chaincode's limit). */
  maxItems: number
  /** How long the first job of a batch waits for more before the batch goes (ms). */
  lingerMs: number
  /** Single sends at a time when a batch failed as a whole and its jobs go one by one. */
  fallbackConcurrency: number
  /** How long batching stays off after the chaincode turned out not to know Batch:Submit (ms). */
  offMs: number
}

/** A failure to build the connection, classified as the single executor does. */
function connectError(err: unknown): SendError {
  const c = classifyLedgerError(err, 'connect')
  return new SendError(c.kind, c.code, c.message, { offline: c.offline, ambiguous: c.ambiguous })
}

/** One queued send: the job, its parsed payload, and the worker's promise to settle. */
interface Waiting {
  job: OutboxJob
  parsed: ParsedJob<'ledger'>
  resolve(res: SendSuccess): void
  reject(err: unknown): void
}

/** One item's answer in Batch:Submit's result (chaincode/README.md#batches). */
type ItemResult = { fn: string; ok: true; record: unknown; replayed: boolean } | { fn: string; ok: false; error: string }

/** The peer's answer when the committed chaincode has no such function (fabric-contract-api's default unknown handler). */
const NO_BATCH_FUNCTION = /function that does not exist|Batch:Submit/

/**
 * The ledger executor with batching: the worker still runs each job on its own (markInFlight, send, complete or fail,
 * one chain at a time, so a claim never leaves before its visit is done), but `send` only queues the job. Jobs of the
 * same operation queue together and go as one `Batch:Submit` transaction when `maxItems` are waiting or `lingerMs`
 * after the first; every job then settles with its own item's outcome: a record (as a single send's result, with the
 * batch's tx id and block) or its item's chaincode refusal, classified like a single send's. One operation per batch
 * keeps each batch's endorsement needs those of that operation alone: a claim batch needs BPJS's peer, a referral batch
 * the receiving org's, and neither holds up the visits. A lone job goes as a single send.
 *
 * A batch that fails as a whole:
 * - offline, ambiguous (submit or commit status unknown: each job reads its own key on the next run, as after a
 *   single send), CHAINCODE_CLOCK, IDENTITY_REFUSED, or nothing configured: every job fails with that error;
 * - anything else (an endorsement that could not be gathered, an invalid commit, an MVCC conflict, a chaincode refusal
 *   of the batch itself, a chaincode without Batch:Submit): the jobs are sent again one by one through `single`, so a
 *   job that cannot go in a batch still goes. Without Batch:Submit batching stays off for `offMs`.
 */
export function batchingLedgerExecutor(
  single: Executor,
  connection: () => Promise<LedgerConnection>,
  options: Partial<LedgerBatchOptions> = {},
  scheduler: Scheduler = realScheduler,
  log?: Logger,
): Executor {
  const o: LedgerBatchOptions = { ...LEDGER_BATCH, ...options }
  const maxItems = Math.max(1, Math.min(100, o.maxItems))
  const queues = new Map<string, { items: Waiting[]; timer: unknown }>()
  let offUntil = 0

  function flush(key: string): void {
    const q = queues.get(key)
    if (!q) return
    queues.delete(key)
    if (q.timer !== null) scheduler.clearTimeout(q.timer)
    void run(q.items)
  }

  async function run(items: Waiting[]): Promise<void> {
    if (items.length === 1) return settleSingle(items[0])
    let committed
    let results: ItemResult[]
    const request = { contract: 'Batch', fn: 'Submit', operation: items[0].parsed.operation, items: items.length }
    let conn: LedgerConnection
    try {
      conn = await connection()
    } catch (err) {
      // Nothing could be sent (nothing configured, identity refused by the settings, no connection): as a single send.
      const e = err instanceof SendError || (err instanceof AppError && err.code === 'UNAVAILABLE') ? err : connectError(err)
      for (const w of items) w.reject(e)
      return
    }
    try {
      const transientData: Record<string, Buffer> = {}
      items.forEach((w, i) => {
        const transient: Record<string, string> = 'transient' in w.parsed.payload ? w.parsed.payload.transient : {}
        for (const [k, v] of Object.entries(transient)) transientData[`${i}.${k}`] = Buffer.from(v)
      })
      const proposal = conn.contract('Batch').newProposal('Submit', {
        arguments: [canonicalJson({ items: items.map((w) => ({ fn: w.parsed.operation, intent: w.parsed.payload.intent })) })],
        transientData,
        endorsingOrganizations: endorsersOf(items[0].parsed.operation, conn.profile.mspId),
      })
      committed = await runLedgerTransaction(proposal, request, scheduler)
      results = (JSON.parse(Buffer.from(committed.payload).toString('utf8')) as { results: ItemResult[] }).results
      if (!Array.isArray(results) || results.length !== items.length) throw new Error(`Batch:Submit answered ${results?.length} results for ${items.length} items`)
    } catch (err) {
      return wholeBatchFailed(items, err)
    }
    const { txId, blockNumber } = committed
    items.forEach((w, i) => {
      const r = results[i]
      const req = { contract: w.parsed.operation.split(':')[0], fn: w.parsed.operation.split(':')[1], intent: w.parsed.payload.intent, batch: { size: items.length, index: i } }
      if (r.ok) {
        const result = { txId, blockNumber, record: r.record }
        w.resolve({ result, request: req, response: { ...result, replayed: r.replayed } })
      } else {
        const c = classifyLedgerError(new Error(r.error), 'endorse')
        w.reject(new SendError(c.kind, c.code, c.message, { request: req, response: { txId, blockNumber, error: r.error } }))
      }
    })
  }

  async function wholeBatchFailed(items: Waiting[], err: unknown): Promise<void> {
    const e = err instanceof SendError || (err instanceof AppError && err.code === 'UNAVAILABLE') ? err : null
    const passOn =
      e instanceof AppError ||
      (e instanceof SendError && (e.extra.offline || e.extra.ambiguous || e.code === 'CHAINCODE_CLOCK' || e.code === 'IDENTITY_REFUSED'))
    if (passOn) {
      for (const w of items) w.reject(e)
      return
    }
    const message = err instanceof Error ? err.message : String(err)
    if (NO_BATCH_FUNCTION.test(message) && !/^(INVALID|FORBIDDEN|NOT_FOUND|CONFLICT|STATE|CLOCK):/.test(message)) {
      offUntil = scheduler.now() + o.offMs
    }
    log?.warn('ledger batch failed as a whole; sending its jobs one by one', { items: items.length, code: e instanceof SendError ? e.code : 'UNEXPECTED', err: message })
    // Bounded: each pass takes fallbackConcurrency jobs off the list.
    const rest = [...items]
    while (rest.length > 0) await Promise.all(rest.splice(0, Math.max(1, o.fallbackConcurrency)).map(settleSingle))
  }

  function settleSingle(w: Waiting): Promise<void> {
    return single.send(w.job).then(w.resolve, w.reject)
  }

  return {
    target: 'ledger',
    async send(job) {
      const parsed = parseJob('ledger', job)
      if (maxItems === 1 || scheduler.now() < offUntil) return single.send(job)
      return new Promise<SendSuccess>((resolve, reject) => {
        const key = parsed.operation
        let q = queues.get(key)
        if (!q) queues.set(key, (q = { items: [], timer: null }))
        q.items.push({ job, parsed, resolve, reject })
        if (q.items.length >= maxItems) flush(key)
        else if (q.timer === null) q.timer = scheduler.setTimeout(() => flush(key), o.lingerMs)
      })
    },
    reconcile: (job) => single.reconcile(job),
    apply: (db, job, result) => single.apply(db, job, result),
    probe: () => single.probe(),
  }
}
