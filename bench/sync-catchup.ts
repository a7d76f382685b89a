/**
 * Catch-up after an offline period: `visits` registrations + examinations are queued while no engine runs (7 jobs
 * each: 4 PCare, 2 ledger, 1 SATUSEHAT), then the engine starts against the PCare and SATUSEHAT simulators and the
 * local Fabric network with its production settings (engine.ts: ledger batches, PCare 8, SATUSEHAT 4; default poll) and
 * we time the drain.
 *   npx tsx bench/sync-catchup.ts [visits=2000] [limitMinutes=20]
 * SATUSEHAT=0 leaves SATUSEHAT out (the 6-job visit of before issue 15). Each simulator runs in a child process of
 * its own (bench/sim-child.ts), like a remote: the SATUSEHAT simulator's Medplum validation and
 * PCare's crypto no longer share the engine's event loop, so the bench times the workstation (they still share the
 * machine's cores). Prints the queueing time, total catch-up time, the load average, and per target its drain time and
 * jobs/s; if the limit is hit, what was done by then.
 */
import { loadavg } from 'node:os'
import { SyncEngine } from '../electron/core/sync/engine'
import { demoRemotes, visits, workstation } from '../test/sync/harness'
import { enableSatusehat } from '../test/sync/satusehat'
import { memoryKeychain } from '../electron/core/ledger/memory-keychain'
import { startChild } from './sim-child'

process.env.FASKES_LOG_LEVEL ??= 'error'
const n = Number(process.argv[2] ?? 2000)
const limitMs = Number(process.argv[3] ?? 20) * 60_000

type Row = { target: string; done: number; open: number; failed: number; last: number | null }

async function main(): Promise<void> {
  const ws = workstation()
  const withSatusehat = process.env.SATUSEHAT !== '0'
  const sim = await startChild('pcare')
  const ssim = withSatusehat ? await startChild('satusehat') : null
  if (withSatusehat) enableSatusehat(ws)
  try {
    const tq = performance.now()
    const queued = visits(ws, n)
    const queueSecs = (performance.now() - tq) / 1000
    const stats = () =>
      ws.db
        .prepare(
          `SELECT target, sum(status = 'done') AS done, sum(status IN ('pending', 'in_flight', 'failed_transient')) AS open,
                  sum(status = 'failed_permanent') AS failed, max(done_at) AS last FROM outbox GROUP BY target ORDER BY target`,
        )
        .all() as Row[]
    const total = stats().reduce((a, r) => a + r.open, 0)
    console.log(`queued ${n} visits offline = ${total} jobs in ${queueSecs.toFixed(1)} s`)

    const engine = new SyncEngine(ws.db, ws.settings, { ...demoRemotes(sim.remote, ssim?.remote), keychain: memoryKeychain() })
    const start = Date.now()
    engine.start()
    let lastPrint = start
    // The machine's load while the drain runs (1-minute average, sampled every 30 s): other work shares the cores.
    const loads: number[] = []
    for (;;) {
      const s = stats()
      const open = s.reduce((a, r) => a + r.open, 0)
      if (open === 0 || Date.now() - start > limitMs) break
      if (Date.now() - lastPrint > 30_000) {
        lastPrint = Date.now()
        loads.push(loadavg()[0]!)
        console.log(`  ${((lastPrint - start) / 1000).toFixed(0)} s (load ${loadavg()[0]!.toFixed(1)}): ${s.map((r) => `${r.target} ${r.done} done / ${r.open} open`).join(', ')}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const elapsed = (Date.now() - start) / 1000
    loads.push(loadavg()[0]!)
    await engine.stop()
    const s = stats()
    const finished = s.every((r) => r.open === 0)
    console.log(`${finished ? 'caught up' : 'STOPPED AT LIMIT'} after ${elapsed.toFixed(1)} s (${(elapsed / 60).toFixed(2)} min)`)
    console.log(`  load average (1 min) during the drain: min ${Math.min(...loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)}, mean ${(loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(1)}`)
    for (const r of s) {
      // Per target: done jobs over the time until that target's last success (each target drains on its own).
      const secs = r.last ? (r.last - start) / 1000 : elapsed
      console.log(`  ${r.target.padEnd(9)} ${r.done} done, ${r.open} open, ${r.failed} failed; drained in ${secs.toFixed(1)} s = ${(r.done / secs).toFixed(1)} jobs/s`)
    }
    const doneAll = s.reduce((a, r) => a + r.done, 0)
    if (!finished) console.log(`  extrapolated total at the measured rate: ${((total / doneAll) * elapsed / 60).toFixed(1)} min`)
    const failures = ws.db
      .prepare(`SELECT target, operation, entity_id, attempts, last_error_code, last_error_message FROM outbox WHERE status = 'failed_permanent' LIMIT 5`)
      .all()
    for (const f of failures) console.log(`  failed: ${JSON.stringify(f)}`)
    console.log(`  simulator: ${await sim.report()}`)
    if (ssim) console.log(`  SATUSEHAT simulator: ${await ssim.report(queued)}`)
  } finally {
    await sim.close()
    await ssim?.close()
    ws.cleanup()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
