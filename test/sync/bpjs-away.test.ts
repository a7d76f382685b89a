import { afterEach, beforeEach, expect, it } from 'vitest'
import type { SyncEngine } from '../../electron/core/sync/engine'
import type { Simulator } from '../../tools/pcare-sim/server'
import { deliveryReport, drained, engine, networkNode, outboxCounts, simulator, until, visits, workstation, type Workstation } from './harness'

// Issue 14, Deliver 4: a claim needs BPJS's peer (the visit key's policy AND(BPJS, the faskes org)). Offline tolerance
// still holds: while BPJS's peer is away the claim waits in the outbox, and lands once when it is back.
process.env.FASKES_LOG_LEVEL ??= 'error'

let ws: Workstation
let sim: Simulator
let eng: SyncEngine | null = null
beforeEach(async () => {
  ws = workstation()
  sim = await simulator()
})
afterEach(async () => {
  await eng?.stop()
  eng = null
  await sim.close()
  ws.cleanup()
})

const ledgerJob = (operation: string) =>
  ws.db.prepare(`SELECT status, attempts, last_error_code AS code FROM outbox WHERE operation = ?`).get(operation) as { status: string; attempts: number; code: string | null }

/** The ledger attempts of an operation, oldest first. */
const attemptsOf = (operation: string) =>
  ws.db.prepare(`SELECT a.outcome, a.error_code AS code FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.operation = ? ORDER BY a.id`).all(operation) as { outcome: string; code: string | null }[]

it('a claim waits in the outbox while BPJS\'s peer is stopped, then lands once it returns', async () => {
  const list = visits(ws, 1)
  // Hold the claim back until its visit is on the ledger (both are queued by the one examination; the visit's
  // clinical detail needs BPJS's peer as well, since its collection is the faskes org's and BPJS's).
  ws.db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE operation = 'Claim:Submit'`).run(Date.now() + 3_600_000)
  eng = engine(ws, sim)
  eng.start()
  await until('the visit on the ledger', () => ledgerJob('Visit:Record').status === 'done', 30_000)
  networkNode('stop', 'peer-bpjs')
  try {
    ws.db.prepare(`UPDATE outbox SET next_attempt_at = ? WHERE operation = 'Claim:Submit'`).run(Date.now())
    await until('two refused claim attempts', () => attemptsOf('Claim:Submit').length >= 2, 30_000)
    // Refused at endorsement (nothing ordered), retried on the backoff schedule: waiting, never failed for a person.
    expect(attemptsOf('Claim:Submit').every((a) => a.outcome === 'transient')).toBe(true)
    expect(ledgerJob('Claim:Submit').status).toBe('failed_transient')
    expect(eng.connectivity().ledger).toBe(true) // its own peer answers: the ledger is up, only BPJS is away
    networkNode('start', 'peer-bpjs')
    await drained(ws.db, 90_000)
    expect(outboxCounts(ws.db)).toEqual({ done: 6 })
    const report = await deliveryReport(sim.state(), list)
    expect(report.problems).toEqual([])
    expect([report.losses, report.duplicates]).toEqual([0, 0])
  } finally {
    networkNode('start', 'peer-bpjs')
  }
})
