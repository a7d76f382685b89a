import { describe, expect, it } from 'vitest'
import type { LedgerReadProblem } from '../../electron/contract'
import { dictionaries, translator } from './i18n'
import { LEDGER_PROBLEM_COUNTER, LEDGER_PROBLEM_HISTORY, ledgerEntryWords } from './ledger-words'
import { dateTime } from './time'

// The maps are Record<LedgerReadProblem, …>: TypeScript refuses one that leaves a problem out.
const problems = Object.keys(LEDGER_PROBLEM_COUNTER) as LedgerReadProblem[]

describe('ledger read problems in staff words', () => {
  it('each problem has its own sentence on the card check and in the history, in both languages', () => {
    for (const map of [LEDGER_PROBLEM_COUNTER, LEDGER_PROBLEM_HISTORY]) {
      for (const locale of ['id', 'en'] as const) {
        const texts = problems.map((p) => dictionaries[locale][map[p]])
        expect(texts.every((x) => x.length > 10)).toBe(true)
        expect(new Set(texts).size).toBe(4)
      }
    }
    // The revoked workstation is told to enrol again; FORBIDDEN is not "not connected".
    expect(dictionaries.id[LEDGER_PROBLEM_COUNTER.IDENTITY_REFUSED]).toMatch(/ditolak.*daftarkan ulang/)
    expect(dictionaries.id[LEDGER_PROBLEM_HISTORY.FORBIDDEN]).not.toMatch(/tidak terhubung/)
    expect(dictionaries.en[LEDGER_PROBLEM_HISTORY.FORBIDDEN]).toMatch(/not on the ledger yet/)
  })
})

describe('ledger history entries', () => {
  const at = '2026-11-30T02:44:34.768Z'
  it('names the entity and status in staff words and the time in the app format', () => {
    const id = ledgerEntryWords(translator('id'), 'id', { type: 'Visit', id: 'v1', status: 'RECORDED', at })
    expect(id).toEqual({ what: 'Kunjungan', status: 'tercatat', at: dateTime('id', Date.parse(at)) })
    expect(id.at).not.toMatch(/T|Z/)
    expect(ledgerEntryWords(translator('en'), 'en', { type: 'Claim', id: 'c1', status: 'SUBMITTED', at })).toMatchObject({ what: 'Claim', status: 'submitted' })
  })

  it('keeps what this version does not know as the ledger wrote it; a missing time is null', () => {
    expect(ledgerEntryWords(translator('id'), 'id', { type: 'Prescription', id: 'p1', status: 'FILLED', at: null })).toEqual({ what: 'Prescription', status: 'FILLED', at: null })
    expect(ledgerEntryWords(translator('id'), 'id', { type: 'Card', id: 'k', status: null, at: 'not a time' })).toEqual({ what: 'Kartu', status: null, at: null })
  })
})
