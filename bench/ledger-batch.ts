/**
 * Issue 17's ledger goals, in one run on the same local network (npm run network:up first):
 *   npx tsx bench/ledger-batch.ts [rawTx=300] [drainVisits=500] [catchupVisits=2000] [concurrency=16]
 * 1. raw: the single-transaction ceiling, `rawTx` Visit:Record transactions (transient detail) submitAsync + getStatus
 *    with `concurrency` in flight, as a Puskesmas workstation (as bench/sync-ledger-drain.ts).
 * 2. batch tx: the same visits as Batch:Submit transactions of LEDGER_BATCH.maxItems items, two in flight: visits/s.
 * 3. engine: `drainVisits` examinations queued (Visit:Record then Claim:Submit on one chain each), only the ledger
 *    worker runs, with the engine's defaults (batching on): visits/s counting a visit once both its writes are done.
 * 4. catch-up: `catchupVisits` registrations + examinations queued offline (4 PCare + 2 ledger jobs each), then the
 *    engine with its production settings drains everything against the PCare simulator (a child process, like a
 *    remote: bench/sim-child.ts) and the network: total time (goal <= 60 s), per target, and where the time went
 *    (bench/sync-profile.ts: SQLite writes on the engine's loop, event-loop load and CPU, per operation the attempts'
 *    time and the wait for a turn), with the load average during the drain.
 * Prints each figure and the ratios against the goal (batch path >= 3x raw tx/s).
 */
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { common } from '@hyperledger/fabric-protos'
import type { LedgerConnection } from '../electron/core/ledger/gateway'
import { memoryKeychain } from '../electron/core/ledger/memory-keychain'
import { LEDGER_BATCH } from '../electron/core/sync/backoff'
import { SyncEngine } from '../electron/core/sync/engine'
import { endorsersOf } from '../electron/core/sync/ledger-executor'
import { privateDetail } from '../electron/core/clinic'
import { canonicalJson } from '../electron/core/util/canonical'
import { ACTIVE_CARDS, demoRemotes, freshKdPPK, ledgerAs, simulator, visits, workstation } from '../test/sync/harness'
import { startChild } from './sim-child'
import { profileDrain } from './sync-profile'

process.env.FASKES_LOG_LEVEL ??= 'error'
const [rawTx, drainVisits, catchupVisits, conc] = [300, 500, 2000, 16].map((d, i) => Number(process.argv[2 + i] ?? d))

const { detail, detailHash } = privateDetail({ diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }], vitals: { sistole: 120 } })
const today = () => new Date().toISOString().slice(0, 10)

/** A worker pool: `total` tasks, `width` at a time; returns seconds and failures. */
async function pool(total: number, width: number, task: (i: number) => Promise<boolean>): Promise<{ secs: number; failed: number }> {
  let next = 0
  let failed = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < total; i = next++) if (!(await task(i).catch(() => false))) failed++
    }),
  )
  return { secs: (performance.now() - t) / 1000, failed }
}

/** Committed transactions seen by a phase, for their sizes: tx id -> block number. */
type Seen = Map<string, bigint>

/**
 * Mean envelope size in bytes of the transactions in `seen` (at most 20 blocks read): each block is read through qscc
 * GetBlockByNumber and its envelopes matched by tx id, so other transactions in the same blocks do not count.
 */
async function meanTxBytes(conn: LedgerConnection, seen: Seen): Promise<number> {
  const blocks = [...new Set(seen.values())].slice(0, 20)
  const sizes: number[] = []
  for (const b of blocks) {
    const bytes = await conn.network.getContract('qscc').evaluateTransaction('GetBlockByNumber', conn.network.getName(), b.toString())
    for (const env of common.Block.deserializeBinary(bytes).getData()!.getDataList_asU8()) {
      const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(env).getPayload_asU8())
      const txId = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId()
      if (seen.has(txId)) sizes.push(env.length)
    }
  }
  return sizes.length ? sizes.reduce((a, x) => a + x, 0) / sizes.length : NaN
}

