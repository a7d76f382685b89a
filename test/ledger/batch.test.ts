/**
 * Batch:Submit on the real local network (issue 17, Deliver 1), with CA-enrolled workstation identities: several
 * visits in one transaction with a result per item, a refused item beside committed ones, a replayed batch that writes
 * nothing, a batch partly applied before, a claim batch endorsed by BPJS, and a SIGKILL between a batch's submit and
 * its commit status after which the outbox reconciles every item on its own.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { batchingLedgerExecutor } from '../../electron/core/sync/ledger-batch'
import { ledgerExecutor } from '../../electron/core/sync/ledger-executor'
import { OutboxStore } from '../../electron/core/sync/outbox'
import { TargetWorker } from '../../electron/core/sync/worker'
import { DEFAULT_KDPPK } from '../helpers/fabric-identity'
import { until } from '../helpers/until'
import { ledgerAs, visits, workstation } from '../sync/harness'
import { connectAs, evaluate, failureOf, issueCard, sha256, submitPrivate, uid } from './helpers'

const PKM = DEFAULT_KDPPK.Puskesmas
type Item = { fn: string; ok: boolean; record?: Record<string, unknown>; replayed?: boolean; error?: string }

let bpjs: LedgerConnection
let pkm: LedgerConnection
beforeAll(async () => {
  bpjs = await connectAs('BPJS')
  pkm = await connectAs('Puskesmas')
})
afterAll(() => {
  for (const c of [bpjs, pkm]) c?.close()
})

// Salted like every private detail (the chaincode refuses one without); fixed per visit, so a replay sends the same bytes.
const detailOf = (visitId: string) => JSON.stringify({ diagnoses: [{ kdDiag: 'J06.9', nmDiag: 'ISPA' }], note: visitId, salt: sha256(`salt|${visitId}`).slice(0, 32) })

/** Visit:Record items for `cards` (one visit each) and their transient details under `<i>.detail`. */
function visitItems(cards: string[], ids = cards.map(() => uid('BV'))) {
  const today = new Date().toISOString().slice(0, 10)
  const transient: Record<string, string> = {}
  const items = cards.map((noKartu, i) => {
    transient[`${i}.detail`] = detailOf(ids[i])
    return { fn: 'Visit:Record', intent: { visitId: ids[i], noKartu, kdPPK: PKM, tglKunjungan: today, detailHash: sha256(detailOf(ids[i])) } }
  })
  return { ids, items, transient }
}

async function batch(conn: LedgerConnection, items: unknown[], transient: Record<string, string> = {}): Promise<Item[]> {
  return ((await submitPrivate(conn, 'Batch', 'Submit', { items }, transient)) as { results: Item[] }).results
}

const auditCount = async (type: string, id: string) => (await evaluate<unknown[]>(bpjs, 'Audit', 'ListByEntity', type, id)).length

