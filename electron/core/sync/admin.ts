import { randomUUID } from 'node:crypto'
import type { OutboxDetail, OutboxFilter, OutboxRow, OutboxStatus, Target } from '../../contract'
import type { DB } from '../db'
import { localIsoDate } from '../clinic/dates'
import { satusehatPerDay } from '../satusehat/store'
import { writeTx } from '../db/tx'
import { AppError, msg } from '../errors'

const ROW = `id, target, operation, entity_type AS entityType, entity_id AS entityId, chain_key AS chainKey, seq, status, attempts,
  next_attempt_at AS nextAttemptAt, last_error_code AS lastErrorCode, last_error_message AS lastErrorMessage,
  last_error_fields AS lastErrorFields, correlation_id AS correlationId, created_at AS createdAt, updated_at AS updatedAt, done_at AS doneAt,
  (SELECT json_object('id', p.id, 'operation', p.operation, 'status', p.status, 'lastErrorCode', p.last_error_code, 'lastErrorMessage', p.last_error_message)
     FROM outbox p WHERE p.chain_key = outbox.chain_key AND p.seq < outbox.seq AND p.status NOT IN ('done', 'cancelled')
    ORDER BY p.seq LIMIT 1) AS blockedBy`

/** The earlier unfinished job of the same chain that this one waits for (null when it is the chain's head). */
function parseBlocker(v: unknown): OutboxRow['blockedBy'] {
  return typeof v === 'string' ? (JSON.parse(v) as OutboxRow['blockedBy']) : null
}

function parseFields(v: string | null): { field: string; message: string }[] {
  if (!v) return []
  try {
    const f = JSON.parse(v)
    return Array.isArray(f) ? f.map((x) => ({ field: String(x.field ?? ''), message: String(x.message ?? '') })) : []
  } catch {
    return []
  }
}

/** What the admin's failed/pending list shows: newest first, filtered (`from`/`to`: created_at range in ms, `to` exclusive; at most 1000 rows, 200 by default). */
export function listOutbox(db: DB, f: OutboxFilter): OutboxRow[] {
  const where: string[] = []
  const args: unknown[] = []
  if (f.status?.length) {
    where.push(`status IN (${f.status.map(() => '?').join(',')})`)
    args.push(...f.status)
  }
  const add = (clause: string, value: unknown) => {
    where.push(clause)
    args.push(value)
  }
  if (f.target) add('target = ?', f.target)
  if (f.operation) add('operation = ?', f.operation)
  if (f.from !== undefined) add('created_at >= ?', f.from)
  if (f.to !== undefined) add('created_at < ?', f.to)
  const rows = db
    .prepare(`SELECT ${ROW} FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`)
    .all(...args, Math.min(f.limit ?? 200, 1000)) as (Record<string, unknown> & { lastErrorFields: string | null })[]
  return rows.map((r) => ({ ...r, lastErrorFields: parseFields(r.lastErrorFields), blockedBy: parseBlocker(r.blockedBy) })) as OutboxRow[]
}

/** One job with its sanitized payload and every attempt (request and response as recorded, never headers). */
export function outboxDetail(db: DB, id: number): OutboxDetail {
  const row = db.prepare(`SELECT ${ROW}, payload, result FROM outbox WHERE id = ?`).get(id) as
    | (Record<string, unknown> & { payload: string; result: string | null; lastErrorFields: string | null })
    | undefined
  if (!row) throw new AppError('NOT_FOUND', msg('outbox.notFound', { id }))
  const attempts = db
    .prepare(
      `SELECT id, correlation_id AS correlationId, started_at AS startedAt, duration_ms AS durationMs, outcome, http_status AS httpStatus,
              meta_code AS metaCode, error_code AS errorCode, error_message AS errorMessage, error_fields AS errorFields,
              triggered_by AS triggeredBy, request, response
         FROM outbox_attempts WHERE outbox_id = ? ORDER BY id`,
    )
    .all(id) as (Record<string, unknown> & { errorFields: string | null; request: string | null; response: string | null })[]
  return {
    ...(row as unknown as OutboxRow),
    lastErrorFields: parseFields(row.lastErrorFields),
    blockedBy: parseBlocker(row.blockedBy),
    payload: JSON.parse(row.payload) as unknown,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    attempts: attempts.map((a) => ({
      ...a,
      errorFields: parseFields(a.errorFields),
      request: a.request === null ? null : (JSON.parse(a.request) as unknown),
      response: a.response === null ? null : (JSON.parse(a.response) as unknown),
    })) as OutboxDetail['attempts'],
  }
}

/**
 * A person resends failed jobs: they become due now, with a new correlation id so the new attempts are told apart
 * from the old ones, and a marker attempt recording who asked. Done and cancelled jobs are left alone.
 */
