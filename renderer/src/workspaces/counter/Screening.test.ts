import { describe, expect, it } from 'vitest'
import type { UnsentJob } from '../../../../electron/contract'
import { waitsForScreening } from './Screening'

const job = (operation: string, lastErrorCode: string | null): UnsentJob =>
  ({ operation, lastErrorCode, status: 'failed_transient' }) as unknown as UnsentJob

describe('waitsForScreening', () => {
  it('only an Antrean add refused for the Mobile JKN screening', () => {
    expect(waitsForScreening([job('pendaftaran.add', null), job('antrean.add', 'SCREENING_REQUIRED')])).toBe(true)
    expect(waitsForScreening([job('antrean.add', 'WAITING_NO_URUT')])).toBe(false)
    expect(waitsForScreening([job('antrean.panggil', 'SCREENING_REQUIRED')])).toBe(false)
    expect(waitsForScreening([])).toBe(false)
    expect(waitsForScreening(undefined)).toBe(false)
  })
})
