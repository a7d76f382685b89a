import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { sampleJob } from '../../../test/helpers/outbox'
import { tempDir } from '../../../test/helpers/tmp'
import { openDatabase, type DB } from '../db'
import { AppError, msg } from '../errors'
import type { LedgerConnection } from '../ledger/gateway'
import { LEDGER_RECONCILE_AT_ONCE } from './backoff'
import { ledgerExecutor } from './ledger-executor'
import { enqueue, OutboxStore } from './outbox'
import { TargetWorker } from './worker'

// The real ledger executor without a network: only what happens before any gateway call. The fake clock drives the
// worker (its default scheduler follows vitest's timers), so the probe interval passes in simulated time.

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  vi.useFakeTimers()
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'l.db'))
})
afterEach(() => {
  vi.useRealTimers()
  db.close()
  tmp.cleanup()
})

describe('ledgerExecutor with nothing configured', () => {
  it('records UNCONFIGURED like PCare (transient, not ambiguous), goes offline and probes instead of a LEDGER_ERROR per job', async () => {
    enqueue(db, sampleJob('Visit:Record', 'ledger:v1', { idempotencyKey: 'v1' }))
    let connects = 0
    // What the engine throws when it cannot build a gateway connection: no peer address and no demo network.
    const connection = async (): Promise<LedgerConnection> => {
      connects++
      throw new AppError('UNAVAILABLE', msg('remote.ledgerUnconfigured'))
    }
    const probeMs = 5000
    const w = new TargetWorker(db, new OutboxStore(db), ledgerExecutor(connection), { concurrency: 1, pollMs: 10, probeMs })
    w.start()
    // Bounded by simulated time: the first send fails within a few poll ticks.
    for (let t = 0; w.online !== false; t += 10) {
      if (t > 1000) throw new Error('the worker did not go offline within 1 s of simulated time')
      await vi.advanceTimersByTimeAsync(10)
    }
    expect(db.prepare("SELECT status, last_error_code, needs_reconcile FROM outbox WHERE idempotency_key = 'v1'").get()).toEqual({
      status: 'failed_transient',
      last_error_code: 'UNCONFIGURED',
      needs_reconcile: 0,
    })
    expect(db.prepare('SELECT outcome, error_code, error_message FROM outbox_attempts').all()).toEqual([{ outcome: 'transient', error_code: 'UNCONFIGURED', error_message: 'remote.ledgerUnconfigured' }])
    // Offline: the worker stops sending and probes (each probe tries to connect) every probeMs, still down.
    const afterSend = connects
    await vi.advanceTimersByTimeAsync(3 * probeMs)
    expect(connects - afterSend).toBe(3)
    expect(w.online).toBe(false)
    expect(db.prepare('SELECT count(*) AS n FROM outbox_attempts').get()).toEqual({ n: 1 })
    await w.stop()
  })
})

describe('ledgerExecutor endorsers', () => {
  /** A connection that records the proposal options of the first send and stops there (no network). */
  function capturing(mspId: string) {
    const seen: { fn: string; endorsingOrganizations?: string[] }[] = []
    const connection = async () =>
      ({
        profile: { mspId },
        contract: () => ({
          newProposal(fn: string, options: { endorsingOrganizations?: string[] }) {
            seen.push({ fn, endorsingOrganizations: options.endorsingOrganizations })
            throw new Error('stop before the network')
          },
        }),
      }) as unknown as LedgerConnection
    return { seen, connection }
  }
  const store = () => new OutboxStore(db)

  it('names the referring org, the receiving hospital and BPJS for a referral, and its own org and BPJS for every other write (never left to discovery, which may plan a visit without BPJS)', async () => {
    const { seen, connection } = capturing('PuskesmasMSP')
    const exec = ledgerExecutor(connection)
    for (const op of ['Referral:Create', 'Visit:Record', 'Visit:Correct', 'Claim:Submit'] as const) {
      await expect(exec.send(store().get(enqueue(db, sampleJob(op, `ledger:${op}`)))!)).rejects.toBeTruthy()
    }
    expect(seen).toEqual([
      { fn: 'Create', endorsingOrganizations: ['PuskesmasMSP', 'RSMSP', 'BPJSMSP'] },
      { fn: 'Record', endorsingOrganizations: ['PuskesmasMSP', 'BPJSMSP'] },
      { fn: 'Correct', endorsingOrganizations: ['PuskesmasMSP', 'BPJSMSP'] },
      { fn: 'Submit', endorsingOrganizations: ['PuskesmasMSP', 'BPJSMSP'] },
    ])
  })

  it('asks a hospital referring to another hospital for two orgs', async () => {
    const { seen, connection } = capturing('RSMSP')
    await expect(ledgerExecutor(connection).send(store().get(enqueue(db, sampleJob('Referral:Create', 'ledger:r')))!)).rejects.toBeTruthy()
    expect(seen).toEqual([{ fn: 'Create', endorsingOrganizations: ['RSMSP', 'BPJSMSP'] }])
  })
})

describe('ledgerExecutor reconcile reads', () => {
  it('reads back at most LEDGER_RECONCILE_AT_ONCE jobs at once; the others wait their turn and all answer', async () => {
    vi.useRealTimers()
    const ids = Array.from({ length: 10 }, (_, i) => enqueue(db, sampleJob('Visit:Record', `ledger:r${i}`, { idempotencyKey: `r${i}` })))
    const store = new OutboxStore(db)
    let inFlight = 0
    let most = 0
    const pending: (() => void)[] = []
    // A peer that answers each read only when the test lets it: every key not on the ledger yet (an empty answer).
    const contract = {
      evaluateTransaction: async () => {
        most = Math.max(most, ++inFlight)
        await new Promise<void>((r) => pending.push(r))
        inFlight--
        return new Uint8Array()
      },
    }
    const connection = async (): Promise<LedgerConnection> => ({ contract: () => contract }) as unknown as LedgerConnection
    const executor = ledgerExecutor(connection)
    const answers = ids.map((id) => executor.reconcile(store.get(id)!))
    // Bounded: ten reads, released one at a time as they arrive.
    for (let released = 0; released < 10; released++) {
      for (let spin = 0; pending.length === 0; spin++) {
        if (spin > 1000) throw new Error(`read ${released + 1} never reached the peer`)
        await new Promise((r) => setImmediate(r))
      }
      expect(inFlight).toBeLessThanOrEqual(LEDGER_RECONCILE_AT_ONCE)
      pending.shift()!()
    }
    expect(await Promise.all(answers)).toEqual(Array(10).fill(null))
    expect(most).toBe(LEDGER_RECONCILE_AT_ONCE)
  })
})
