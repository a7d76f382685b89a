import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sampleJob } from '../../../test/helpers/outbox'
import { tempDir } from '../../../test/helpers/tmp'
import { openDatabase, type DB } from '../db'
import type { LedgerConnection } from '../ledger/gateway'
import { SendError, type Executor, type SendSuccess } from './executor'
import { batchingLedgerExecutor } from './ledger-batch'
import { enqueue, OutboxStore, type OutboxJob } from './outbox'

// The batching executor without a network: a fake gateway answers Batch:Submit, a fake single executor records what
// falls back to one-by-one sends.

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'b.db'))
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

let n = 0
function job(op: 'Visit:Record' | 'Claim:Submit' | 'Referral:Create'): OutboxJob {
  const key = `ledger:${op}:${++n}`
  return new OutboxStore(db).get(enqueue(db, sampleJob(op, key, { idempotencyKey: key })))!
}

type Results = { results: unknown[] }

/** A gateway whose Batch:Submit answers `answer(items)` or fails at `failAt` with `error`. */
function fakeGateway(answer: (items: { fn: string }[]) => Results, fail?: { at: 'endorse' | 'submit'; error: Error }) {
  const batches: { items: { fn: string; intent: unknown }[]; transientKeys: string[]; endorsers?: string[] }[] = []
  const connection = async () =>
    ({
      profile: { mspId: 'PuskesmasMSP' },
      contract: (name: string) => {
        expect(name).toBe('Batch')
        return {
          newProposal(fn: string, o: { arguments: string[]; transientData: Record<string, Buffer>; endorsingOrganizations?: string[] }) {
            expect(fn).toBe('Submit')
            const items = (JSON.parse(o.arguments[0]) as { items: { fn: string; intent: unknown }[] }).items
            batches.push({ items, transientKeys: Object.keys(o.transientData).sort(), endorsers: o.endorsingOrganizations })
            return {
              async endorse() {
                if (fail?.at === 'endorse') throw fail.error
                return {
                  async submit() {
                    if (fail?.at === 'submit') throw fail.error
                    return {
                      getTransactionId: () => 'tx-1',
                      getStatus: async () => ({ successful: true, code: 0, transactionId: 'tx-1', blockNumber: 7n }),
                      getResult: () => Buffer.from(JSON.stringify(answer(items))),
                    }
                  },
                }
              },
            }
          },
        }
      },
    }) as unknown as LedgerConnection
  return { batches, connection }
}

function fakeSingle() {
  const sent: string[] = []
  const exec: Executor = {
    target: 'ledger',
    async send(j) {
      sent.push(j.operation)
      return { result: { txId: `single-${j.id}` } }
    },
    reconcile: async () => null,
    apply: () => {},
    probe: async () => true,
  }
  return { sent, exec }
}

const settle = (p: Promise<SendSuccess>) => p.then((r) => ({ ok: r.result }), (e: unknown) => ({ err: e }))

describe('batchingLedgerExecutor', () => {
  it('sends jobs of one operation as one Batch:Submit once maxItems wait, and settles each with its own item', async () => {
    const gw = fakeGateway((items) => ({
      results: items.map((it, i) => (i === 1 ? { fn: it.fn, ok: false, error: 'STATE: card 0009999000001 is SUSPENDED' } : { fn: it.fn, ok: true, record: { i }, replayed: i === 2 })),
    }))
    const single = fakeSingle()
    const exec = batchingLedgerExecutor(single.exec, gw.connection, { maxItems: 3, lingerMs: 50 })
    const visits = [job('Visit:Record'), job('Visit:Record'), job('Visit:Record')]
    const claim = job('Claim:Submit')
    const out = await Promise.all([...visits, claim].map((j) => settle(exec.send(j))))
    expect(gw.batches).toHaveLength(1)
    expect(gw.batches[0].items.map((i) => i.fn)).toEqual(['Visit:Record', 'Visit:Record', 'Visit:Record'])
    // Each item's transient data under its own index.
    expect(gw.batches[0].transientKeys).toEqual(['0.detail', '1.detail', '2.detail'])
    expect(out[0]).toEqual({ ok: { txId: 'tx-1', blockNumber: '7', record: { i: 0 } } })
    expect(out[2]).toEqual({ ok: { txId: 'tx-1', blockNumber: '7', record: { i: 2 } } })
    const refused = (out[1] as { err: SendError }).err
    expect([refused.kind, refused.code, refused.message]).toEqual(['permanent', 'CHAINCODE_STATE', 'STATE: card 0009999000001 is SUSPENDED'])
    // The claim waited its linger alone and went as a single send (another operation, another batch).
    expect(single.sent).toEqual(['Claim:Submit'])
    expect(out[3]).toEqual({ ok: { txId: `single-${claim.id}` } })
  })

  it('a referral batch names the endorsers a single referral names', async () => {
    const gw = fakeGateway((items) => ({ results: items.map((it) => ({ fn: it.fn, ok: true, record: {}, replayed: false })) }))
    const exec = batchingLedgerExecutor(fakeSingle().exec, gw.connection, { maxItems: 2, lingerMs: 1000 })
    await Promise.all([exec.send(job('Referral:Create')), exec.send(job('Referral:Create'))])
    expect(gw.batches[0].endorsers).toEqual(['PuskesmasMSP', 'RSMSP', 'BPJSMSP'])
  })

  it('a batch refused as a whole goes again job by job; a chaincode without Batch:Submit turns batching off', async () => {
    const missing = new Error("10 ABORTED: failed to endorse transaction: You've asked to invoke a function that does not exist: Batch:Submit")
    const gw = fakeGateway(() => ({ results: [] }), { at: 'endorse', error: missing })
    const single = fakeSingle()
    const exec = batchingLedgerExecutor(single.exec, gw.connection, { maxItems: 2, lingerMs: 1000 })
    const out = await Promise.all([job('Visit:Record'), job('Visit:Record')].map((j) => settle(exec.send(j))))
    expect(out.every((o) => 'ok' in o)).toBe(true)
    expect(single.sent).toEqual(['Visit:Record', 'Visit:Record'])
    // Off for a while: the next jobs go straight to single sends, no batch is tried.
    await Promise.all([exec.send(job('Visit:Record')), exec.send(job('Visit:Record'))])
    expect(gw.batches).toHaveLength(1)
    expect(single.sent).toHaveLength(4)
  })

  it('an ambiguous batch (submit failed) fails every job as ambiguous and sends nothing one by one', async () => {
    const gw = fakeGateway(() => ({ results: [] }), { at: 'submit', error: new Error('14 UNAVAILABLE: orderer gone') })
    const single = fakeSingle()
    const exec = batchingLedgerExecutor(single.exec, gw.connection, { maxItems: 2, lingerMs: 1000 })
    const out = await Promise.all([job('Claim:Submit'), job('Claim:Submit')].map((j) => settle(exec.send(j))))
    for (const o of out) {
      const e = (o as { err: SendError }).err
      expect([e.code, e.extra.ambiguous]).toEqual(['SUBMIT_FAILED', true])
    }
    expect(single.sent).toEqual([])
  })
})
