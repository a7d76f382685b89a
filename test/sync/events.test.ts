import { afterEach, beforeEach, expect, it } from 'vitest'
import type { Simulator } from '../../tools/pcare-sim/server'
import { ChainEventListener, firstOwnBlock } from '../../electron/core/sync/events'
import { ACTIVE_CARDS, drained, engine, ledgerAs, simulator, visit, workstation, type Workstation } from './harness'
import { decision } from '../ledger/helpers'

let ws: Workstation
let sim: Simulator
beforeEach(async () => {
  ws = workstation()
  sim = await simulator()
})
afterEach(async () => {
  await sim.close()
  ws.cleanup()
})

const claimStatus = (id: string) => (ws.db.prepare('SELECT claim_status AS s FROM examinations WHERE claim_id = ?').get(id) as { s: string }).s
async function until(cond: () => boolean, ms = 60_000) {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}

it('does not open a stream (or replay the chain) before anything of this workstation is on the ledger', async () => {
  let connects = 0
  const listener = new ChainEventListener(ws.db, async () => {
    connects++
    throw new Error('should not connect')
  }, { retryMs: 50 })
  listener.start()
  await new Promise((r) => setTimeout(r, 300))
  await listener.stop()
  expect(firstOwnBlock(ws.db)).toBeUndefined()
  expect(connects).toBe(0)
})

it('updates local claim statuses from chain events and resumes from its SQLite checkpoint after being offline', async () => {
  const a = visit(ws, ACTIVE_CARDS[2].noKartu)
  const b = visit(ws, ACTIVE_CARDS[3].noKartu)
  const e = engine(ws, sim)
  e.start({ events: false })
  await drained(ws.db)
  await e.stop()
  expect(claimStatus(a.claimId!)).toBe('SUBMITTED')
  // A new workstation starts listening at its own first transaction, not at block 0.
  expect(firstOwnBlock(ws.db)).toBeGreaterThan(0n)

  const bpjs = await ledgerAs('BPJS')
  // The workstation's own identity (its faskes code): the listener reads as the app's engine would.
  const ws1 = await ledgerAs('Puskesmas', { kdPPK: ws.kdPPK })
  const decide = (fn: 'Approve' | 'Reject', claimId: string) => {
    // Remarks travel as the salted transient detail (chaincode/README.md#intents-and-validation).
    const { intent, transient } = decision(claimId, fn === 'Reject' ? 'Dokumen tidak lengkap' : 'OK', `${claimId}-${fn}`)
    return bpjs.contract('Claim').submit(fn, { arguments: [JSON.stringify(intent)], transientData: transient, endorsingOrganizations: ['BPJSMSP', 'PuskesmasMSP'] })
  }
  try {
    const listener = new ChainEventListener(ws.db, async () => ws1, { retryMs: 200 })
    listener.start()
    await decide('Approve', a.claimId!)
    await until(() => claimStatus(a.claimId!) === 'APPROVED')
    await listener.stop()
    const cp = listener.checkpointer.getBlockNumber()
    expect(cp).toBeGreaterThan(0n)

    // Offline: BPJS rejects the other claim while the listener is stopped.
    await decide('Reject', b.claimId!)
    expect(claimStatus(b.claimId!)).toBe('SUBMITTED')

    const again = new ChainEventListener(ws.db, async () => ws1, { retryMs: 200 })
    again.start()
    await until(() => claimStatus(b.claimId!) === 'REJECTED')
    await again.stop()
    // Resumed after the checkpoint: the approval seen before is not applied again, the rejection is.
    expect(again.applied).toBe(1)
    expect(again.checkpointer.getBlockNumber()!).toBeGreaterThan(cp!)
    expect(claimStatus(a.claimId!)).toBe('APPROVED')
  } finally {
    bpjs.close()
    ws1.close()
  }
})
