import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openDatabase, type DB } from '../db'
import { AppError, msg } from '../errors'
import { PROBE_INTERVAL_MS, retryDelayMs } from './backoff'
import { SendError, type Executor, type SendSuccess } from './executor'
import { enqueue, OutboxStore, type OutboxJob } from './outbox'
import { sampleJob } from '../../../test/helpers/outbox'
import { TargetWorker } from './worker'
import { tempDir } from '../../../test/helpers/tmp'

// Counts the outermost write transactions (one COMMIT and fsync each); nested writeTx calls are savepoints.
const outerTx = vi.hoisted(() => ({ n: 0 }))
vi.mock('../db/tx', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../db/tx')>()
  return {
    writeTx: ((d, fn) => {
      if (!d.inTransaction) outerTx.n++
      return actual.writeTx(d, fn)
    }) as typeof actual.writeTx,
  }
})

// These tests drive the worker's ordering and bookkeeping with a scripted executor; the real executors are
// exercised against the PCare simulator and the Fabric network in test/sync. Time is vitest's fake clock: the
// worker's default scheduler follows it, so minutes of backoff and probes run in milliseconds and in a fixed order.
// setImmediate stays real: it is not time but "after this turn", when the worker's group commit writes (group-commit.ts).

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'w.db'))
})
afterEach(() => {
  vi.useRealTimers()
  db.close()
  tmp.cleanup()
})

