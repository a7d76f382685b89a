import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Output } from '../../electron/contract'
import { mergeChanges, startTodayFeed } from './today-feed'

type Row = Output<'registration.today'>[number]
type Changes = Output<'registration.changes'>

const row = (noRawat: string, createdAt: number, keluhan = 'demam'): Row => ({
  noRawat,
  noKartu: '0001',
  nama: null,
  tglDaftar: '2026-11-30',
  kdPoli: '001',
  nmPoli: null,
  keluhan,
  kunjSakit: true,
  noUrut: null,
  sex: null,
  tglLahir: null,
  penjamin: 'bpjs',
  verification: 'verified',
  verificationNote: null,
  status: 'registered',
  pcare: 'none',
  ledger: 'none',
  createdAt,
  kdDokter: null,
  calledAt: null,
  callCount: 0,
  attendance: null,
  version: 1,
})

describe('mergeChanges', () => {
  it('replaces, adds and drops rows by noRawat, in registration order; a full answer replaces the list', () => {
    const before = [row('A', 1), row('B', 2), row('C', 3)]
    const merged = mergeChanges(before, { cursor: 'e:3', full: false, rows: [row('D', 4), row('A', 1, 'batuk')], gone: ['B'] })
    expect(merged.map((r) => [r.noRawat, r.keluhan])).toEqual([['A', 'batuk'], ['C', 'demam'], ['D', 'demam']])
    expect(mergeChanges(before, { cursor: 'e:3', full: true, rows: [row('Z', 9)], gone: [] }).map((r) => r.noRawat)).toEqual(['Z'])
  })
})

describe('startTodayFeed', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('reads the whole list, then long-polls with its cursor, merges each delta, and reads all again when due', async () => {
    const asked: { cursor: string | null; waitMs: number }[] = []
    const answers: Changes[] = [
      { cursor: 'e:0', full: true, rows: [row('A', 1)], gone: [] },
      { cursor: 'e:1', full: false, rows: [row('B', 2)], gone: [] },
      { cursor: 'e:1', full: true, rows: [row('A', 1), row('B', 2)], gone: [] },
    ]
    const pending: ((c: Changes) => void)[] = []
    const seen: string[][] = []
    const feed = startTodayFeed(
      {
        changes: (input) => (asked.push(input), new Promise<Changes>((r) => pending.push(r))),
        value: (rows) => seen.push(rows.map((r) => r.noRawat)),
        error: () => undefined,
      },
      5000,
    )
    const answerNext = async (after = 0) => {
      await vi.advanceTimersByTimeAsync(after)
      pending.shift()?.(answers.shift() as Changes)
      await vi.advanceTimersByTimeAsync(0)
    }
    await answerNext()
    expect(asked[0]).toEqual({ cursor: null, waitMs: 0 })
    expect(asked[1]).toEqual({ cursor: 'e:0', waitMs: 5000 })
    await answerNext(1000)
    expect(seen).toEqual([['A'], ['A', 'B']])
    // 1 s spent: the next wait ends when the whole list is due.
    expect(asked[2]).toEqual({ cursor: 'e:1', waitMs: 4000 })
    feed.stop()
  })

  it('after a failure waits, reports it and asks again; a reload drops the answer of the call in flight', async () => {
    let calls = 0
    const errors: unknown[] = []
    const seen: string[][] = []
    let late: ((c: Changes) => void) | undefined
    const feed = startTodayFeed(
      {
        changes: () => {
          calls += 1
          if (calls === 1) return Promise.reject(new Error('hub away'))
          if (calls === 2) return new Promise<Changes>((r) => (late = r))
          if (calls === 3) return Promise.resolve({ cursor: 'e:5', full: true, rows: [row('N', 5)], gone: [] })
          return new Promise<Changes>(() => undefined)
        },
        value: (rows) => seen.push(rows.map((r) => r.noRawat)),
        error: (e) => errors.push(e),
      },
      60_000,
    )
    await vi.advanceTimersByTimeAsync(0)
    expect(errors).toHaveLength(1)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(2000)
    expect(calls).toBe(2)
    feed.reload()
    await vi.advanceTimersByTimeAsync(0)
    late?.({ cursor: 'e:1', full: true, rows: [row('OLD', 1)], gone: [] })
    await vi.advanceTimersByTimeAsync(0)
    expect(seen[0]).toEqual(['N'])
    expect(seen.flat()).not.toContain('OLD')
    feed.stop()
  })
})
