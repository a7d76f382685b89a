/**
 * Child process of test/ledger/batch.test.ts: runs the ledger worker with batching on a workstation database and
 * stops dead between a batch's submit and its commit status. Every ledger job is sent through the real path
 * (batchingLedgerExecutor over ledgerExecutor, a Puskesmas workstation enrolled for the database's kdPPK); the one
 * difference is that once the orderers accepted the first Batch:Submit, the child prints
 * `{"event":"submitted","txId":...,"items":n}` and never asks for the commit status, so the parent's SIGKILL lands
 * while every job of that batch is in_flight and its transaction is on its way into a block.
 *   node --import tsx test/ledger/batch-kill-child.ts <db path> <kdPPK>
 */
import type { Contract, Proposal, Transaction } from '@hyperledger/fabric-gateway'
import { openDatabase } from '../../electron/core/db'
import { connectLedger, type LedgerConnection } from '../../electron/core/ledger/gateway'
import { localPeerProfile, localRuntimeDir } from '../../electron/core/ledger/profile'
import { batchingLedgerExecutor } from '../../electron/core/sync/ledger-batch'
import { ledgerExecutor } from '../../electron/core/sync/ledger-executor'
import { OutboxStore } from '../../electron/core/sync/outbox'
import { TargetWorker } from '../../electron/core/sync/worker'
import { enrolTestIdentity } from '../helpers/fabric-identity'

const [dbPath, kdPPK] = process.argv.slice(2)
const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`)

/** The transaction of a Batch:Submit: submitted for real, then the commit status is never asked. */
function hangAfterSubmit(tx: Transaction): Transaction {
  return new Proxy(tx, {
    get(target, prop) {
      if (prop !== 'submit') return Reflect.get(target, prop, target) as unknown
      return async () => {
        const submitted = await target.submit()
        say({ event: 'submitted', txId: submitted.getTransactionId() })
        return new Proxy(submitted, {
          get(t, p) {
            // Stay here until SIGKILL: the status is what the kill must interrupt.
            if (p === 'getStatus') return () => new Promise(() => {})
            return Reflect.get(t, p, t) as unknown
          },
        })
      }
    },
  })
}

function batchContract(c: Contract): Contract {
  return new Proxy(c, {
    get(target, prop) {
      if (prop !== 'newProposal') return Reflect.get(target, prop, target) as unknown
      return (name: string, options: unknown): Proposal => {
        const proposal = target.newProposal(name, options as never)
        return new Proxy(proposal, {
          get(p, q) {
            if (q === 'endorse') return async () => hangAfterSubmit(await p.endorse())
            return Reflect.get(p, q, p) as unknown
          },
        })
      }
    },
  })
}

async function main(): Promise<void> {
  const db = openDatabase(dbPath)
  const id = await enrolTestIdentity('Puskesmas', { kdPPK })
  const real = await connectLedger({ ...localPeerProfile('Puskesmas', { channel: 'bpjs-main', runtimeDir: localRuntimeDir() }), certPem: id.certPem }, id.keyPem)
  const conn: LedgerConnection = { ...real, contract: (name) => (name === 'Batch' ? batchContract(real.contract(name)) : real.contract(name)) }
  const single = ledgerExecutor(async () => conn)
  const worker = new TargetWorker(db, new OutboxStore(db), batchingLedgerExecutor(single, async () => conn, { lingerMs: 300 }), { concurrency: 100, pollMs: 50 })
  worker.start()
  say({ event: 'ready' })
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
