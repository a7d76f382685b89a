import { describe, expect, it } from 'vitest'
import { ChangeFeed, changedVisit } from './changes'

describe('ChangeFeed (issue 16: what a today list re-reads)', () => {
  it('answers the visits changed after a cursor, once each, and null for a cursor it cannot answer', () => {
    const feed = new ChangeFeed()
    const start = feed.cursor()
    feed.record('A')
    feed.record('B')
    feed.record('A')
    expect(feed.since(start).changed).toEqual(['A', 'B'])
    expect(feed.since(feed.cursor()).changed).toEqual([])
    expect(feed.since(null).changed).toBeNull()
    expect(feed.since(`other:${0}`).changed).toBeNull()
    expect(feed.since(`${feed.epoch}:99`).changed).toBeNull()
    // A settled send chain names its visit; other chains (antrean, reference refresh) do not.
    const mid = feed.cursor()
    feed.recordChain('pcare:R9')
    feed.recordChain('antrean:R8')
    feed.recordChain(undefined)
    feed.recordChain('ledger:R7')
    expect(feed.since(mid).changed).toEqual(['R9', 'R7'])
    // Further behind than it remembers: reload all.
    for (let i = 0; i < 2001; i++) feed.record(`N${i}`)
    expect(feed.since(start).changed).toBeNull()
  })

  it('wait() answers at the next change, or empty after the wait, or when aborted', async () => {
    const feed = new ChangeFeed()
    const at = feed.cursor()
    const waiting = feed.wait(at, 5000)
    setTimeout(() => feed.record('X'), 20)
    expect((await waiting).changed).toEqual(['X'])
    const t0 = Date.now()
    expect((await feed.wait(feed.cursor(), 50)).changed).toEqual([])
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45)
    const abort = new AbortController()
    const aborted = feed.wait(feed.cursor(), 60_000, abort.signal)
    abort.abort()
    expect((await aborted).changed).toEqual([])
  })

  it('changedVisit takes the answer’s noRawat, else the input’s (also inside a correction’s input)', () => {
    expect(changedVisit({ noKartu: '1' }, { noRawat: 'R1', tglDaftar: 'x' })).toBe('R1')
    expect(changedVisit({ noRawat: 'R2' }, { calledAt: 1 })).toBe('R2')
    expect(changedVisit({ input: { noRawat: 'R3' }, reason: 'salah' }, { id: 1 })).toBe('R3')
    expect(changedVisit({}, {})).toBeNull()
  })
})
