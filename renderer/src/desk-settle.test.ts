import { describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../electron/contract'
import { deskWork, settleStep } from './desk-settle'

type Lane = SyncStatus['targets'][number]
const lane = (target: string, over: Partial<Lane>): Lane => ({
  target: target as Lane['target'],
  online: true,
  pending: 0,
  blocked: 0,
  inFlight: 0,
  failed: 0,
  lastSuccessAt: null,
  failing: false,
  identityRefusedAt: null,
  ...over,
})
const status = (...targets: Lane[]): SyncStatus => ({ targets, referenceAt: null })

describe('a desk notices when its offline work reached the hub', () => {
  it('reads the hub lane only: away or waiting is outstanding, connected and empty is settled', () => {
    expect(deskWork(undefined)).toBeNull()
    // A standalone PC or the hub: no hub lane, whatever the other lanes say.
    expect(deskWork(status(lane('pcare', { online: false, pending: 3 })))).toBeNull()
    expect(deskWork(status(lane('hub', { online: false })))).toBe('outstanding')
    expect(deskWork(status(lane('hub', { online: true, pending: 2 })))).toBe('outstanding')
    expect(deskWork(status(lane('hub', { online: true, inFlight: 1 })))).toBe('outstanding')
    expect(deskWork(status(lane('hub', { online: null })))).toBeNull()
    // A job the hub refused waits for a person (the outbox page), not for the hub: the rest has settled.
    expect(deskWork(status(lane('hub', { online: true, failed: 1, blocked: 0 })))).toBe('settled')
  })

  it('settles once per return of the hub, never at the start and never twice in a row', () => {
    const reads: ReturnType<typeof deskWork>[] = ['settled', 'settled', 'outstanding', null, 'outstanding', 'settled', 'settled', 'outstanding', 'settled']
    let last: ReturnType<typeof deskWork> = null
    const settledAt: number[] = []
    reads.forEach((now, i) => {
      const step = settleStep(last, now)
      last = step.last
      if (step.settled) settledAt.push(i)
    })
    expect(settledAt).toEqual([5, 8])
  })
})
