import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { memoryKeychain } from '../../electron/core/ledger/memory-keychain'
import { SyncEngine, type EngineOptions } from '../../electron/core/sync/engine'
import type { Simulator } from '../../tools/pcare-sim/server'
import type { SatusehatSimulator } from '../../tools/satusehat-sim/server'
import { FAST, deliveryReport, demoRemotes, drained, outboxCounts, simulator, until, visits, workstation, type QueuedVisit, type Workstation } from './harness'
import { enableSatusehat, mapLocations, satusehatReport, satusehatSimulator } from './satusehat'

/*
 * The sync fault suite with SATUSEHAT as the fourth target: every visit goes to PCare, the ledger and the SATUSEHAT
 * simulator, and a fault switched on at the simulator (token 500, plain-text 5xx after the write landed, 429, an answer
 * slower than the client waits, the simulator gone) leaves every visit delivered exactly once everywhere, counted in
 * the simulators' own state and on the ledger.
 */

process.env.FASKES_LOG_LEVEL ??= 'error'

/** Jobs per harness visit: 4 PCare, 2 ledger, 1 SATUSEHAT. */
const JOBS_PER_VISIT = 7
/** The platform's minute between token attempts after a failure, scaled down for the test (EngineOptions). */
const TOKEN_WAIT_MS = 1000

let ws: Workstation
let sim: Simulator
let ssim: SatusehatSimulator
let eng: SyncEngine | null = null

beforeEach(async () => {
  ws = workstation()
  sim = await simulator()
  ssim = await satusehatSimulator()
  // The client waits 1.5 s (the settings' minimum is 1 s); the simulator's "slow" is 3 s.
  enableSatusehat(ws, { timeoutMs: 1500 })
})
afterEach(async () => {
  await eng?.stop()
  eng = null
  await sim.close()
  await ssim.close()
  ws.cleanup()
})

function start(opts: EngineOptions = {}): SyncEngine {
  const e = new SyncEngine(ws.db, ws.settings, { ...demoRemotes(sim, ssim), keychain: memoryKeychain() }, { ...FAST, satusehatTokenFailureWaitMs: TOKEN_WAIT_MS, ...opts })
  eng = e
  e.start()
  return e
}

type AttemptRow = { outbox_id: number; started_at: number; duration_ms: number; outcome: string; http_status: number | null; error_code: string | null }
function attempts(): AttemptRow[] {
  return ws.db
    .prepare(
      `SELECT a.outbox_id, a.started_at, a.duration_ms, a.outcome, a.http_status, a.error_code FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
        WHERE o.target = 'satusehat' ORDER BY a.id`,
    )
    .all() as AttemptRow[]
}

/** Drained, every row done, each visit once at PCare and on the ledger, and its resources once at SATUSEHAT. */
async function expectDeliveredOnce(list: QueuedVisit[], timeoutMs = 60_000): Promise<void> {
  await drained(ws.db, timeoutMs)
  expect(outboxCounts(ws.db)).toEqual({ done: list.length * JOBS_PER_VISIT })
  const ss = satusehatReport(ssim, list)
  expect(ss.problems).toEqual([])
  expect(ssim.state().counts.created.Encounter).toBe(list.length)
  const report = await deliveryReport(sim.state(), list)
  expect(report.problems).toEqual([])
}

