import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../db'
import { AppError, msg } from '../errors'
import { SendError, type Executor, type SendSuccess } from './executor'
import { enqueue, OutboxStore, type OutboxJob } from './outbox'
import { sampleJob } from '../../../test/helpers/outbox'
import { TargetWorker } from './worker'
import { tempDir } from '../../../test/helpers/tmp'

// These tests drive the worker's ordering and bookkeeping with a scripted executor; the real executors are
// exercised against the PCare simulator and the Fabric network in test/sync.

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'w.db'))
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

type Script = (job: OutboxJob) => SendSuccess | Error | Promise<SendSuccess>
function scripted(script: Script, reconcile: (job: OutboxJob) => SendSuccess | null = () => null, probe = () => true) {
  const sent: string[] = []
  const reconciled: string[] = []
  const exec: Executor = {
    target: 'pcare',
    async send(job) {
      sent.push(job.idempotencyKey)
      await new Promise((r) => setTimeout(r, 2))
      const out = await script(job)
      if (out instanceof Error) throw out
      return out
    },
    async reconcile(job) {
      reconciled.push(job.idempotencyKey)
      return reconcile(job)
    },
    apply(d, job, result) {
      d.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, 0)').run(`applied:${job.idempotencyKey}`, JSON.stringify(result))
    },
    probe: async () => probe(),
  }
  return { exec, sent, reconciled }
}

function add(chain: string, key: string) {
  return enqueue(db, sampleJob('peserta.verify', chain, { entityId: key, idempotencyKey: key }))
}
async function until(cond: () => boolean, ms = 3000) {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 5))
  }
}
const status = (key: string) => (db.prepare('SELECT status FROM outbox WHERE idempotency_key = ?').get(key) as { status: string }).status