async function raw(): Promise<{ rate: number; txBytes: number }> {
  const kdPPK = freshKdPPK()
  const conn = await ledgerAs('Puskesmas', { kdPPK })
  const run = randomBytes(4).toString('hex').toUpperCase()
  const seen: Seen = new Map()
  try {
    const contract = conn.contract('Visit')
    const r = await pool(rawTx, conc, async (i) => {
      const intent = { visitId: `RAW${run}-${i}`, noKartu: ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu, kdPPK, tglKunjungan: today(), detailHash }
      const tx = await contract.submitAsync('Record', { arguments: [canonicalJson(intent)], transientData: { detail: Buffer.from(detail) }, endorsingOrganizations: endorsersOf('Visit:Record', conn.profile.mspId) })
      const status = await tx.getStatus()
      if (status.successful) seen.set(status.transactionId, status.blockNumber)
      return status.successful
    })
    const rate = (rawTx - r.failed) / r.secs
    const txBytes = await meanTxBytes(conn, seen)
    console.log(`1. raw single tx:  ${rawTx} Visit:Record, ${conc} in flight: ${r.secs.toFixed(2)} s = ${rate.toFixed(1)} tx/s (failed ${r.failed}); ${txBytes.toFixed(0)} bytes per transaction in the block`)
    // A single claim's weight too (BPJS's peer endorses it besides the faskes's): 20 claims of the first visits.
    const claims: Seen = new Map()
    const claimContract = conn.contract('Claim')
    await pool(20, 4, async (i) => {
      const intent = { claimId: `RAWC${run}-${i}`, visitId: `RAW${run}-${i}`, noKartu: ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu, amount: 150_000, kdPPK }
      const tx = await claimContract.submitAsync('Submit', { arguments: [canonicalJson(intent)] })
      const status = await tx.getStatus()
      if (status.successful) claims.set(status.transactionId, status.blockNumber)
      return status.successful
    })
    console.log(`                    single Claim:Submit: ${(await meanTxBytes(conn, claims)).toFixed(0)} bytes per transaction (${claims.size} of 20 committed)`)
    return { rate, txBytes }
  } finally {
    conn.close()
  }
}

async function batchTx(): Promise<{ rate: number; txBytes: number }> {
  const kdPPK = freshKdPPK()
  const conn = await ledgerAs('Puskesmas', { kdPPK })
  const run = randomBytes(4).toString('hex').toUpperCase()
  const size = LEDGER_BATCH.maxItems
  const batches = Math.ceil((rawTx * 2) / size)
  let itemsOk = 0
  const seen: Seen = new Map()
  try {
    const contract = conn.contract('Batch')
    const r = await pool(batches, 2, async (b) => {
      const items = Array.from({ length: size }, (_, i) => ({
        fn: 'Visit:Record',
        intent: { visitId: `BAT${run}-${b}-${i}`, noKartu: ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu, kdPPK, tglKunjungan: today(), detailHash },
      }))
      const transientData = Object.fromEntries(items.map((_, i) => [`${i}.detail`, Buffer.from(detail)]))
      const tx = await contract.submitAsync('Submit', { arguments: [canonicalJson({ items })], transientData, endorsingOrganizations: endorsersOf('Visit:Record', conn.profile.mspId) })
      const status = await tx.getStatus()
      if (!status.successful) return false
      seen.set(status.transactionId, status.blockNumber)
      itemsOk += (JSON.parse(Buffer.from(tx.getResult()).toString('utf8')) as { results: { ok: boolean }[] }).results.filter((x) => x.ok).length
      return true
    })
    const rate = itemsOk / r.secs
    const txBytes = await meanTxBytes(conn, seen)
    console.log(`2. batch tx:       ${batches} Batch:Submit x ${size} Visit:Record, 2 in flight: ${r.secs.toFixed(2)} s = ${rate.toFixed(1)} visits/s, ${(batches / r.secs).toFixed(1)} tx/s (failed tx ${r.failed}); ${txBytes.toFixed(0)} bytes per transaction = ${(txBytes / size).toFixed(0)} per visit`)
    return { rate, txBytes }
  } finally {
    conn.close()
  }
}

const open = (db: ReturnType<typeof workstation>['db'], target?: string) =>
  (db.prepare(`SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'in_flight', 'failed_transient')${target ? ' AND target = ?' : ''}`).get(...(target ? [target] : [])) as { n: number }).n

