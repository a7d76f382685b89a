import LZString from 'lz-string'
import { describe, expect, it } from 'vitest'
import { prng } from '../../../tools/pcare-sim/icd10'
import { syntheticIcd10 } from '../../../tools/pcare-sim/icd10'
import { decompressFromEncodedURIComponent as fast } from './lz'

/*
 * lz.ts must give exactly what lz-string 1.5.0 gives (same string, "", null, or the same throw) for every input, well
 * formed or not: each case below runs both and compares. Seeds are fixed, so a failure names a reproducible case.
 */
const URI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'

type Outcome = { value: string | null } | { threw: string }
function run(f: (s: string) => string | null, input: string): Outcome {
  try {
    return { value: f(input) }
  } catch (err) {
    return { threw: (err as Error).constructor.name }
  }
}
function same(input: string): void {
  const want = run((s) => LZString.decompressFromEncodedURIComponent(s), input)
  const got = run(fast, input)
  if (JSON.stringify(got) !== JSON.stringify(want)) expect({ input, got }).toEqual({ input, got: want })
}

describe('decompressFromEncodedURIComponent (lz.ts) against lz-string', () => {
  const rnd = prng(17_042)
  const int = (n: number): number => Math.floor(rnd() * n)
  const randomText = (len: number): string => {
    const pools = [
      () => String.fromCharCode(32 + int(95)),
      () => String.fromCharCode(int(256)),
      () => String.fromCharCode(int(0x10000)), // lone surrogates included on purpose
      () => '{"kdDiag":"A0'.charAt(int(13)),
      () => 'Demam tifoid '.charAt(int(13)),
    ]
    const pool = pools[int(pools.length)]
    let s = ''
    for (let i = 0; i < len; i++) s += rnd() < 0.7 ? pool() : pools[int(pools.length)]()
    return s
  }

  it('decodes what lz-string compressed: 3,000 random texts (ASCII, Latin-1, any UTF-16 unit, repetitive JSON)', () => {
    for (let i = 0; i < 3_000; i++) {
      const text = randomText(int(i < 2_500 ? 64 : 4_000))
      const z = LZString.compressToEncodedURIComponent(text)
      expect(fast(z)).toBe(text)
      same(z)
    }
  })

  it('answers as lz-string on 6,000 damaged streams: flipped, cut, grown, spaced, foreign characters', () => {
    for (let i = 0; i < 6_000; i++) {
      const chars = [...LZString.compressToEncodedURIComponent(randomText(1 + int(300)))]
      const ops = 1 + int(3)
      for (let k = 0; k < ops && chars.length > 0; k++) {
        const at = int(chars.length)
        switch (int(6)) {
          case 0: chars[at] = URI_ALPHABET[int(64)]; break
          case 1: chars.length = at; break
          case 2: chars.splice(at, 0, ...Array.from({ length: 1 + int(8) }, () => URI_ALPHABET[int(64)])); break
          case 3: chars[at] = ' '; break
          case 4: chars[at] = pickForeign(int); break
          default: chars.splice(at, 1)
        }
      }
      same(chars.join(''))
    }
  })

  it('answers as lz-string on 4,000 random strings over the alphabet (most are not streams at all)', () => {
    for (let i = 0; i < 4_000; i++) {
      same(Array.from({ length: 1 + int(120) }, () => URI_ALPHABET[int(64)]).join(''))
    }
  })

  it('keeps lz-string answers at the edges: null, undefined, empty, end code first, first code 3, input ending mid-code', () => {
    expect(fast(null)).toBe(LZString.decompressFromEncodedURIComponent(null as unknown as string))
    expect(fast(undefined)).toBe('')
    expect(fast('')).toBeNull()
    // First two bits (read least significant first from 'Q' = 010000): 2 = end of stream.
    for (const s of ['Q', 'g', 'w', 'wA', 'wAAA', 'A', 'AA', 'BA', '$$$$', '---', '+', ' ', '====']) same(s)
  })

  it('decodes a 100 kB PCare diagnosa answer (5,000 entries) to the same text', () => {
    const json = JSON.stringify({ count: 5_000, list: syntheticIcd10(5_000) })
    const z = LZString.compressToEncodedURIComponent(json)
    expect(fast(z)).toBe(json)
    const wide = json.replaceAll('Demam', 'Démam ☃ \ud83d\ude00')
    expect(fast(LZString.compressToEncodedURIComponent(wide))).toBe(wide)
  })
})

function pickForeign(int: (n: number) => number): string {
  const foreign = ['=', '/', '%', '\u0000', 'é', '\ud800', '~', '.', '_', '\n']
  return foreign[int(foreign.length)]
}
