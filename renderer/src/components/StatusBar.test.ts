import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { SyncStatus } from '../../../electron/contract'
import { dictionaries } from '../i18n'
import { refusedSince } from '../workspaces/LedgerEnrolment'
import { StatusBar, stateOf } from './StatusBar'

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

  it('a faskes code that is not the certificate\'s is "mismatch", even while the engine holds the lane offline', () => {
    expect(stateOf(ledger({ kdppkMismatch: true, online: false }))).toBe('mismatch')
    expect(stateOf(ledger({ kdppkMismatch: true, identityRefusedAt: 5_000 }))).toBe('mismatch')
    expect(stateOf(ledger({ kdppkMismatch: false, online: false }))).toBe('offline')
  })

  it('a lane waiting for re-enrolment says so with its queue, never "Mengirim n…"', () => {
    // Bahasa Indonesia: the context's default locale.
    const bar = (s: Target) => renderToStaticMarkup(createElement(StatusBar, { status: { targets: [s], referenceAt: null }, error: undefined }))
    const refused = bar(ledger({ identityRefusedAt: 5_000, pending: 3 }))
    expect(refused).toContain('Identitas ditolak peer')
    expect(refused).toContain('3 menunggu pendaftaran ulang')
    expect(refused).not.toContain('Mengirim')
    const mismatch = bar(ledger({ kdppkMismatch: true, online: false, pending: 2, inFlight: 1 }))
    expect(mismatch).toContain('Kode faskes tidak cocok dengan sertifikat')
    expect(mismatch).toContain('3 menunggu pendaftaran ulang')
    expect(mismatch).not.toContain('Terputus')
    // A lane that can send still says it is sending; plain offline still just waits.
    expect(bar(ledger({ pending: 3 }))).toContain('Mengirim 3')
    expect(bar(ledger({ online: false, pending: 3 }))).toMatch(/>3 menunggu</)
  })

  it('says so in both languages', () => {
    expect(dictionaries.id['sync.kdppkMismatch']).toMatch(/Kode faskes.*sertifikat.*daftarkan ulang/)
    expect(dictionaries.en['sync.kdppkMismatch']).toMatch(/code.*certificate.*enrol again/)
    expect(dictionaries.id['sync.waitingEnrolment']).toMatch(/\{n\} menunggu pendaftaran ulang/)
    expect(dictionaries.en['sync.waitingEnrolment']).toMatch(/\{n\} waiting for re-enrolment/)
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
