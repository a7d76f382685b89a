import { describe, expect, it } from 'vitest'
import type { Output, PatientCheck } from '../../electron/contract'
import { ageOf, checkMode, filterToday, parsePcareDate, pcareReason } from '../../renderer/src/workspaces/counter/rules'

// The counter page's pure rules (renderer/src/workspaces/counter/rules.ts).

describe('age from a PCare birth date', () => {
  it('reads PCare dd-MM-yyyy dates and nothing else', () => {
    expect(parsePcareDate('21-01-1973')?.getFullYear()).toBe(1973)
    expect(parsePcareDate('1973-01-21')).toBeNull()
    expect(parsePcareDate(null)).toBeNull()
  })

  it('gives years from one year up, months below, days for a newborn', () => {
    const now = new Date(2026, 10, 29)
    expect(ageOf('21-01-1973', now)).toEqual({ n: 53, unit: 'years' })
    expect(ageOf('30-11-1973', now)).toEqual({ n: 52, unit: 'years' })
    expect(ageOf('15-03-2026', now)).toEqual({ n: 8, unit: 'months' })
    expect(ageOf('20-11-2026', now)).toEqual({ n: 9, unit: 'days' })
    expect(ageOf('01-12-2026', now)).toBeNull()
  })
})

describe('what the counter may register after a check', () => {
  const patient = (aktif: boolean | null) => ({ noKartu: '0009999000003', nik: null, nama: 'X', sex: 'P', tglLahir: null, jnsPeserta: null, jnsKelas: null, kdProvider: null, nmProvider: null, aktif, ketAktif: null, tunggakan: null })
  const check = (over: Partial<PatientCheck>): PatientCheck => ({
    source: 'live',
    notFound: false,
    checkedAt: 1,
    pcareError: null,
    patient: null,
    ledger: { status: null, checkedAt: null, source: 'none', error: null, problem: null },
    registeredToday: [],
    ...over,
  })
  it('not found: nothing; active: BPJS; inactive: umum only; offline never seen: unverified by card number only', () => {
    expect(checkMode('noKartu', check({ notFound: true }))).toBe('none')
    expect(checkMode('noKartu', check({ patient: patient(true) }))).toBe('verified')
    expect(checkMode('nik', check({ source: 'cache', patient: patient(true) }))).toBe('verified')
    expect(checkMode('noKartu', check({ patient: patient(false) }))).toBe('inactive')
    expect(checkMode('noKartu', check({ source: 'none', patient: null }))).toBe('unverified')
    expect(checkMode('nik', check({ source: 'none', patient: null }))).toBe('none')
  })

  it('PCare’s ketAktif is shown only when it says more than the badge', () => {
    expect(pcareReason('TIDAK AKTIF')).toBeNull()
    expect(pcareReason(' aktif ')).toBeNull()
    expect(pcareReason(null)).toBeNull()
    expect(pcareReason('PESERTA MENINGGAL')).toBe('PESERTA MENINGGAL')
  })
})

describe("today's list search", () => {
  type Row = Output<'registration.today'>[number]
  const row = (noRawat: string, nama: string | null, noKartu: string, kdPoli: string) => ({ noRawat, nama, noKartu, kdPoli }) as Row
  const rows = [row('20261129-0001', 'Dewi Lestari', '0009999000003', '001'), row('20261129-0002', 'Agus Setiawan', '0009999000004', '003'), row('20261129-0003', null, '0009999000005', '001')]
  const hits = (q: string, poli = '') => filterToday(rows, q, poli).map((r) => r.noRawat.slice(-1))

  it('finds by any part of the name (any case, every word), the card number, and no_rawat with or without the dash', () => {
    expect(hits('dewi')).toEqual(['1'])
    expect(hits('  LESTARI  dewi ')).toEqual(['1'])
    expect(hits('setiawan agus')).toEqual(['2'])
    expect(hits('0009999000005')).toEqual(['3'])
    expect(hits('000999900000')).toEqual(['1', '2', '3'])
    expect(hits('20261129-0002')).toEqual(['2'])
    expect(hits('202611290002')).toEqual(['2'])
    expect(hits('budi')).toEqual([])
    expect(hits('')).toEqual(['1', '2', '3'])
  })

  it('filters by poli, together with the search', () => {
    expect(hits('', '001')).toEqual(['1', '3'])
    expect(hits('agus', '001')).toEqual([])
    expect(hits('agus', '003')).toEqual(['2'])
  })
})