async function engineDrain(): Promise<number> {
  const ws = workstation()
  const sim = await simulator()
  try {
    visits(ws, drainVisits)
    const engine = new SyncEngine(ws.db, ws.settings, { ...demoRemotes(sim), keychain: memoryKeychain() }, { concurrency: { pcare: 0, antrean: 0, satusehat: 0 } })
    const t = performance.now()
    engine.start({ events: false })
    const deadline = Date.now() + 10 * 60_000
    while (open(ws.db, 'ledger') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    const secs = (performance.now() - t) / 1000
    await engine.stop()
    const done = (ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'ledger' AND status = 'done'`).get() as { n: number }).n
    const rate = done / 2 / secs
    console.log(`3. engine drain:   ${drainVisits} visits (${drainVisits * 2} ledger jobs, batching ${LEDGER_BATCH.maxItems} items / ${LEDGER_BATCH.lingerMs} ms): ${secs.toFixed(2)} s = ${rate.toFixed(1)} visits/s, ${(done / secs).toFixed(1)} jobs/s (not done: ${drainVisits * 2 - done})`)
    // What each operation's batches weigh in the blocks, per item.
    const conn = await ledgerAs('BPJS')
    try {
      for (const op of ['Visit:Record', 'Claim:Submit']) {
        const rows = ws.db
          .prepare(`SELECT json_extract(result, '$.txId') AS tx, json_extract(result, '$.blockNumber') AS b, count(*) AS n FROM outbox WHERE operation = ? AND status = 'done' GROUP BY tx`)
          .all(op) as { tx: string; b: string; n: number }[]
        const bytes = await meanTxBytes(conn, new Map(rows.map((r) => [r.tx, BigInt(r.b)])))
        const items = rows.reduce((a, r) => a + r.n, 0) / rows.length
        console.log(`                    ${op}: ${rows.length} transactions of ${items.toFixed(1)} items on average, ${bytes.toFixed(0)} bytes each = ${(bytes / items).toFixed(0)} per item`)
      }
    } finally {
      conn.close()
    }
    return rate
  } finally {
    await sim.close()
    ws.cleanup()
  }
}

async function catchUp(): Promise<number> {
  const ws = workstation()
  // The PCare simulator in a child process, like a remote: its crypto does not share the engine's event loop.
  const sim = await startChild('pcare')
  try {
    const tq = performance.now()
    visits(ws, catchupVisits)
    const jobs = open(ws.db)
    console.log(`4. catch-up:       queued ${catchupVisits} visits offline = ${jobs} jobs in ${((performance.now() - tq) / 1000).toFixed(1)} s; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    const engine = new SyncEngine(ws.db, ws.settings, { ...demoRemotes(sim.remote), keychain: memoryKeychain() })
    const profile = profileDrain(ws.db, engine.store)
    const start = Date.now()
    engine.start()
    const deadline = start + 20 * 60_000
    const loads: number[] = []
    let sampled = start
    while (open(ws.db) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      if (Date.now() - sampled >= 10_000) {
        loads.push(loadavg()[0]!)
        sampled = Date.now()
      }
    }
    const secs = (Date.now() - start) / 1000
    loads.push(loadavg()[0]!)
    await engine.stop()
    const rows = ws.db
      .prepare(`SELECT target, sum(status = 'done') AS done, sum(status != 'done') AS other, max(done_at) AS last FROM outbox GROUP BY target ORDER BY target`)
      .all() as { target: string; done: number; other: number; last: number | null }[]
    for (const r of rows) {
      const s = r.last ? (r.last - start) / 1000 : secs
      console.log(`                    ${r.target.padEnd(7)} ${r.done} done, ${r.other} not done; drained in ${s.toFixed(1)} s = ${(r.done / s).toFixed(1)} jobs/s`)
    }
    for (const line of profile.report(ws.db, start)) console.log(`                    ${line}`)
    console.log(`                    PCare simulator: ${await sim.report()}`)
    console.log(`                    load average (1 min) during the drain: ${loads.map((l) => l.toFixed(1)).join(', ')}`)
    console.log(`                    ${open(ws.db) === 0 ? 'caught up' : 'STOPPED AT LIMIT'} after ${secs.toFixed(1)} s (goal <= 60 s)`)
    return secs
  } finally {
    await sim.close()
    ws.cleanup()
  }
}

async function main(): Promise<void> {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores shared with the network)`)
  // A count of 0 skips its phase (e.g. `0 0 2000` for the catch-up alone); the ratios need phases 1-3.
  const rawRate = rawTx > 0 ? (await raw()).rate : NaN
  const batchRate = rawTx > 0 ? (await batchTx()).rate : NaN
  const engineRate = drainVisits > 0 ? await engineDrain() : NaN
  const secs = catchupVisits > 0 ? await catchUp() : NaN
  console.log(`batch tx visits/s / raw tx/s = ${(batchRate / rawRate).toFixed(2)}x (goal >= 3x)`)
  console.log(`engine visits/s (record + claim each) / raw tx/s = ${(engineRate / rawRate).toFixed(2)}x; engine ledger jobs/s / raw tx/s = ${((engineRate * 2) / rawRate).toFixed(2)}x`)
  console.log(`${catchupVisits}-visit catch-up: ${secs.toFixed(1)} s (goal <= 60 s for 2,000); load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(1)
})
