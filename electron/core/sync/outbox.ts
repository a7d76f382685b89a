import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { prepared } from '../db/statements'
import { canonicalJson, sha256Hex } from '../util/canonical'
import { CHAIN_LOCK_LEASE_MS } from './backoff'
import { OPERATIONS, type Operation, type PayloadOf } from './operations'
import type { OutboxStatus, Target } from '../../contract'
import { pidAlive } from '../util/process'

// Declared once, in the contract (core takes its types from there); Target re-exported for the sync modules beside OutboxJob.
export type { Target }

export interface OutboxJob {
  id: number
  idempotencyKey: string
  target: Target
  operation: string
  chainKey: string
  seq: number
  entityType: string
  entityId: string
  /** As stored (any version may have written it): executors read it only through `parseJob` (operations.ts). */
  payload: unknown
  payloadHash: string
  status: OutboxStatus
  attempts: number
  needsReconcile: boolean
  nextAttemptAt: number
  correlationId: string
  result: unknown
  createdAt: number
}

/**
 * An earlier send of this job may have reached the remote: it was found in flight (the app stopped mid-send) or a
 * failure left it flagged ambiguous. Such a job is reconciled (read back from the remote) before it is sent again,
 * and is never marked in flight ahead of that read (worker.ts).
 */
export function mayHaveLanded(job: Pick<OutboxJob, 'status' | 'needsReconcile'>): boolean {
  return job.status === 'in_flight' || job.needsReconcile
}

interface JobOf<Op extends Operation> {
  /** Names the remote call; its target (worker) and payload shape come from OPERATIONS (operations.ts). */
  operation: Op
  /** Orders effects of one patient visit: jobs with the same chain run one after another, by seq. */
  chainKey: string
  entityType: string
  entityId: string
  /** Sanitized intent: what to send, never credentials. Stored as canonical JSON; its hash guards the key. */
  payload: PayloadOf<Op>
  /** Stable across retries and resends; defaults to operation + entity. */
  idempotencyKey?: string
}

/** A job to enqueue: one member per operation, so the operation decides the payload type. */
export type NewJob = { [Op in Operation]: JobOf<Op> }[Operation]

interface Row {
  id: number
  idempotency_key: string
  target: Target
  operation: string
  chain_key: string
  seq: number
  entity_type: string
  entity_id: string
  payload: string
  payload_hash: string
  status: OutboxStatus
  attempts: number
  needs_reconcile: number
  next_attempt_at: number
  correlation_id: string
  result: string | null
  created_at: number
}

/**
 * A payload that is not JSON (edited by hand) is handed on as its text: `parseJob` then fails that one job with
 * BAD_PAYLOAD instead of every scan of the outbox throwing.
 */
function storedPayload(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function toJob(r: Row): OutboxJob {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    target: r.target,
    operation: r.operation,
    chainKey: r.chain_key,
    seq: r.seq,
    entityType: r.entity_type,
    entityId: r.entity_id,
    payload: storedPayload(r.payload),
    payloadHash: r.payload_hash,
    status: r.status,
    attempts: r.attempts,
    needsReconcile: r.needs_reconcile === 1,
    nextAttemptAt: r.next_attempt_at,
    correlationId: r.correlation_id,
    result: r.result === null ? null : JSON.parse(r.result),
    createdAt: r.created_at,
  }
}

/**
 * Adds a job for the operation's target. Call it inside the same transaction that writes the local record it
 * belongs to, so either both exist or neither does. Re-enqueueing the same idempotency key with the same payload
 * is a no-op; with a different payload it is a bug in the caller and throws.
 */
