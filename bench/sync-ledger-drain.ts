/**
 * Ledger drain throughput of the sync engine, and in the same run the raw ceiling of pipelined fabric-gateway submits
 * on the same network at the same concurrency; prints the ratio.
 *   npx tsx bench/sync-ledger-drain.ts [visits=300] [concurrency=16]
 * Engine: `visits` examinations queued (2 ledger jobs each, Visit:Record then Claim:Submit on one chain), only the
 * ledger worker runs (PCare concurrency 0), production poll/backoff settings. Raw: the same number of Visit:Record
 * transactions (with the transient detail), `concurrency` in flight (submitAsync + getStatus), as Puskesmas.
 */
import { randomBytes } from 'node:crypto'
import { privateDetail } from '../electron/core/clinic'
import { canonicalJson } from '../electron/core/util/canonical'
import { SyncEngine } from '../electron/core/sync/engine'
import { endorsersOf } from '../electron/core/sync/ledger-executor'
import { ACTIVE_CARDS, demoRemotes, freshKdPPK, ledgerAs, simulator, visits, workstation } from '../test/sync/harness'
import { memoryKeychain } from '../electron/core/ledger/memory-keychain'

process.env.FASKES_LOG_LEVEL ??= 'error'
const n = Number(process.argv[2] ?? 300)
const conc = Number(process.argv[3] ?? 16)

async function engineDrain(): Promise<{ jobs: number; secs: number; failed: number }> {
  const ws = workstation()
  const sim = await simulator()
  try {
    visits(ws, n)
    const jobs = (ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'ledger'`).get() as { n: number }).n
    const engine = new SyncEngine(ws.db, ws.settings, { ...demoRemotes(sim), keychain: memoryKeychain() }, { concurrency: { ledger: conc, pcare: 0, antrean: 0 } })
    const ledgerLeft = () =>
      (ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'ledger' AND status IN ('pending', 'in_flight', 'failed_transient')`).get() as { n: number }).n
    const t = performance.now()
    engine.start()
    const deadline = Date.now() + 15 * 60_000
    while (ledgerLeft() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    const secs = (performance.now() - t) / 1000
    await engine.stop()
    const failed = (ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'ledger' AND status != 'done'`).get() as { n: number }).n
    return { jobs, secs, failed }
  } finally {
    await sim.close()
    ws.cleanup()
  }
}

async function rawCeiling(total: number): Promise<{ secs: number; failed: number; p50: number; p95: number }> {
  // The chaincode takes the faskes code from the certificate: the intents name the code this identity was enrolled for.
  const kdPPK = freshKdPPK()
  const conn = await ledgerAs('Puskesmas', { kdPPK })
  const contract = conn.contract('Visit')
  const run = randomBytes(4).toString('hex').toUpperCase()
  const { detail, detailHash } = privateDetail({ diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }], vitals: { sistole: 120 } })
  const today = new Date().toISOString().slice(0, 10)
  let next = 0
  let failed = 0
  const lat: number[] = []
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      const t = performance.now()
      try {
        const intent = { visitId: `RAW${run}-${i}`, noKartu: ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu, kdPPK, tglKunjungan: today, detailHash }
        const tx = await contract.submitAsync('Record', { arguments: [canonicalJson(intent)], transientData: { detail: Buffer.from(detail) }, endorsingOrganizations: endorsersOf('Visit:Record', conn.profile.mspId) })
        if (!(await tx.getStatus()).successful) failed++
      } catch {
        failed++
      }
      lat.push(performance.now() - t)
    }
  }
  const t = performance.now()
  try {
    await Promise.all(Array.from({ length: conc }, worker))
  } finally {
    conn.close()
  }
  const secs = (performance.now() - t) / 1000
  lat.sort((a, b) => a - b)
  return { secs, failed, p50: Math.round(lat[Math.floor(lat.length / 2)]), p95: Math.round(lat[Math.floor(lat.length * 0.95)]) }
}

async function main(): Promise<void> {
  const e = await engineDrain()
  const engineRate = (e.jobs - e.failed) / e.secs
  console.log(`engine drain: ${e.jobs} ledger jobs (${n} visits x Visit:Record + Claim:Submit), concurrency ${conc}: ${e.secs.toFixed(2)} s = ${engineRate.toFixed(1)} jobs/s (not done: ${e.failed})`)
  const r = await rawCeiling(e.jobs)
  const rawRate = (e.jobs - r.failed) / r.secs
  console.log(`raw ceiling:  ${e.jobs} Visit:Record submitAsync + getStatus, concurrency ${conc}: ${r.secs.toFixed(2)} s = ${rawRate.toFixed(1)} tx/s (p50 ${r.p50} ms, p95 ${r.p95} ms, failed ${r.failed})`)
  console.log(`ratio engine / raw: ${(engineRate / rawRate).toFixed(2)}`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
