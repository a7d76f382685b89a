/**
 * Chaincode events: they arrive for every write, and a listener resumes from a file checkpoint after a restart,
 * receiving exactly the events committed while it was away (no loss, no redelivery).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { checkpointers, type ChaincodeEvent } from '@hyperledger/fabric-gateway'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { ISSUE_ENDORSERS, connectAs, holderOf, issueCard, json, newCardNo, submit, submitPrivate, suspendCard, suspension, syntheticNik, uid } from './helpers'

let bpjs: LedgerConnection
const dir = mkdtempSync(path.join(tmpdir(), 'faskes-events-'))
const checkpointFile = path.join(dir, 'checkpoint.json')

beforeAll(async () => {
  bpjs = await connectAs('BPJS')
})
afterAll(() => {
  bpjs?.close()
  rmSync(dir, { recursive: true, force: true })
})

interface Payload { entityType: string; entityId: string; action: string; status: string; actorMsp: string; txId: string }

/**
 * Read events (checkpointing each) until `want` of them match `mine`, or the deadline passes. Returns the matching
 * events in arrival order and every event seen (other helpers may share the network).
 */
async function collect(conn: LedgerConnection, want: number, mine: (p: Payload) => boolean, startBlock?: bigint) {
  const checkpoint = await checkpointers.file(checkpointFile)
  const events = await conn.network.getChaincodeEvents('faskes', { checkpoint, startBlock })
  const timer = setTimeout(() => events.close(), 20_000)
  const matched: { ev: ChaincodeEvent; p: Payload }[] = []
  try {
    for await (const ev of events) {
      const p = json<Payload>(ev.payload)
      await checkpoint.checkpointChaincodeEvent(ev)
      if (mine(p)) matched.push({ ev, p })
      if (matched.length >= want) break
    }
  } catch (err) {
    // closing on timeout ends the stream with a CANCELLED error; the length assertion below reports it
    if (matched.length < want) throw new Error(`only ${matched.length}/${want} events before timeout: ${(err as Error).message}`, { cause: err })
  } finally {
    clearTimeout(timer)
    events.close()
  }
  return matched
}

describe('chaincode events', () => {
  it('arrive for each write and resume from a file checkpoint after more transactions', async () => {
    // Listen from the block after this card's issue: no race with stream set-up, no older traffic.
    const first = newCardNo()
    const issued = await bpjs.contract('Card').submitAsync('Issue', {
      arguments: [JSON.stringify({ noKartu: first, kdProviderPst: '0199B001' })],
      transientData: holderOf(syntheticNik()),
      endorsingOrganizations: ISSUE_ENDORSERS,
    })
    const status = await issued.getStatus()
    expect(status.successful).toBe(true)

    const suspendId = uid('S')
    const batch1 = new Set([first])
    const p1 = collect(bpjs, 3, (p) => batch1.has(p.entityId), status.blockNumber + 1n)
    const suspend = suspension(first, 'uji event', suspendId)
    await submitPrivate(bpjs, 'Card', 'Suspend', suspend.intent, suspend.transient, ISSUE_ENDORSERS)
    await submit(bpjs, 'Card', 'Reactivate', { requestId: uid('R'), noKartu: first })
    const second = newCardNo()
    batch1.add(second)
    await submitPrivate(bpjs, 'Card', 'Issue', { noKartu: second, kdProviderPst: '0199B001' }, holderOf(syntheticNik()), ISSUE_ENDORSERS)
    const got1 = await p1
    expect(got1.map((m) => `${m.ev.eventName}:${m.p.status}`)).toEqual(['Card.Suspend:SUSPENDED', 'Card.Reactivate:ACTIVE', 'Card.Issue:ACTIVE'])
    for (const m of got1) {
      expect(m.p.txId).toBe(m.ev.transactionId)
      expect(m.ev.chaincodeName).toBe('faskes')
      expect(m.p.actorMsp).toBe('BPJSMSP')
    }
    const saved = JSON.parse(readFileSync(checkpointFile, 'utf8')) as { blockNumber: string }
    expect(BigInt(saved.blockNumber)).toBeGreaterThanOrEqual(got1[2].ev.blockNumber)

    // The listener is gone; more transactions commit meanwhile.
    const third = await issueCard(bpjs)
    await suspendCard(bpjs, second, 'uji resume')
    // A replay is a read: it must not produce an event (it would show up before the fourth card's event).
    await submitPrivate(bpjs, 'Card', 'Suspend', suspend.intent, suspend.transient, ISSUE_ENDORSERS)
    const fourth = await issueCard(bpjs)

    // Resume: the checkpoint file decides where to start; startBlock is ignored once a checkpoint exists.
    const ours = new Set([first, second, third, fourth])
    const got2 = await collect(bpjs, 3, (p) => ours.has(p.entityId), 0n)
    expect(got2.map((m) => `${m.ev.eventName}:${m.p.entityId}`)).toEqual([`Card.Issue:${third}`, `Card.Suspend:${second}`, `Card.Issue:${fourth}`])
    const txIds1 = new Set(got1.map((m) => m.ev.transactionId))
    expect(got2.some((m) => txIds1.has(m.ev.transactionId))).toBe(false)
  })
})
