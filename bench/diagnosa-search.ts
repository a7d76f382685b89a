/**
 * Offline diagnosa search on 20,000 ICD-10 entries in a real SQLite file (WAL, synchronous FULL).
 * Usage: npx tsx bench/diagnosa-search.ts [queries=3000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../electron/core/db'
import { replaceReferenceLists, searchDiagnosa } from '../electron/core/reference'
import { prng, syntheticIcd10 } from '../tools/pcare-sim/icd10'

const queries = Number(process.argv[2] ?? 3000)
const dir = mkdtempSync(join(tmpdir(), 'diagnosa-bench-'))
try {
  const db = openDatabase(join(dir, 'bench.sqlite'))
  const list = syntheticIcd10(20_000)
  let t = performance.now()
  replaceReferenceLists(db, { diagnosa: list }, Date.now())
  const loadMs = performance.now() - t

  // What a clinician types: a code or its start, one word or its start, two words.
  const rnd = prng(7)
  const pick = <X>(xs: X[]): X => xs[Math.floor(rnd() * xs.length)]
  const words = [...new Set(list.flatMap((d) => d.nmDiag.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 3)))]
  const make = (): string => {
    const d = pick(list)
    switch (Math.floor(rnd() * 5)) {
      case 0: return d.kdDiag
      case 1: return d.kdDiag.slice(0, 2 + Math.floor(rnd() * 2))
      case 2: return pick(words)
      case 3: return pick(words).slice(0, 3)
      default: return `${pick(words)} ${pick(words).slice(0, 4)}`
    }
  }
  for (let i = 0; i < 200; i++) searchDiagnosa(db, make(), 20)
  const times: number[] = []
  let hits = 0
  for (let i = 0; i < queries; i++) {
    const q = make()
    t = performance.now()
    hits += searchDiagnosa(db, q, 20).length
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const p = (x: number): number => times[Math.min(times.length - 1, Math.floor(x * times.length))]
  console.log(
    `diagnosa-search: 20000 entries (load ${loadMs.toFixed(0)} ms), ${queries} queries, avg ${(hits / queries).toFixed(1)} hits: ` +
      `p50 ${p(0.5).toFixed(3)} ms, p99 ${p(0.99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms`,
  )
  db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
