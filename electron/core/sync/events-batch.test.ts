import { join } from 'node:path'
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { openDatabase, type DB } from '../db'
import type { LedgerConnection } from '../ledger/gateway'
import { ChainEventListener } from './events'

// Fabric keeps one chaincode event per transaction, so Batch:Submit sets one `Batch.Submit` event listing every
// written item's own event (chaincode/README.md#batches): the listener applies each of them, with one checkpoint.

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'e.db'))
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

/** A connection whose event stream yields `events`, then stays open until closed. */
function streaming(events: ChaincodeEvent[]): () => Promise<LedgerConnection> {
  return async () =>
    ({
      profile: { chaincode: 'faskes' },
      network: {
        async getChaincodeEvents() {
          let close: () => void = () => {}
          const closed = new Promise<void>((r) => (close = r))
          return {
            close,
            async *[Symbol.asyncIterator]() {
              yield* events
              await closed
            },
          }
        },
      },
    }) as unknown as LedgerConnection
}

const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o))

it('applies every item of a Batch.Submit event and checkpoints the transaction once', async () => {
  const ins = db.prepare("INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, NULL, 'Demo', '0199B001', 1, 0)")
  for (const n of ['0009999000001', '0009999000002', '0009999000003']) ins.run(n)
  const card = (noKartu: string, status: string) => ({ name: 'Card.Suspend', payload: { entityType: 'Card', entityId: noKartu, action: 'Suspend', status } })
  const batch: ChaincodeEvent = {
    blockNumber: 9n,
    transactionId: 'tx-batch',
    chaincodeName: 'faskes',
    eventName: 'Batch.Submit',
    payload: bytes({ txId: 'tx-batch', events: [card('0009999000001', 'SUSPENDED'), card('0009999000003', 'SUSPENDED')] }),
  }
  const listener = new ChainEventListener(db, streaming([batch]), { retryMs: 60_000 })
  listener.checkpointer.save(5n, null)
  listener.start()
  for (let i = 0; i < 100 && listener.applied < 2; i++) await new Promise((r) => setTimeout(r, 10))
  await listener.whenIdle()
  await listener.stop()
  expect(listener.applied).toBe(2)
  expect(db.prepare('SELECT no_kartu, ledger_status FROM patients ORDER BY no_kartu').all()).toEqual([
    { no_kartu: '0009999000001', ledger_status: 'SUSPENDED' },
    { no_kartu: '0009999000002', ledger_status: null },
    { no_kartu: '0009999000003', ledger_status: 'SUSPENDED' },
  ])
  expect([listener.checkpointer.getBlockNumber(), listener.checkpointer.getTransactionId()]).toEqual([9n, 'tx-batch'])
})
