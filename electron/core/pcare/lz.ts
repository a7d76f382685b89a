import LZString from 'lz-string'

/*
 * A faster LZString.decompressFromEncodedURIComponent (lz-string 1.5.0, libs/lz-string.js `_decompress` with
 * resetValue 32 and the URI-safe alphabet), for PCare's response bodies (docs/pcare.md#decode-speed).
 *
 * The format is LZW over a bit stream: each character of the input carries 6 bits (its index in
 * "A–Z a–z 0–9 + - $", most significant bit first); a code is read least significant bit first, numBits wide;
 * 0 and 1 bring a new 8- or 16-bit character, 2 ends the stream, 3… name dictionary entries. lz-string keeps every
 * dictionary entry as a string (w + c) and joins an array of strings at the end; about 80 % of a 100 kB answer's
 * decode time went there (bench/pcare-decrypt.ts prints the split). Every dictionary entry is a piece of the output
 * already written: the entry added after emitting `entry` is w + entry[0], and w ends exactly where entry starts.
 * So this version writes UTF-16 code units into one growing Uint16Array and keeps each entry as (start, length) into
 * it; a code is a copy within that array. Bits come from a 32-bit accumulator fed by a table that maps a character to
 * its 6 bits in reading order.
 *
 * Same results as lz-string for every input, including its odd ones (checked on fuzzed and truncated streams by
 * lz.test.ts): characters outside the alphabet count as 0 bits, ' ' as '+', reading past the end gives 0 bits, a
 * stream that runs out before its end code gives "", a code beyond the dictionary gives null, '' gives null. Two
 * shapes no compressor writes are handed to lz-string itself, which then does whatever it does: a first code of 3
 * (lz-string then emits the text "undefined" or throws) and codes wider than 24 bits (a dictionary of 16 million
 * entries; the accumulator is 32 bits).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'

/** char code (0..127) → its 6 bits reversed, so the accumulator can hand out codes least significant bit first. */
const BITS = new Uint8Array(128)
for (let i = 0; i < ALPHABET.length; i++) {
  let r = 0
  for (let b = 0; b < 6; b++) if (i & (1 << b)) r |= 1 << (5 - b)
  BITS[ALPHABET.charCodeAt(i)] = r
}
// decompressFromEncodedURIComponent replaces ' ' with '+' first.
BITS[32] = BITS['+'.charCodeAt(0)]

const MAX_FAST_BITS = 24

/** The output as a string; one-byte (latin1) when every code unit is below 256, which JSON.parse reads faster. */
function toText(out: Uint16Array, n: number, wide: boolean): string {
  if (n === 0) return ''
  if (wide) return Buffer.from(out.buffer, out.byteOffset, n * 2).toString('utf16le')
  const bytes = new Uint8Array(out.subarray(0, n))
  return Buffer.from(bytes.buffer, 0, n).toString('latin1')
}

/**
 * Drop-in for `LZString.decompressFromEncodedURIComponent(input)`: the same string, "" or null for every input
 * (see the file comment for the two shapes it hands to lz-string). Throws only where lz-string throws.
 */
export function decompressFromEncodedURIComponent(input: string | null | undefined): string | null {
  if (input == null) return ''
  if (input === '') return null
  const out = decode(sixBits(input), input.length)
  return out === FALL_BACK ? LZString.decompressFromEncodedURIComponent(input) : out
}

/** Handed back by decode for the two shapes lz-string itself decodes (see the file comment). */
const FALL_BACK = Symbol('lz-string')

/**
 * Each character's 6 bits in reading order, then 16 zero characters: lz-string reads 0 bits past the end, and a code
 * started before the end check fails can run at most 40 bits (7 characters) beyond it. Own function, like decode:
 * V8 optimises each hot loop with the type feedback of its own function.
 */
function sixBits(input: string): Uint8Array {
  const length = input.length
  const codes = new Uint8Array(length + 16)
  for (let i = 0; i < length; i++) {
    const ch = input.charCodeAt(i)
    codes[i] = ch < 128 ? BITS[ch] : 0
  }
  return codes
}