type Script = (job: OutboxJob) => SendSuccess | Error | Promise<SendSuccess>
function scripted(script: Script, reconcile: (job: OutboxJob) => SendSuccess | null = () => null, probe = () => true) {
  const sent: string[] = []
  const sentAt: number[] = []
  const reconciled: string[] = []
  let probes = 0
  const exec: Executor = {
    target: 'pcare',
    async send(job) {
      sent.push(job.idempotencyKey)
      sentAt.push(Date.now())
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
    probe: async () => (probes++, probe()),
  }
  return { exec, sent, sentAt, reconciled, probes: () => probes }
}

function add(chain: string, key: string) {
  return enqueue(db, sampleJob('peserta.verify', chain, { entityId: key, idempotencyKey: key }))
}
/** Advances the fake clock in `stepMs` steps until `cond` holds; fails after `maxMs` of simulated time. */
async function until(cond: () => boolean, maxMs = 60_000, stepMs = 10) {
  for (let t = 0; !cond(); t += stepMs) {
    if (t >= maxMs) throw new Error(`not reached within ${maxMs} simulated ms`)
    await vi.advanceTimersByTimeAsync(stepMs)
  }
}
/** Lets `n` real turns of the event loop pass without moving the fake clock: the group commit flushes between turns. */
async function turns(n = 3) {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
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
    // Both chains start at once: a1 and b1 are in flight together before either finishes (marked in flight in the
    // claim's one commit, then sent).
    expect(sent).toEqual(['a1', 'b1'])
    expect([status('a1'), status('b1')]).toEqual(['in_flight', 'in_flight'])
    await until(() => ['a1', 'a2', 'b1'].every((k) => status(k) === 'done'))
    await w.stop()
    expect(sent).toEqual(['a1', 'b1', 'a2'])
    expect(db.prepare("SELECT value FROM settings WHERE key = 'applied:a2'").get()).toEqual({ value: '{"ok":"a2"}' })
    expect(db.prepare("SELECT count(*) AS n FROM outbox_attempts WHERE outcome = 'ok'").get()).toEqual({ n: 3 })
  })

  it('jobs that settle together share one commit, which also marks each chain\'s next job in flight', async () => {
    for (const c of ['A', 'B', 'C']) {
      add(c, `${c.toLowerCase()}1`)
      add(c, `${c.toLowerCase()}2`)
    }
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const statusAtSend: Record<string, string> = {}
    const exec: Executor = {
      target: 'pcare',
      async send(job) {
        statusAtSend[job.idempotencyKey] = status(job.idempotencyKey)
        // The chains' first jobs answer together, as the items of one ledger batch do.
        if (job.idempotencyKey.endsWith('1')) await gate
        return { result: 1 }
      },
      reconcile: async () => null,
      apply: () => {},
      probe: async () => true,
    }
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 4, pollMs: 60_000 })
    outerTx.n = 0
    w.start()
    // The heads go out from start() itself, each marked in flight in the claim's commit.
    expect(Object.keys(statusAtSend)).toEqual(['a1', 'b1', 'c1'])
    release()
    await w.whenIdle()
    expect(['a1', 'a2', 'b1', 'b2', 'c1', 'c2'].map(status)).toEqual(Array(6).fill('done'))
    // Every job was on disk as in flight before it was sent, the second ones marked in their predecessor's commit.
    expect(statusAtSend).toEqual({ a1: 'in_flight', b1: 'in_flight', c1: 'in_flight', a2: 'in_flight', b2: 'in_flight', c2: 'in_flight' })
    expect(db.prepare('SELECT sum(attempts) AS n FROM outbox').get()).toEqual({ n: 6 })
    // Locks of the three chains with their first marks, first results + second marks, second results, unlocks: 4
    // commits for what were 18 (a lock, two marks, two results and an unlock per chain).
    expect(outerTx.n).toBe(4)
    await w.stop()
  })

  it('whenIdle resolves once the jobs in flight have finished, not before', async () => {
    add('A', 'a1')
    const { exec } = scripted(() => ({ result: 1 }))
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, pollMs: 10 })
    w.start()
    let idle = false
    void w.whenIdle().then(() => (idle = true))
    await turns()
    await vi.advanceTimersByTimeAsync(1)
    // Sent (the send takes 2 ms), not finished.
    expect(status('a1')).toBe('in_flight')
    expect(idle).toBe(false)
    await until(() => idle, 100, 1)
    // Idle only once the outcome and the chain's unlock are committed.
    expect(status('a1')).toBe('done')
    expect(db.prepare('SELECT count(*) AS n FROM chain_locks').get()).toEqual({ n: 0 })
    await w.stop()
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
    await vi.advanceTimersByTimeAsync(5000)
    await w.stop()
    expect(sent).not.toContain('a2')
    expect(status('a2')).toBe('pending')
    const row = db.prepare("SELECT last_error_code, last_error_fields FROM outbox WHERE idempotency_key = 'a1'").get()
    expect(row).toEqual({ last_error_code: 'VALIDATION', last_error_fields: '[{"field":"noKartu","message":"x"}]' })
  })

  it('schedules a transient failure with backoff and logs the attempt', async () => {
    add('A', 'a1')
    const { exec, sent } = scripted(() => new SendError('transient', 'HTTP5XX', 'Service Unavailable', { httpStatus: 503, retryAfterMs: 120_000 }))
    const t0 = Date.now()
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1 })
    w.start()
    await until(() => status('a1') === 'failed_transient')
    const row = db.prepare("SELECT attempts, next_attempt_at FROM outbox WHERE idempotency_key = 'a1'").get() as { attempts: number; next_attempt_at: number }
    expect(row.attempts).toBe(1)
    // Retry-After beats the 1-minute first step (at most 72 s with jitter); the send itself took 2 simulated ms.
    expect(row.next_attempt_at - t0).toBe(120_002)
    await vi.advanceTimersByTimeAsync(119_900)
    expect(sent).toEqual(['a1'])
    // Picked up by the next scan (every POLL_INTERVAL_MS).
    await vi.advanceTimersByTimeAsync(1200)
    expect(sent).toEqual(['a1', 'a1'])
    await w.stop()
    expect(db.prepare('SELECT http_status, outcome FROM outbox_attempts LIMIT 1').get()).toEqual({ http_status: 503, outcome: 'transient' })
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
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1 })
    w.start()
    // The first retry step is about a minute (48-72 s with jitter).
    await until(() => status('a1') === 'done', 80_000, 100)
    await w.stop()
    expect(reconciled).toEqual(['a1'])
    expect(sent).toEqual(['a1', 'a1'])
  })

  it('pauses when the remote is unreachable, probes, and drains when it returns', async () => {
    add('A', 'a1')
    add('B', 'b1')
    let up = false
    const { exec, sent } = scripted(
      () => (up ? { result: 1 } : new SendError('transient', 'NETWORK', 'ECONNREFUSED', { offline: true })),
      () => null,
      () => up,
    )
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, pollMs: 10, probeMs: 20 })
    w.start()
    await until(() => w.online === false)
    expect(status('a1')).toBe('failed_transient')
    // Paused: b1 is not tried while the remote is down, however long that lasts.
    await vi.advanceTimersByTimeAsync(30_000)
    expect(sent).toEqual(['a1'])
    // a1's next attempt is a minute away, but the return of the network pulls it forward.
    up = true
    await until(() => status('a1') === 'done' && status('b1') === 'done', 200)
    await w.stop()
    expect(w.online).toBe(true)
  })

  it('an outage the probe cannot see follows the backoff schedule: an hour gives a handful of attempts, not hundreds', async () => {
    add('A', 'a1')
    // The probe answers "up" while every send fails "offline" (a probe on one peer, an outage elsewhere).
    const { exec, sent, sentAt, probes } = scripted(() => new SendError('transient', 'PEER_UNREACHABLE', '14 UNAVAILABLE', { offline: true }))
    const mid = () => 0.5
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, backoff: { random: mid } })
    w.start()
    await vi.advanceTimersByTimeAsync(60 * 60_000)
    await w.stop()
    // 0 s, one pull-forward after the first probe (~5 s), then 5 and 15 min steps: 6 attempts. Without the fix the job
    // was pulled forward at every probe (every 5 s): all 98 attempts spent and RETRY_LIMIT after about 8 minutes.
    expect(sent.length).toBeGreaterThanOrEqual(5)
    expect(sent.length).toBeLessThanOrEqual(7)
    expect(sentAt[1] - sentAt[0]).toBeLessThanOrEqual(PROBE_INTERVAL_MS + 1000)
    for (let i = 2; i < sentAt.length; i++) expect(sentAt[i] - sentAt[i - 1]).toBeGreaterThanOrEqual(retryDelayMs(i, undefined, { random: mid }))
    expect(probes()).toBeGreaterThanOrEqual(sent.length)
    expect(db.prepare("SELECT attempts, status FROM outbox WHERE idempotency_key = 'a1'").get()).toEqual({ attempts: sent.length, status: 'failed_transient' })
  })

  it('a success makes the probe trusted again: the next real outage is drained as soon as the remote answers', async () => {
    add('A', 'a1')
    let failures = 2
    let down = false
    const { exec } = scripted(
      () => (failures-- > 0 || down ? new SendError('transient', 'NETWORK', 'ECONNREFUSED', { offline: true }) : { result: 1 }),
      () => null,
      () => !down,
    )
    const w = new TargetWorker(db, new OutboxStore(db), exec, { concurrency: 1, backoff: { random: () => 0.5 } })
    w.start()
    // Two offline failures with the probe saying up: a1 keeps its 5-minute step, then goes through.
    await until(() => status('a1') === 'done', 10 * 60_000, 1000)
    // A real outage: the probe fails too. When the remote is back the job is pulled forward at the next probe.
    down = true
    add('B', 'b1')
    await until(() => w.online === false, 10_000)
    down = false
    await until(() => status('b1') === 'done', 2 * PROBE_INTERVAL_MS + 1000)
    await w.stop()
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
