import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng } from '../../tools/pcare-sim/icd10'
import type { Simulator } from '../../tools/pcare-sim/server'
import type { SatusehatSimulator } from '../../tools/satusehat-sim/server'
import { deliveryReport, outboxCounts, simulator, visits, workstation, type QueuedVisit, type Workstation } from './harness'
import { enableSatusehat, satusehatReport, satusehatSimulator } from './satusehat'

process.env.FASKES_LOG_LEVEL ??= 'error'

const REPO = join(__dirname, '../..')
const MAIN = join(REPO, 'tools/sync-node/main.ts')
/** CI requirement: at least 20 SIGKILLs that landed while the sync process was running. */
const KILLS = Number(process.env.CRASH_KILLS ?? 22)
const MAX_RUNS = KILLS * 2
const INITIAL_VISITS = 8
/** Jobs per visit: 4 PCare, 2 ledger, 1 SATUSEHAT. */
const JOBS_PER_VISIT = 7

interface Child {
  proc: ChildProcess
  ready: Promise<void>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; last: Record<string, unknown> | null }>
}

/** One sync process on the workstation's file, a single node process (no tsx wrapper) so SIGKILL hits the engine itself. */
function syncNode(ws: Workstation, sim: Simulator, timeLimitMs: number): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--db', join(ws.dir, 'faskes.db'), '--sim-url', sim.url, '--satusehat-url', ssim.url, '--fast', '--pcare-timeout-ms', '1500', '--time-limit-ms', String(timeLimitMs)],
    { cwd: REPO, env: { ...process.env, FASKES_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  let err = ''
  let last: Record<string, unknown> | null = null
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve
    setTimeout(() => reject(new Error(`sync-node not ready after 30 s; stderr: ${err.slice(-2000)}`)), 30_000).unref()
  })
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    for (;;) {
      const i = out.indexOf('\n')
      if (i < 0) break
      const line = out.slice(0, i)
      out = out.slice(i + 1)
      try {
        last = JSON.parse(line) as Record<string, unknown>
        if (last.event === 'ready') onReady()
      } catch {
        /* not ours */
      }
    }
  })
  proc.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000)
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; last: Record<string, unknown> | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      onReady() // a process that died before "ready" must not leave the caller waiting
      resolve({ code, signal, last })
    }),
  )
  return { proc, ready, exited }
}

let ws: Workstation
let sim: Simulator
let ssim: SatusehatSimulator
let current: Child | null = null
beforeAll(async () => {
  ws = workstation()
  sim = await simulator()
  ssim = await satusehatSimulator()
  // Every visit also goes to SATUSEHAT; its client waits 1.5 s, so a slow answer is sometimes a timeout too.
  enableSatusehat(ws, { timeoutMs: 1500 })
})
afterAll(async () => {
  if (current && current.proc.exitCode === null) {
    current.proc.kill('SIGKILL')
    await current.exited
  }
  await sim.close()
  await ssim.close()
  ws.cleanup()
})

describe('crash safety of the sync process', () => {
  it(`loses and duplicates nothing across ${KILLS}+ SIGKILLs at random points`, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
    const rand = prng(seed)
    console.log(`crash test seed: ${seed} (replay with CRASH_SEED=${seed})`)
    const all: QueuedVisit[] = visits(ws, INITIAL_VISITS)
    const prefixes = [undefined, 'pendaftaran', 'kunjungan', 'tindakan', 'obat']
    let kills = 0
    let runs = 0
    let inFlightAtKill = 0
    let satusehatInFlightAtKill = 0
    let slowHits = 0
    const started = Date.now()

    while (kills < KILLS && runs < MAX_RUNS) {
      runs++
      // A committed-but-slow answer on the next few requests, so kills land while PCare already applied the write.
      sim.setFault({ mode: 'slow', commit: true, count: 1 + Math.floor(rand() * 3), delayMs: 400 + Math.floor(rand() * 2100), pathPrefix: prefixes[Math.floor(rand() * prefixes.length)] })
      // Likewise at SATUSEHAT: the Bundle (or any write) applied, its answer late, so a kill lands before it is heard.
      ssim.setFault({ mode: 'slow', commit: true, count: 1 + Math.floor(rand() * 2), delayMs: 400 + Math.floor(rand() * 2100), method: 'POST' })
      const before = sim.stats().requests
      // Fresh work for every run, so the process is busy (not already drained and gone) when the kill comes.
      // No cap beyond MAX_RUNS: a run without new work drains and exits, and its kill cannot land.
      all.push(...visits(ws, 1, all.length))
      current = syncNode(ws, sim, 60_000)
      await current.ready
      // The counter keeps working while the sync process runs: a new visit is written by another process.
      all.push(...visits(ws, 1, all.length))
      const delay = 50 + Math.floor(rand() * 1450)
      await new Promise((r) => setTimeout(r, delay))
      if (current.proc.exitCode === null) current.proc.kill('SIGKILL')
      const exit = await current.exited
      // The process may drain and exit on its own in the instant before the signal: only a real SIGKILL counts.
      const alive = exit.signal === 'SIGKILL'
      if (alive) {
        kills++
        inFlightAtKill += (ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'in_flight'`).get() as { n: number }).n
        satusehatInFlightAtKill += (ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'in_flight' AND target = 'satusehat'`).get() as { n: number }).n
      }
      if (sim.stats().requests > before) slowHits++
      console.log(`run ${runs}: kill after ${delay} ms ${alive ? 'landed' : 'missed (process had exited)'}; ${((Date.now() - started) / 1000).toFixed(1)} s; outbox ${JSON.stringify(outboxCounts(ws.db))}`)
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS)

    sim.setFault({ mode: 'none' })
    ssim.setFault({ mode: 'none' })
    current = syncNode(ws, sim, 120_000)
    const final = await current.exited
    console.log(`final run: ${JSON.stringify(final.last)}; ${((Date.now() - started) / 1000).toFixed(1)} s`)
    expect(final.code).toBe(0)
    expect(final.last).toMatchObject({ event: 'exit', drained: true })

    const report = await deliveryReport(sim.state(), all)
    const ss = satusehatReport(ssim, all)
    const counts = outboxCounts(ws.db)
    console.log(
      `crash test: seed ${seed}, ${kills} SIGKILL trials (${runs} runs), ${inFlightAtKill} jobs in flight at a kill (${satusehatInFlightAtKill} SATUSEHAT), ` +
        `${all.length} visits / ${all.length * JOBS_PER_VISIT} jobs, losses ${report.losses}, duplicates ${report.duplicates}, ` +
        `SATUSEHAT losses ${ss.losses}, duplicates ${ss.duplicates}, Encounters created ${ssim.state().counts.created.Encounter ?? 0}, ` +
        `outbox ${JSON.stringify(counts)}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
    expect(report.problems).toEqual([])
    expect([report.losses, report.duplicates]).toEqual([0, 0])
    expect(ss.problems).toEqual([])
    // No second Encounter, counted in the simulator's own state: exactly one created per visit.
    expect(ssim.state().counts.created.Encounter).toBe(all.length)
    expect(counts).toEqual({ done: all.length * JOBS_PER_VISIT })
    expect(ws.db.prepare('SELECT count(*) AS n FROM chain_locks').get()).toEqual({ n: 0 })
    // The kills must actually have interrupted work, or the test proves nothing.
    expect(inFlightAtKill).toBeGreaterThan(0)
    expect(slowHits).toBeGreaterThan(0)
  }, 300_000)
})