describe('Batch:Submit on the network', () => {
  it('records several visits in one transaction; a refused item leaves the others committed', async () => {
    const card = await issueCard(bpjs)
    const { ids, items, transient } = visitItems([card, card, '0009999099999', card])
    const results = await batch(pkm, items, transient)
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true])
    expect(results[2].error).toMatch(/^NOT_FOUND: Card 0009999099999/)
    const txIds = new Set<string>()
    for (const i of [0, 1, 3]) {
      expect(await evaluate(bpjs, 'Visit', 'Read', ids[i])).toMatchObject({ visitId: ids[i], kdPPK: PKM, orgMsp: 'PuskesmasMSP' })
      const [entry] = await evaluate<{ txId: string }[]>(bpjs, 'Audit', 'ListByEntity', 'Visit', ids[i])
      txIds.add(entry.txId)
    }
    expect(txIds.size).toBe(1)
    expect(await failureOf(evaluate(bpjs, 'Visit', 'Read', ids[2]))).toMatch(/NOT_FOUND: /)
    // The detail reached the collection with each item's own bytes.
    expect(await evaluate(bpjs, 'Visit', 'ReadDetail', ids[3])).toMatchObject({ note: ids[3] })
  })

  it('a replayed batch changes nothing; a batch partly applied before completes item by item', async () => {
    const card = await issueCard(bpjs)
    const { ids, items, transient } = visitItems([card, card, card])
    // Item 0 went alone before (as a single send would have).
    await submitPrivate(pkm, 'Visit', 'Record', items[0].intent, { detail: transient['0.detail'] })
    const first = await batch(pkm, items, transient)
    expect(first.map((r) => [r.ok, r.replayed])).toEqual([[true, true], [true, false], [true, false]])
    const again = await batch(pkm, items, transient)
    expect(again.map((r) => [r.ok, r.replayed])).toEqual([[true, true], [true, true], [true, true]])
    expect(again.map((r) => r.record)).toEqual(first.map((r) => r.record))
    for (const id of ids) expect(await auditCount('Visit', id)).toBe(1)
  })

  it('a batch of claims is endorsed by BPJS and the faskes (key-level policy on each visit); a claim cannot ride with its visit', async () => {
    const card = await issueCard(bpjs)
    const { ids, items, transient } = visitItems([card, card])
    await batch(pkm, items, transient)
    const claim = (visitId: string) => ({ fn: 'Claim:Submit', intent: { claimId: uid('BC'), visitId, noKartu: card, amount: 125_000, kdPPK: PKM } })
    const claims = [claim(ids[0]), claim(ids[1])]
    const results = await batch(pkm, claims)
    expect(results.map((r) => r.record?.status)).toEqual(['SUBMITTED', 'SUBMITTED'])
    expect(await evaluate(bpjs, 'Visit', 'Read', ids[1])).toMatchObject({ claimId: claims[1].intent.claimId })

    const more = visitItems([card])
    const mixed = await batch(pkm, [...more.items, claim(more.ids[0])], more.transient)
    expect(mixed.map((r) => r.ok)).toEqual([true, false])
    expect(mixed[1].error).toMatch(/^STATE: .*earlier in this batch/)
  })

  it('after a SIGKILL between a batch submit and its commit status, the outbox reconciles each item and sends nothing twice', async () => {
    const ws = workstation('Puskesmas')
    try {
      const queued = visits(ws, 6)
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'batch-kill-child.ts'), join(ws.dir, 'faskes.db'), ws.kdPPK], {
        cwd: join(__dirname, '../..'),
        env: { ...process.env, FASKES_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)))
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
      const submitted = await new Promise<{ txId: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child did not submit a batch in 45 s; stderr: ${err}`)), 45_000)
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString()
          const line = out.split('\n').find((l) => l.includes('"submitted"'))
          if (line) {
            clearTimeout(timer)
            resolve(JSON.parse(line) as { txId: string })
          }
        })
        child.on('exit', () => reject(new Error(`child exited before submitting; stderr: ${err}`)))
      })
      child.kill('SIGKILL')
      expect(await exited).toBe('SIGKILL')
      const inFlight = ws.db.prepare(`SELECT operation, entity_id AS id FROM outbox WHERE target = 'ledger' AND status = 'in_flight'`).all() as { operation: string; id: string }[]
      // The whole first batch (the six visits) was in flight; no claim left before its visit was done.
      expect(inFlight.map((j) => j.operation)).toEqual(Array(6).fill('Visit:Record'))

      // The killed batch's transaction commits without its sender: the visits appear on the ledger.
      const onLedger = (id: string) => evaluate(bpjs, 'Visit', 'Read', id).then(() => true, () => false)
      await until('the killed batch committed', async () => (await Promise.all(queued.map((v) => onLedger(v.visitId)))).every(Boolean), 20_000, 100)

      // Restart: the worker reads each in-flight item's key first, finds it, and only then sends the claims (batched).
      const conn = await ledgerAs('Puskesmas', { kdPPK: ws.kdPPK })
      try {
        const single = ledgerExecutor(async () => conn)
        const worker = new TargetWorker(ws.db, new OutboxStore(ws.db), batchingLedgerExecutor(single, async () => conn), { concurrency: 100, pollMs: 50 })
        worker.start()
        const open = () => (ws.db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'ledger' AND status != 'done'`).get() as { n: number }).n
        await until('every ledger job done', () => open() === 0, 60_000, 50)
        await worker.stop()
      } finally {
        conn.close()
      }
      const outcomes = ws.db
        .prepare(`SELECT o.operation, a.outcome FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.target = 'ledger' ORDER BY a.id`)
        .all() as { operation: string; outcome: string }[]
      expect(outcomes.filter((a) => a.operation === 'Visit:Record').map((a) => a.outcome)).toEqual(Array(6).fill('reconciled'))
      expect(outcomes.filter((a) => a.operation === 'Claim:Submit').map((a) => a.outcome)).toEqual(Array(6).fill('ok'))
      for (const v of queued) {
        const [entry] = await evaluate<{ txId: string }[]>(bpjs, 'Audit', 'ListByEntity', 'Visit', v.visitId)
        expect(entry.txId).toBe(submitted.txId)
        const actions = (await evaluate<{ action: string }[]>(bpjs, 'Audit', 'ListByEntity', 'Visit', v.visitId)).map((a) => a.action)
        expect(actions).toEqual(['Record', 'LinkClaim'])
        expect(await evaluate(bpjs, 'Claim', 'Read', v.claimId)).toMatchObject({ status: 'SUBMITTED', visitId: v.visitId })
      }
    } finally {
      ws.cleanup()
    }
  }, 120_000)
})
