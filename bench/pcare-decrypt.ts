/**
 * Decrypt + decompress + JSON.parse time of a PCare response whose encrypted body is about 100 kB.
 * Usage: npx tsx bench/pcare-decrypt.ts [runs=300]
 */
import { decryptResponse } from '../electron/core/pcare/crypto'
import { encryptPayload } from '../tools/pcare-sim/crypto'
import { syntheticIcd10 } from '../tools/pcare-sim/icd10'

const runs = Number(process.argv[2] ?? 300)
const CONS = '99999'
const SECRET = 'sim-secret-not-real'
const TS = '1723456789'

// Grow a realistic diagnosa list until the base64 ciphertext reaches 100 kB.
const all = syntheticIcd10(20_000)
let n = 500
let cipher: string
for (;;) {
  cipher = encryptPayload({ count: n, list: all.slice(0, n) }, CONS, SECRET, TS)
  if (cipher.length >= 100_000 || n >= all.length) break
  n = Math.ceil(n * Math.max(1.02, 100_000 / cipher.length))
}
const jsonBytes = JSON.stringify({ count: n, list: all.slice(0, n) }).length

for (let i = 0; i < 20; i++) decryptResponse(cipher, CONS, SECRET, TS)
const times: number[] = []
for (let i = 0; i < runs; i++) {
  const t = performance.now()
  const out = decryptResponse(cipher, CONS, SECRET, TS) as { count: number }
  times.push(performance.now() - t)
  if (out.count !== n) throw new Error('decrypt produced the wrong payload')
}
times.sort((a, b) => a - b)
const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]
console.log(
  `pcare-decrypt: body ${(cipher.length / 1000).toFixed(1)} kB base64 (${n} diagnosa, JSON ${(jsonBytes / 1000).toFixed(1)} kB), ` +
    `runs ${runs}: median ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms`,
)