/** The LZW loop over `codes` (sixBits of an input `length` characters long). */
function decode(codes: Uint8Array, length: number): string | null | typeof FALL_BACK {
  // Bit reader, inlined below (a closure would move these into a heap context and halve the speed): `acc` holds
  // `have` unread bits, the next one lowest; `next` is the next character to load. Characters fully consumed:
  // floor((6 * next - have) / 6), lz-string's data.index - 1.
  let acc = 0
  let have = 0
  let next = 0

  while (have < 2) { acc |= codes[next++] << have; have += 6 }
  const first = acc & 3
  acc >>>= 2
  have -= 2
  if (first === 2) return ''
  if (first === 3) return FALL_BACK
  const firstWidth = first === 0 ? 8 : 16
  while (have < firstWidth) { acc |= codes[next++] << have; have += 6 }
  const c0 = acc & ((1 << firstWidth) - 1)
  acc >>>= firstWidth
  have -= firstWidth

  let out: Uint16Array = new Uint16Array(Math.max(64, length * 6))
  let starts = new Int32Array(Math.max(64, length))
  let lens = new Int32Array(starts.length)
  let wide = c0 > 255
  out[0] = c0
  starts[3] = 0
  lens[3] = 1
  let pos = 1
  let wStart = 0
  let wLen = 1
  let dictSize = 4
  let enlargeIn = 4
  let numBits = 3

  for (;;) {
    // lz-string: `if (data.index > length) return ""`.
    if (6 * next - have >= 6 * length) return ''
    if (numBits > MAX_FAST_BITS) return FALL_BACK
    while (have < numBits) { acc |= codes[next++] << have; have += 6 }
    let c = acc & ((1 << numBits) - 1)
    acc >>>= numBits
    have -= numBits
    if (c === 2) return toText(out, pos, wide)
    if (dictSize + 2 > starts.length) {
      const s = new Int32Array(starts.length * 2)
      s.set(starts)
      starts = s
      const l = new Int32Array(lens.length * 2)
      l.set(lens)
      lens = l
    }
    if (c < 2) {
      const width = c === 0 ? 8 : 16
      while (have < width) { acc |= codes[next++] << have; have += 6 }
      const ch = acc & ((1 << width) - 1)
      acc >>>= width
      have -= width
      if (ch > 255) wide = true
      if (pos + 1 > out.length) out = grow(out, pos + 1)
      // The new single-character entry is the character about to be emitted: write it now, at pos.
      out[pos] = ch
      starts[dictSize] = pos
      lens[dictSize] = 1
      c = dictSize++
      enlargeIn--
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits
      numBits++
    }
    let eLen: number
    if (c < dictSize) {
      const eStart = starts[c]
      eLen = lens[c]
      if (pos + eLen > out.length) out = grow(out, pos + eLen)
      // A literal's entry is already in place (eStart === pos).
      if (eStart !== pos) {
        if (eLen < 32) for (let k = 0; k < eLen; k++) out[pos + k] = out[eStart + k]
        else out.copyWithin(pos, eStart, eStart + eLen)
      }
    } else if (c === dictSize) {
      // entry = w + w[0]; w ends where the entry begins, so the copy reads only what is written.
      eLen = wLen + 1
      if (pos + eLen > out.length) out = grow(out, pos + eLen)
      for (let k = 0; k < wLen; k++) out[pos + k] = out[wStart + k]
      out[pos + wLen] = out[wStart]
    } else {
      return null
    }
    // Add w + entry[0]: the output from wStart, one longer than w (entry[0] sits right after w).
    starts[dictSize] = wStart
    lens[dictSize] = wLen + 1
    dictSize++
    enlargeIn--
    wStart = pos
    wLen = eLen
    pos += eLen
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits
      numBits++
    }
  }
}

function grow(out: Uint16Array, need: number): Uint16Array {
  const bigger = new Uint16Array(Math.max(need, out.length * 2))
  bigger.set(out)
  return bigger
}
