import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { openDatabase } from '../db'
import { createLogger } from '../log'
import { PcareClient } from '../pcare'
import { AppError } from '../errors'
import { ReferenceAutoRefresh, REFERENCE_MAX_AGE_MS, dueReferenceKinds, refreshFailure, referenceStamp } from './auto'
import { REFERENCE_KINDS, refreshReferenceData } from './refresh'
import { listPoli, replaceReferenceLists } from './store'
import type { Scheduler } from '../sync/scheduler'

const quiet = createLogger({ level: 'error', sink: () => {} })
const tmp = tempDir('faskes-ref-auto-')
let sim: Simulator | null = null
afterAll(async () => {
  await sim?.close()
  tmp.cleanup()
})

const clientFor = (baseUrl: string, antreanBaseUrl: string, s: Simulator) =>
  new PcareClient({ credentials: s.credentials, config: { baseUrl, antreanBaseUrl, timeouts: { headersMs: 1000, totalMs: 2000 } }, logger: quiet })

/** Timers the test fires by hand: each scheduled check waits with its delay until `fire()`, so no test waits on the clock. */
function manualTimers() {
  let next = 0
  const due = new Map<number, { fn: () => void; ms: number }>()
  const scheduler: Scheduler = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => (due.set(++next, { fn, ms }), next),
    clearTimeout: (h) => void due.delete(h as number),
  }
  return {
    scheduler,
    /** The delays (ms) of the checks waiting now. */
    waits: () => [...due.values()].map((d) => d.ms),
    /** Runs every waiting check now, as if its delay had passed. */
    fire: () => {
      const all = [...due.values()]
      due.clear()
      for (const d of all) d.fn()
    },
  }
}

describe('which lists are due', () => {
  it('every list on a new install; a fetched list until it is a day old; an empty answer counts as fresh for a day', () => {
    const db = openDatabase(`${tmp.dir}/due.sqlite`)
    const t0 = 1_800_000_000_000
    expect(dueReferenceKinds(db, t0)).toEqual([...REFERENCE_KINDS])
    expect(referenceStamp(db)).toBeNull()

    replaceReferenceLists(db, { poli: [{ kdPoli: '001', nmPoli: 'Umum', poliSakit: true }] }, t0)
    expect(dueReferenceKinds(db, t0 + 1000)).not.toContain('poli')
    expect(dueReferenceKinds(db, t0 + REFERENCE_MAX_AGE_MS - 1)).not.toContain('poli')
    expect(dueReferenceKinds(db, t0 + REFERENCE_MAX_AGE_MS)).toContain('poli')
    expect(referenceStamp(db)).toBe(t0)

    const answered = new Map([['provider' as const, t0]])
    expect(dueReferenceKinds(db, t0 + 1000, REFERENCE_MAX_AGE_MS, answered)).not.toContain('provider')
    expect(dueReferenceKinds(db, t0 + REFERENCE_MAX_AGE_MS, REFERENCE_MAX_AGE_MS, answered)).toContain('provider')
    db.close()
  })
})

describe('automatic refresh against the PCare simulator', () => {
  let db: ReturnType<typeof openDatabase>
  beforeAll(() => {
    db = openDatabase(`${tmp.dir}/auto.sqlite`)
  })
  afterAll(() => db.close())

  it('PCare offline at first start: retried until it answers, then the lists are filled once and left alone while fresh', async () => {
    // Nothing listens on the simulator's port yet: the first attempts fail like an offline PCare.
    const probe = await startSimulator({ port: 0, logger: quiet })
    const port = probe.port
    await probe.close()
    let changes = 0
    const timers = manualTimers()
    const auto = new ReferenceAutoRefresh(db, async () => clientFor(probe.pcareBaseUrl, probe.antreanBaseUrl, sim ?? probe), {
      retryMs: 50,
      maxRetryMs: 200,
      checkMs: 60_000,
      refresh: { diagnosaKeywords: ['J', 'I'], obatKeywords: ['A'] },
      onChange: () => changes++,
      log: quiet,
      scheduler: timers.scheduler,
    })
    auto.start()
    try {
      // Each failure schedules the next try, the wait doubling up to maxRetryMs.
      const waits: number[][] = []
      for (let attempt = 1; attempt <= 3; attempt++) {
        await auto.whenIdle()
        expect(auto.state()).toMatchObject({ running: false, failures: attempt })
        waits.push(timers.waits())
        if (attempt < 3) timers.fire()
      }
      expect(waits).toEqual([[50], [100], [200]])
      expect(listPoli(db)).toEqual([])
      expect(referenceStamp(db)).toBeNull()

      sim = await startSimulator({ port, logger: quiet })
      timers.fire()
      await auto.whenIdle()
      expect(listPoli(db).length).toBeGreaterThan(0)
      expect(auto.state()).toEqual({ running: false, failures: 0, lastError: null })
      // Filled: the next check is a freshness check, checkMs away.
      expect(timers.waits()).toEqual([60_000])
      expect(changes).toBe(1)
      expect(referenceStamp(db)).not.toBeNull()
      expect(dueReferenceKinds(db, Date.now())).toEqual([])

      // Fresh lists: a check asks PCare nothing.
      const before = sim.stats().requests
      await auto.runOnce()
      expect(sim.stats().requests).toBe(before)
    } finally {
      await auto.stop()
    }
  }, 40_000)

  it('a stale list is fetched again, and only that list', async () => {
    if (!sim) throw new Error('needs the simulator from the previous test')
    db.prepare("UPDATE ref_refresh SET fetched_at = fetched_at - ? WHERE kind = 'poli'").run(REFERENCE_MAX_AGE_MS)
    const old = referenceStamp(db)
    const s = sim
    const auto = new ReferenceAutoRefresh(db, async () => clientFor(s.pcareBaseUrl, s.antreanBaseUrl, s), { log: quiet })
    expect(dueReferenceKinds(db, Date.now())).toEqual(['poli'])
    await auto.runOnce()
    expect(dueReferenceKinds(db, Date.now())).toEqual([])
    expect(referenceStamp(db)).toBeGreaterThan(old!)
  })
})

describe("an admin's refresh PCare did not serve", () => {
  it('offline reads as "fetched by itself later", a refusal names its HTTP status; both by key', async () => {
    const db = openDatabase(`${tmp.dir}/failure.sqlite`)
    const s = await startSimulator({ port: 0, logger: quiet })
    try {
      s.setFault({ mode: 'jvalue', pathPrefix: 'poli', count: 1 })
      const refused = await refreshReferenceData(db, clientFor(s.pcareBaseUrl, s.antreanBaseUrl, s), { kinds: ['poli'] }).catch(refreshFailure)
      expect(refused).toBeInstanceOf(AppError)
      expect(refused).toMatchObject({ code: 'UNAVAILABLE', key: 'ref.refreshRefused', params: { status: expect.any(Number) } })
      await s.close()
      const offline = await refreshReferenceData(db, clientFor(s.pcareBaseUrl, s.antreanBaseUrl, s), { kinds: ['poli'] }).catch(refreshFailure)
      expect(offline).toMatchObject({ code: 'UNAVAILABLE', key: 'ref.refreshOffline' })
      const other = new Error('not from PCare')
      expect(refreshFailure(other)).toBe(other)
    } finally {
      await s.close().catch(() => {})
      db.close()
    }
  })
})