describe('TargetWorker', () => {
  it('runs a chain in order and independent chains in parallel, writing results back', async () => {
    add('A', 'a1')
    add('A', 'a2')
    add('B', 'b1')
    const { exec, sent } = scripted((job) => ({ result: { ok: job.idempotencyKey } }))
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 4, pollMs: 10 })
    w.start()
    await until(() => ['a1', 'a2', 'b1'].every((k) => status(k) === 'done'))
    await w.stop()
    expect(sent.indexOf('a1')).toBeLessThan(sent.indexOf('a2'))
    expect(sent.filter((k) => k === 'a1')).toHaveLength(1)
    expect(db.prepare("SELECT value FROM settings WHERE key = 'applied:a2'").get()).toEqual({ value: '{"ok":"a2"}' })
    expect(db.prepare("SELECT count(*) AS n FROM outbox_attempts WHERE outcome = 'ok'").get()).toEqual({ n: 3 })
  })

  it('holds a chain behind a permanent failure while other chains go on', async () => {
    add('A', 'a1')
    add('A', 'a2')
    add('B', 'b1')
    const { exec, sent } = scripted((job) =>
      job.idempotencyKey === 'a1' ? new SendError('permanent', 'VALIDATION', 'noKartu tidak valid', { httpStatus: 412, fields: [{ field: 'noKartu', message: 'x' }] }) : { result: 1 },
    )
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 4, pollMs: 10 })
    w.start()
    await until(() => status('b1') === 'done' && status('a1') === 'failed_permanent')
    await new Promise((r) => setTimeout(r, 60))
    await w.stop()
    expect(sent).not.toContain('a2')
    expect(status('a2')).toBe('pending')
    const row = db.prepare("SELECT last_error_code, last_error_fields FROM outbox WHERE idempotency_key = 'a1'").get()
    expect(row).toEqual({ last_error_code: 'VALIDATION', last_error_fields: '[{"field":"noKartu","message":"x"}]' })
  })

  it('schedules a transient failure with backoff and logs the attempt', async () => {
    add('A', 'a1')
    const { exec } = scripted(() => new SendError('transient', 'HTTP5XX', 'Service Unavailable', { httpStatus: 503, retryAfterMs: 120_000 }))
    const t0 = Date.now()
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, pollMs: 10 })
    w.start()
    await until(() => status('a1') === 'failed_transient')
    await w.stop()
    const row = db.prepare("SELECT attempts, next_attempt_at FROM outbox WHERE idempotency_key = 'a1'").get() as { attempts: number; next_attempt_at: number }
    expect(row.attempts).toBe(1)
    expect(row.next_attempt_at - t0).toBeGreaterThanOrEqual(120_000) // Retry-After beats the 1-minute first step
    expect(db.prepare('SELECT http_status, outcome FROM outbox_attempts').get()).toEqual({ http_status: 503, outcome: 'transient' })
  })

  it('a target with no address or credentials is down (UNCONFIGURED, not ambiguous), never "connected" with unexpected errors', async () => {
    add('A', 'a1')
    // The engine throws this when it cannot build a client: nothing went out, so there is nothing to reconcile.
    const { exec } = scripted(() => new AppError('UNAVAILABLE', msg('remote.pcareNoCredentials')), undefined, () => false)
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, pollMs: 10, probeMs: 60_000 })
    w.start()
    await until(() => status('a1') === 'failed_transient')
    await w.stop()
    expect(w.online).toBe(false)
    expect(db.prepare("SELECT last_error_code, needs_reconcile FROM outbox WHERE idempotency_key = 'a1'").get()).toEqual({ last_error_code: 'UNCONFIGURED', needs_reconcile: 0 })
    expect(db.prepare('SELECT outcome, error_code FROM outbox_attempts').get()).toEqual({ outcome: 'transient', error_code: 'UNCONFIGURED' })
  })

  it('reconciles a job left in flight by a crash instead of sending it again', async () => {
    add('A', 'a1')
    db.prepare("UPDATE outbox SET status = 'in_flight', attempts = 1 WHERE idempotency_key = 'a1'").run()
    const { exec, sent, reconciled } = scripted(() => ({ result: 'sent-again' }), () => ({ result: { noUrut: 'A7' } }))
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, pollMs: 10 })
    w.start()
    await until(() => status('a1') === 'done')
    await w.stop()
    expect(reconciled).toEqual(['a1'])
    expect(sent).toEqual([])
    expect(db.prepare('SELECT outcome FROM outbox_attempts').get()).toEqual({ outcome: 'reconciled' })
  })

  it('after an ambiguous timeout, asks first and sends only when the remote has nothing', async () => {
    add('A', 'a1')
    let calls = 0
    const { exec, sent, reconciled } = scripted(
      () => (++calls === 1 ? new SendError('transient', 'TIMEOUT', 'timeout', { ambiguous: true }) : { result: 'ok' }),
      () => null,
    )
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, pollMs: 10, backoff: { scale: 0.0001 } })
    w.start()
    await until(() => status('a1') === 'done')
    await w.stop()
    expect(reconciled).toEqual(['a1'])
    expect(sent).toEqual(['a1', 'a1'])
  })

  it('pauses when the remote is unreachable, probes, and drains when it returns', async () => {
    add('A', 'a1')
    add('B', 'b1')
    let up = false
    const { exec } = scripted(
      () => (up ? { result: 1 } : new SendError('transient', 'NETWORK', 'ECONNREFUSED', { offline: true })),
      () => null,
      () => up,
    )
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, pollMs: 10, probeMs: 20 })
    w.start()
    await until(() => w.online === false)
    expect(status('a1')).toBe('failed_transient')
    // next attempt is a minute away, but the return of the network pulls it forward
    up = true
    await until(() => status('a1') === 'done' && status('b1') === 'done')
    await w.stop()
    expect(w.online).toBe(true)
  })

  it('lets only one live owner hold a chain, and takes over a dead owner at once', () => {
    add('A', 'a1')
    const s1 = new OutboxStore(db, 'h1:1:x')
    const s2 = new OutboxStore(db)
    const now = Date.now()
    expect(new OutboxStore(db).tryLock('A', now)).toBe(true)
    expect(s2.tryLock('A', now)).toBe(false)
    // a lock whose owner pid does not exist on this host is reaped before the next scan
    db.prepare("UPDATE chain_locks SET owner = ? WHERE chain_key = 'A'").run(`${hostname()}:999999:dead`)
    expect(s2.readyHeads('pcare', now, 5).map((j) => j.idempotencyKey)).toEqual(['a1'])
    expect(s2.tryLock('A', now)).toBe(true)
    expect(s1.tryLock('A', now)).toBe(false)
  })
})