export function resend(db: DB, ids: number[], by: string, now = Date.now()): { resent: number[]; correlationId: string } {
  const correlationId = randomUUID()
  const resent: number[] = []
  writeTx(db, () => {
    for (const id of ids) {
      const r = db.prepare('SELECT status FROM outbox WHERE id = ?').get(id) as { status: OutboxStatus } | undefined
      if (!r || !['failed_permanent', 'failed_transient', 'pending'].includes(r.status)) continue
      db.prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, correlation_id = ?, updated_at = ? WHERE id = ?`).run(now, correlationId, now, id)
      db.prepare(
        `INSERT INTO outbox_attempts (outbox_id, correlation_id, started_at, duration_ms, outcome, error_code, error_message, triggered_by)
         VALUES (?, ?, ?, 0, 'transient', 'RESEND_REQUESTED', NULL, ?)`,
      ).run(id, correlationId, now, by)
      resent.push(id)
    }
  })
  return { resent, correlationId }
}

/** A person gives up on jobs (e.g. data corrected in PCare by hand). The chain behind a cancelled job goes on. */
export function cancel(db: DB, ids: number[], by: string, reason: string, now = Date.now()): { cancelled: number[] } {
  const cancelled: number[] = []
  writeTx(db, () => {
    for (const id of ids) {
      const r = db.prepare('SELECT status, correlation_id AS c FROM outbox WHERE id = ?').get(id) as { status: OutboxStatus; c: string } | undefined
      if (!r || r.status === 'done' || r.status === 'cancelled' || r.status === 'in_flight') continue
      db.prepare(`UPDATE outbox SET status = 'cancelled', updated_at = ? WHERE id = ?`).run(now, id)
      db.prepare(
        `INSERT INTO outbox_attempts (outbox_id, correlation_id, started_at, duration_ms, outcome, error_code, error_message, triggered_by)
         VALUES (?, ?, ?, 0, 'permanent', 'CANCELLED', ?, ?)`,
      ).run(id, r.c, now, reason, by)
      cancelled.push(id)
    }
  })
  return { cancelled }
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * Monitoring for the admin page, from the attempts log: success rate per endpoint per day, latency percentiles per
 * endpoint, top error messages, and how retried jobs ended. Real sends only (resend/cancel markers excluded). Also
 * SATUSEHAT's resources per type per day, from what the platform holds (satusehat_ids).
 */
export function monitoring(db: DB, days: number, now = Date.now()) {
  const since = now - days * 86_400_000
  const real = `a.started_at >= ? AND coalesce(a.error_code, '') NOT IN ('RESEND_REQUESTED', 'CANCELLED')`
  const perDay = db
    .prepare(
      `SELECT date(a.started_at / 1000, 'unixepoch', 'localtime') AS day, o.target, o.operation,
              sum(a.outcome IN ('ok', 'reconciled')) AS ok, sum(a.outcome NOT IN ('ok', 'reconciled')) AS failed
         FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE ${real}
        GROUP BY day, o.target, o.operation ORDER BY day, o.target, o.operation`,
    )
    .all(since) as { day: string; target: Target; operation: string; ok: number; failed: number }[]
  const durations = db
    .prepare(`SELECT o.operation, a.duration_ms AS d FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE ${real} AND a.duration_ms IS NOT NULL ORDER BY o.operation, d`)
    .all(since) as { operation: string; d: number }[]
  const byOp = new Map<string, number[]>()
  for (const r of durations) (byOp.get(r.operation) ?? byOp.set(r.operation, []).get(r.operation)!).push(r.d)
  const all = durations.map((r) => r.d).sort((a, b) => a - b)
  const latency = [...byOp].map(([operation, ds]) => ({ operation, n: ds.length, p50: percentile(ds, 50), p95: percentile(ds, 95), p99: percentile(ds, 99) }))
  const topErrors = db
    .prepare(
      `SELECT a.error_code AS code, a.error_message AS message, count(*) AS n FROM outbox_attempts a
        WHERE ${real} AND a.error_code IS NOT NULL GROUP BY a.error_code, a.error_message ORDER BY n DESC LIMIT 10`,
    )
    .all(since) as { code: string; message: string; n: number }[]
  const retryOutcomes = db
    .prepare(
      `SELECT CASE WHEN attempts <= 1 THEN '1' WHEN attempts <= 3 THEN '2-3' ELSE '4+' END AS attempts, status, count(*) AS n
         FROM outbox WHERE created_at >= ? AND attempts > 0 GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    .all(since) as { attempts: string; status: OutboxStatus; n: number }[]
  const totals = perDay.reduce((t, r) => ({ ok: t.ok + r.ok, failed: t.failed + r.failed }), { ok: 0, failed: 0 })
  const counts = db
    .prepare(`SELECT sum(status IN ('pending', 'failed_transient', 'in_flight')) AS pending, sum(status = 'failed_permanent') AS failed FROM outbox`)
    .get() as { pending: number | null; failed: number | null }
  // A job queued behind a permanent failure is not pending work: it waits for the admin like the failure itself (the
  // status bar counts it as blocked, see status.ts). Counted apart so the chain lookup runs for waiting rows only.
  const { blocked } = db
    .prepare(
      `SELECT count(*) AS blocked FROM outbox o WHERE o.status IN ('pending', 'failed_transient')
          AND EXISTS (SELECT 1 FROM outbox p WHERE p.chain_key = o.chain_key AND p.seq < o.seq AND p.status = 'failed_permanent')`,
    )
    .get() as { blocked: number }
  return {
    kpi: {
      successRate: totals.ok + totals.failed ? totals.ok / (totals.ok + totals.failed) : null,
      p50: percentile(all, 50),
      p95: percentile(all, 95),
      p99: percentile(all, 99),
      pending: (counts.pending ?? 0) - blocked,
      failed: counts.failed ?? 0,
    },
    perDay: perDay.map((r) => ({ ...r, successRate: r.ok + r.failed ? r.ok / (r.ok + r.failed) : null })),
    latency,
    topErrors,
    retryOutcomes,
    satusehat: satusehatPerDay(db, localIsoDate(since)),
  }
}
