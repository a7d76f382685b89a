import { describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../../electron/contract'
import { dictionaries } from '../i18n'
import { refusedSince } from '../workspaces/LedgerEnrolment'
import { stateOf } from './StatusBar'

type Target = SyncStatus['targets'][number]
const ledger = (over: Partial<Target>): Target => ({
  target: 'ledger', online: true, pending: 0, blocked: 0, inFlight: 0, failed: 1, lastSuccessAt: 1_000, failing: false, identityRefusedAt: null, ...over,
})

describe('ledger state when the peer refuses the workstation certificate', () => {
  it('a reachable peer that refused the identity is "refused", never "connected"; offline still wins', () => {
    expect(stateOf(ledger({}))).toBe('online')
    expect(stateOf(ledger({ identityRefusedAt: 5_000 }))).toBe('refused')
    expect(stateOf(ledger({ identityRefusedAt: 5_000, failing: true }))).toBe('refused')
    expect(stateOf(ledger({ identityRefusedAt: 5_000, online: false }))).toBe('offline')
  })

  it('says so in both languages', () => {
    expect(dictionaries.id['sync.identityRefused']).toMatch(/ditolak.*daftarkan ulang/)
    expect(dictionaries.en['sync.identityRefused']).toMatch(/refused.*enrol again/)
    expect(dictionaries.id['enrol.refusedValue']).toMatch(/^ditolak oleh peer — daftarkan ulang/)
    expect(dictionaries.en['enrol.refusedValue']).toMatch(/^refused by the peer — enrol again/)
  })

  it('Pengaturan shows the refusal until an enrolment newer than it', () => {
    const identity = {
      kind: 'software' as const, enrollmentId: 'ws-1', mspId: 'PuskesmasMSP', kdPPK: '0199B001', role: 'workstation' as const,
      certPem: 'c', chainPem: 'c', notBefore: 0, notAfter: 9_999_999, enrolledAt: 2_000, demo: false,
    }
    expect(refusedSince(identity, 5_000)).toBe(5_000)
    expect(refusedSince({ ...identity, enrolledAt: 6_000 }, 5_000)).toBeNull()
    expect(refusedSince(identity, null)).toBeNull()
    expect(refusedSince({ kind: 'none' }, 5_000)).toBeNull()
  })
})