describe('sync faults on the SATUSEHAT simulator', () => {
  it('token call answers 500: no new token attempt within the wait, then the visit arrives once', async () => {
    ssim.setFault({ mode: 'token500', count: 1 })
    const list = visits(ws, 2)
    start()
    await expectDeliveredOnce(list)
    const rows = attempts()
    const failed = rows.filter((a) => a.outcome !== 'ok')
    expect(failed.length).toBeGreaterThan(0)
    expect(failed[0]!.error_code).toBe('SATUSEHAT_HTTP5XX')
    // The next token call is not before the wait is over: the first success starts after it.
    const firstOk = rows.find((a) => a.outcome === 'ok')!
    expect(firstOk.started_at - failed[0]!.started_at).toBeGreaterThanOrEqual(TOKEN_WAIT_MS - 50)
    // The lane sends several visits at once: the sends waiting on the one failed token call each fail with its 5xx
    // (at most one per visit, all before any later attempt); attempts inside the wait fail at once without calling
    // the platform (a second token call would meet the simulator's rate-limit text, not SATUSEHAT_TOKEN_WAIT).
    const shared = failed.filter((a) => a.error_code === 'SATUSEHAT_HTTP5XX')
    expect(new Set(shared.map((a) => a.outbox_id)).size).toBe(shared.length)
    expect(failed.slice(shared.length).every((a) => a.error_code === 'SATUSEHAT_TOKEN_WAIT')).toBe(true)
  })

  it('plain-text 504 after the Bundle landed: reconciled by identifier, not posted twice', async () => {
    await mapLocations(ws, ssim, ['001'])
    ssim.setFault({ mode: 'plain5xx', status: 504, commit: true, count: 1, pathPrefix: '', method: 'POST' })
    const list = visits(ws, 2)
    start()
    await expectDeliveredOnce(list)
    const rows = attempts()
    expect(rows.filter((a) => a.outcome === 'ambiguous').map((a) => [a.http_status, a.error_code])).toEqual([[504, 'SATUSEHAT_HTTP5XX']])
    expect(rows.filter((a) => a.outcome === 'reconciled')).toHaveLength(1)
    expect(ssim.state().counts.duplicatesRejected.Encounter ?? 0).toBe(0)
  })

  it('429 with Retry-After: retried no earlier than the platform asked, delivered once', async () => {
    await mapLocations(ws, ssim, ['001'])
    ssim.setFault({ mode: 'rate429', count: 2, retryAfterSeconds: 1, pathPrefix: '', method: 'POST' })
    const list = visits(ws, 2)
    start()
    await expectDeliveredOnce(list)
    const rows = attempts()
    const limited = rows.filter((a) => a.http_status === 429)
    expect(limited.map((a) => a.error_code)).toEqual(['SATUSEHAT_RATE_LIMITED', 'SATUSEHAT_RATE_LIMITED'])
    for (const f of limited) {
      const next = rows.find((a) => a.outbox_id === f.outbox_id && a.started_at > f.started_at)!
      // FAST backoff alone would retry after ~60 ms; Retry-After: 1 must win.
      expect(next.started_at - (f.started_at + f.duration_ms)).toBeGreaterThanOrEqual(950)
    }
  })

  it('an answer slower than the client waits, after the write: timeout, reconciled, no second Encounter', async () => {
    await mapLocations(ws, ssim, ['001'])
    ssim.setFault({ mode: 'slow', commit: true, count: 1, pathPrefix: '', method: 'POST' })
    const list = visits(ws, 2)
    start()
    await expectDeliveredOnce(list)
    const rows = attempts()
    expect(rows.filter((a) => a.outcome === 'ambiguous').map((a) => a.error_code)).toEqual(['SATUSEHAT_TIMEOUT'])
    expect(rows.filter((a) => a.outcome === 'reconciled')).toHaveLength(1)
  })

  it('the simulator stopped and restarted on its port and state: SATUSEHAT offline while PCare and the ledger go on, then drains once', async () => {
    const statePath = `${ws.dir}/satusehat-state.json`
    await ssim.close()
    ssim = await satusehatSimulator({ statePath })
    const port = Number(new URL(ssim.url).port)
    const first = visits(ws, 2)
    const e = start()
    await until('first visits delivered', () => (outboxCounts(ws.db).done ?? 0) === 2 * JOBS_PER_VISIT, 40_000)
    await ssim.close()
    const second = visits(ws, 2, 2)
    await until('SATUSEHAT offline', () => e.connectivity().satusehat === false, 15_000)
    await until('PCare and ledger delivered the second batch', () => (outboxCounts(ws.db).done ?? 0) === 4 * JOBS_PER_VISIT - 2, 40_000)
    expect(ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'satusehat' AND status = 'done'`).get()).toEqual({ n: 2 })
    ssim = await satusehatSimulator({ port, statePath })
    await expectDeliveredOnce([...first, ...second])
    expect(e.connectivity().satusehat).toBe(true)
  })
})
