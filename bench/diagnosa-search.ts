/**
 * Offline diagnosa search on 20,000 ICD-10 entries in a real SQLite file (WAL, synchronous FULL), as a signed-in
 * clinician with 200 earlier picks, in three sets: codes and English words; Indonesian alias terms and abbreviations
 * (whole and typed halfway); lay terms. Prints p50/p99 per set and overall: wall clock, and the process's CPU time per
 * query (user + system), which other work on a shared machine does not inflate.
 * Usage: npx tsx bench/diagnosa-search.ts [queries=3000 per set]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../electron/core/db'
import { DIAGNOSA_ALIASES, recordDiagnosaPicks, replaceReferenceLists, searchDiagnosa } from '../electron/core/reference'
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
  // A clinician with a long history: 200 distinct codes picked over the last 100 days.
  const user = 'dokter-bench'
  for (let i = 0; i < 200; i++) recordDiagnosaPicks(db, user, [pick(list).kdDiag], Date.now() - Math.floor(rnd() * 100) * 86_400_000)

  // Alias terms as typed: clinical terms and abbreviations, whole or cut after 2+ letters (type-ahead).
  const terms = DIAGNOSA_ALIASES.flatMap((a) => a.terms)
  const alias = (): string => {
    const t = pick(terms)
    return rnd() < 0.5 ? t : t.slice(0, 2 + Math.floor(rnd() * Math.max(1, t.length - 2)))
  }
  // Lay Indonesian, as patients say it and staff write it down.
  const lay = ['darah tinggi', 'kencing manis', 'maag', 'mencret', 'gatal', 'pilek', 'batuk pilek', 'sakit kepala', 'pusing', 'sakit gigi', 'gigi berlubang', 'asam urat', 'kolesterol', 'demam berdarah', 'tipes', 'cacar air', 'kudis', 'panu', 'bisul', 'wasir', 'sakit perut', 'mual', 'keputihan', 'nyeri haid', 'pegal linu', 'sesak napas', 'radang tenggorokan', 'amandel', 'mata merah', 'kurang darah']
  const sets: [string, () => string][] = [
    ['code+english', make],
    ['alias', alias],
    ['lay', () => pick(lay)],
  ]
  const all: number[] = []
  const allCpu: number[] = []
  const pct = (xs: number[], x: number): number => xs[Math.min(xs.length - 1, Math.floor(x * xs.length))]
  for (const [name, gen] of sets) {
    for (let i = 0; i < 200; i++) searchDiagnosa(db, gen(), 20, { userId: user })
    const times: number[] = []
    const cpu: number[] = []
    let hits = 0
    let empty = 0
    for (let i = 0; i < queries; i++) {
      const q = gen()
      const c = process.cpuUsage()
      t = performance.now()
      const n = searchDiagnosa(db, q, 20, { userId: user }).length
      times.push(performance.now() - t)
      const used = process.cpuUsage(c)
      cpu.push((used.user + used.system) / 1000)
      hits += n
      if (n === 0) empty++
    }
    times.sort((a, b) => a - b)
    cpu.sort((a, b) => a - b)
    all.push(...times)
    allCpu.push(...cpu)
    console.log(
      `diagnosa-search ${name}: ${queries} queries, avg ${(hits / queries).toFixed(1)} hits, ${empty} empty: ` +
        `p50 ${pct(times, 0.5).toFixed(3)} ms, p99 ${pct(times, 0.99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms; ` +
        `cpu p50 ${pct(cpu, 0.5).toFixed(3)} ms, p99 ${pct(cpu, 0.99).toFixed(3)} ms`,
    )
  }
  all.sort((a, b) => a - b)
  allCpu.sort((a, b) => a - b)
  console.log(
    `diagnosa-search all: 20000 entries (load ${loadMs.toFixed(0)} ms), ${all.length} queries: ` +
      `p50 ${pct(all, 0.5).toFixed(3)} ms, p99 ${pct(all, 0.99).toFixed(3)} ms, max ${all[all.length - 1].toFixed(3)} ms; ` +
      `cpu p50 ${pct(allCpu, 0.5).toFixed(3)} ms, p99 ${pct(allCpu, 0.99).toFixed(3)} ms`,
  )
  db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