export function enqueue(db: DB, job: NewJob, now = Date.now()): number {
  const target = OPERATIONS[job.operation].target
  const payload = canonicalJson(job.payload)
  const hash = sha256Hex(payload)
  const key = job.idempotencyKey ?? `${job.operation}:${job.entityId}`
  // The three statements are compiled once per connection (prepared): enqueue runs up to six times in one save.
  const existing = prepared(db, 'SELECT id, payload_hash FROM outbox WHERE idempotency_key = ?').get(key) as
    | { id: number; payload_hash: string }
    | undefined
  if (existing) {
    if (existing.payload_hash !== hash) throw new Error(`Outbox key ${key} already holds a different payload`)
    return existing.id
  }
  const { seq } = prepared(db, 'SELECT coalesce(max(seq), 0) + 1 AS seq FROM outbox WHERE chain_key = ?').get(job.chainKey) as {
    seq: number
  }
  const info = prepared(
    db,
    `INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash,
       status, next_attempt_at, correlation_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
  ).run(key, target, job.operation, job.chainKey, seq, job.entityType, job.entityId, payload, hash, now, randomUUID(), now, now)
  return Number(info.lastInsertRowid)
}

/** A job of a chain as a correction sees it (clinic/corrections.ts). */
export interface ChainJob {
  id: number
  operation: string
  entityId: string
  status: OutboxStatus
  /** As stored (parsed JSON). */
  payload: unknown
  /**
   * It cannot have reached its remote: waiting, or definitely refused (pending, failed_transient or failed_permanent
   * with no ambiguous attempt), and no runner holds its chain (a worker holding the lock may be sending what it read).
   */
  unsent: boolean
}

const UNSENT_STATUSES = `('pending', 'failed_transient', 'failed_permanent')`

/** The chain's jobs in seq order, cancelled ones left out. `now`: epoch ms, to tell a live lock from a lapsed one. */
export function chainJobs(db: DB, chainKey: string, now = Date.now()): ChainJob[] {
  const locked = db.prepare('SELECT 1 FROM chain_locks WHERE chain_key = ? AND expires_at >= ?').get(chainKey, now) !== undefined
  const rows = db
    .prepare(`SELECT id, operation, entity_id, status, payload, needs_reconcile FROM outbox WHERE chain_key = ? AND status != 'cancelled' ORDER BY seq`)
    .all(chainKey) as { id: number; operation: string; entity_id: string; status: OutboxStatus; payload: string; needs_reconcile: number }[]
  return rows.map((r) => ({
    id: r.id,
    operation: r.operation,
    entityId: r.entity_id,
    status: r.status,
    payload: storedPayload(r.payload),
    unsent: !locked && r.needs_reconcile === 0 && ['pending', 'failed_transient', 'failed_permanent'].includes(r.status),
  }))
}

/**
 * Replaces what an unsent job (see ChainJob) will send, keeping its place in the chain and its idempotency key: the
 * record it carries was corrected before anything reached the remote. A job that had been refused is due again now,
 * with the corrected data. Call it in the transaction that read `chainJobs`; throws if the job was sent meanwhile.
 */
export function replaceUnsentPayload<Op extends Operation>(db: DB, id: number, operation: Op, payload: PayloadOf<Op>, now = Date.now()): void {
  const text = canonicalJson(payload)
  const info = db
    .prepare(
      `UPDATE outbox SET payload = ?, payload_hash = ?, status = 'pending', next_attempt_at = ?, last_error_code = NULL, last_error_message = NULL,
         last_error_fields = NULL, updated_at = ? WHERE id = ? AND operation = ? AND needs_reconcile = 0 AND status IN ${UNSENT_STATUSES}`,
    )
    .run(text, sha256Hex(text), now, now, id, operation)
  if (info.changes !== 1) throw new Error(`Outbox job ${id} is no longer unsent`)
}

/**
 * Cancels unsent jobs whose record was corrected before they went out (last error WITHDRAWN; `detail` names the
 * correction, for support). No attempt row: nothing was sent. Jobs sent meanwhile are left alone.
 */
export function withdrawJobs(db: DB, ids: number[], detail: string, now = Date.now()): void {
  const stmt = db.prepare(
    `UPDATE outbox SET status = 'cancelled', last_error_code = 'WITHDRAWN', last_error_message = ?, last_error_fields = NULL, updated_at = ?
      WHERE id = ? AND needs_reconcile = 0 AND status IN ${UNSENT_STATUSES}`,
  )
  for (const id of ids) stmt.run(detail, now, id)
}

export interface AttemptRecord {
  startedAt: number
  durationMs: number
  outcome: 'ok' | 'transient' | 'permanent' | 'ambiguous' | 'reconciled'
  httpStatus?: number | null
  metaCode?: number | null
  errorCode?: string | null
  errorMessage?: string | null
  errorFields?: unknown
  triggeredBy?: string | null
  request?: unknown
  response?: unknown
}

/** Identifies this process in chain_locks; a lock whose owner process is gone can be taken over at once. */
function processOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
}

function ownerAlive(owner: string): boolean {
  const [host, pid] = owner.split(':')
  if (host !== hostname()) return true // another machine on a shared file: trust the lease only
  return pidAlive(Number(pid))
}

/*
 * The worker's hot reads, exported so electron/core/db/query-plan.test.ts checks with EXPLAIN QUERY PLAN the very text
 * the store runs: each must stay an index search however many done jobs the outbox keeps.
 */
/** Parameters: target, now (epoch ms), limit. */
export const READY_HEADS_SQL = `SELECT o.* FROM outbox o
  WHERE o.target = ? AND o.status IN ('pending', 'failed_transient', 'in_flight') AND o.next_attempt_at <= ?
    AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chain_key = o.chain_key AND p.seq < o.seq
                                             AND p.status NOT IN ('done', 'cancelled'))
    AND NOT EXISTS (SELECT 1 FROM chain_locks l WHERE l.chain_key = o.chain_key)
  ORDER BY o.next_attempt_at, o.id LIMIT ?`
/** No parameters; one row `{ n }`. */
export const RUNNABLE_COUNT_SQL = `SELECT count(*) AS n FROM outbox o WHERE o.status IN ('pending', 'in_flight', 'failed_transient')
  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chain_key = o.chain_key AND p.seq < o.seq AND p.status = 'failed_permanent')`
/** Parameter: target; one row `{ t }`, epoch ms or null. */
export const NEXT_DUE_AT_SQL = `SELECT min(next_attempt_at) AS t FROM outbox WHERE target = ? AND status IN ('pending', 'failed_transient', 'in_flight')`

/** Data access for the sync workers. Every state change is one short transaction. */
export class OutboxStore {
  constructor(
    private readonly db: DB,
    readonly owner: string = processOwnerId(),
    private readonly leaseMs = CHAIN_LOCK_LEASE_MS,
  ) {}

  /**
   * Heads of chains that may run now: every earlier job of the chain is done or cancelled, the job is due,
   * and no live runner holds the chain. A permanent failure stays the head and so holds the chain behind it.
   */
  readyHeads(target: Target, now: number, limit: number): OutboxJob[] {
    this.reapLocks(now)
    const rows = this.db.prepare(READY_HEADS_SQL).all(target, now, limit) as Row[]
    return rows.map(toJob)
  }

  /** Takes the chain for this process. False when another live runner has it. */
  tryLock(chainKey: string, now: number): boolean {
    const info = this.db
      .prepare(
        `INSERT INTO chain_locks (chain_key, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (chain_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
           WHERE chain_locks.owner = excluded.owner OR chain_locks.expires_at < ?`,
      )
      .run(chainKey, this.owner, now + this.leaseMs, now)
    return info.changes === 1
  }

  unlock(chainKey: string): void {
    this.db.prepare('DELETE FROM chain_locks WHERE chain_key = ? AND owner = ?').run(chainKey, this.owner)
  }

  /** Drops locks whose lease ran out or whose owner process died on this host. */
  reapLocks(now: number): void {
    const locks = this.db.prepare('SELECT chain_key, owner, expires_at FROM chain_locks').all() as {
      chain_key: string
      owner: string
      expires_at: number
    }[]
    const del = this.db.prepare('DELETE FROM chain_locks WHERE chain_key = ? AND owner = ?')
    for (const l of locks) {
      if (l.owner === this.owner) continue
      if (l.expires_at < now || !ownerAlive(l.owner)) del.run(l.chain_key, l.owner)
    }
  }

  get(id: number): OutboxJob | undefined {
    const r = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined
    return r && toJob(r)
  }

  /** The job the chain must run next, if any (used to keep going after a success without a new scan). */
  nextInChain(chainKey: string, target: Target, now: number): OutboxJob | undefined {
    const r = this.db
      .prepare(
        `SELECT * FROM outbox WHERE chain_key = ? AND status NOT IN ('done', 'cancelled') ORDER BY seq LIMIT 1`,
      )
      .get(chainKey) as Row | undefined
    // Another target's job next in the chain is left to that target's worker once this lock is released.
    if (!r || r.target !== target || r.status === 'failed_permanent' || r.next_attempt_at > now) return undefined
    return toJob(r)
  }

  /**
   * Committed BEFORE the request leaves: if the process dies while sending, the row says in_flight and the next
   * runner reconciles with the remote instead of sending blind.
   */
  markInFlight(id: number, now: number): void {
    this.db
      .prepare(`UPDATE outbox SET status = 'in_flight', attempts = attempts + 1, updated_at = ? WHERE id = ?`)
      .run(now, id)
  }

  /** Success: result stored, local record updated by `apply` in the same transaction, attempt logged. */
  complete(job: OutboxJob, result: unknown, attempt: AttemptRecord, apply?: () => void): void {
    writeTx(this.db, () => {
      this.db
        .prepare(
          `UPDATE outbox SET status = 'done', result = ?, needs_reconcile = 0, last_error_code = NULL, last_error_message = NULL,
             last_error_fields = NULL, done_at = ?, updated_at = ? WHERE id = ?`,
        )
        .run(JSON.stringify(result ?? null), attempt.startedAt + attempt.durationMs, attempt.startedAt + attempt.durationMs, job.id)
      apply?.()
      this.logAttempt(job, attempt)
    })
  }

  /** Failure: transient ones come back at `nextAttemptAt`; permanent ones wait for a person. */
  fail(
    job: OutboxJob,
    kind: 'transient' | 'permanent',
    attempt: AttemptRecord,
    nextAttemptAt: number,
    needsReconcile: boolean,
  ): void {
    writeTx(this.db, () => {
      this.db
        .prepare(
          `UPDATE outbox SET status = ?, next_attempt_at = ?, needs_reconcile = ?, last_error_code = ?, last_error_message = ?,
             last_error_fields = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          kind === 'transient' ? 'failed_transient' : 'failed_permanent',
          nextAttemptAt,
          needsReconcile ? 1 : 0,
          attempt.errorCode ?? null,
          attempt.errorMessage ?? null,
          attempt.errorFields ? JSON.stringify(attempt.errorFields) : null,
          attempt.startedAt + attempt.durationMs,
          job.id,
        )
      this.logAttempt(job, attempt)
    })
  }

  private logAttempt(job: OutboxJob, a: AttemptRecord): void {
    this.db
      .prepare(
        `INSERT INTO outbox_attempts (outbox_id, correlation_id, started_at, duration_ms, outcome, http_status, meta_code,
           error_code, error_message, error_fields, triggered_by, request, response)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.correlationId,
        a.startedAt,
        a.durationMs,
        a.outcome,
        a.httpStatus ?? null,
        a.metaCode ?? null,
        a.errorCode ?? null,
        a.errorMessage ?? null,
        a.errorFields ? JSON.stringify(a.errorFields) : null,
        a.triggeredBy ?? null,
        a.request === undefined ? null : JSON.stringify(a.request),
        a.response === undefined ? null : JSON.stringify(a.response),
      )
  }

  /** Connectivity came back: transient failures of this target are retried now instead of at their backoff time. */
  pullForward(target: Target, now: number): number {
    return this.db
      .prepare(`UPDATE outbox SET next_attempt_at = ? WHERE target = ? AND status = 'failed_transient' AND next_attempt_at > ?`)
      .run(now, target, now).changes
  }

  /**
   * Jobs that can still make progress: active, and not held behind a permanent failure of their chain (those wait
   * for a person). Zero means the outbox is drained as far as the machine can take it.
   */
  runnableCount(): number {
    return (
      this.db
        .prepare(RUNNABLE_COUNT_SQL)
        .get() as { n: number }
    ).n
  }

  /** Earliest time a not-yet-due job of the target becomes due (the worker sleeps until then). */
  nextDueAt(target: Target): number | null {
    const r = this.db
      .prepare(NEXT_DUE_AT_SQL)
      .get(target) as { t: number | null }
    return r.t
  }
}
