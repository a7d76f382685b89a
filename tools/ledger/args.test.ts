import { describe, expect, it } from 'vitest'
import { filterIdentities, kdppkArg, UsageError } from './args'
import type { RegisteredIdentity } from './ca'

describe('ledger CLI arguments', () => {
  it('--kdppk is upper-cased and trimmed like Pengaturan holds it; a wrong length or character is refused', () => {
    expect(kdppkArg('0114u163')).toBe('0114U163')
    expect(kdppkArg(' 0114U163 ')).toBe('0114U163')
    expect(kdppkArg(undefined)).toBeUndefined()
    expect(() => kdppkArg('0114U16')).toThrow(UsageError)
    expect(() => kdppkArg('0114-U16')).toThrow(/8 digits or letters/)
    expect(() => kdppkArg(true)).toThrow(UsageError)
  })

  it('ledger:list filters by faskes code and by enrolment id', () => {
    const id = (enrollmentId: string, kdPPK?: string): RegisteredIdentity => ({ enrollmentId, type: 'client', maxEnrollments: 1, ...(kdPPK ? { kdPPK } : {}), role: 'workstation', revoked: false })
    const ids = [id('ws-a', '0114U163'), id('ws-b', '0114U163'), id('ws-c', '0199B001'), id('bpjs-x')]
    expect(filterIdentities(ids, {}).map((i) => i.enrollmentId)).toEqual(['ws-a', 'ws-b', 'ws-c', 'bpjs-x'])
    expect(filterIdentities(ids, { kdPPK: '0114U163' }).map((i) => i.enrollmentId)).toEqual(['ws-a', 'ws-b'])
    expect(filterIdentities(ids, { id: 'ws-c' }).map((i) => i.enrollmentId)).toEqual(['ws-c'])
    expect(filterIdentities(ids, { kdPPK: '0114U163', id: 'ws-c' })).toEqual([])
  })
})
