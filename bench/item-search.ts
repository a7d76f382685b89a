/**
 * Offline tindakan and obat search (the clinician's pickers) in a real SQLite file, over lists larger than PCare's
 * (3,000 tindakan across the three TKP, 5,000 DPHO drugs; the real DPHO list is about 1,000–1,500). Queries as typed:
 * a code or its start, one word or its start, two words ("amlo 5"). Prints load time and p50/p99/max per list.
 * Usage: npx tsx bench/item-search.ts [queries=3000 per list]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../electron/core/db'
import { replaceReferenceLists, searchObat, searchTindakan } from '../electron/core/reference'
import type { KdTkp } from '../electron/core/pcare/types'
import { prng } from '../tools/pcare-sim/icd10'

const queries = Number(process.argv[2] ?? 3000)
const rnd = prng(11)
const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)]

const ACTS = ['Pemeriksaan', 'Perawatan', 'Pemasangan', 'Pencabutan', 'Penjahitan', 'Insisi', 'Ekstraksi', 'Injeksi', 'Nebulisasi', 'Penyuluhan', 'Tes', 'Skrining']
const OBJECTS = ['luka', 'gigi sulung', 'gigi tetap', 'infus', 'kateter', 'gula darah', 'hemoglobin', 'abses', 'kuku', 'IUD', 'implan', 'telinga', 'mata', 'kehamilan', 'tekanan darah']
const DRUGS = ['Amoksisilin', 'Parasetamol', 'Amlodipin', 'Metformin', 'Oralit', 'CTM', 'Ibuprofen', 'Kaptopril', 'Glibenklamid', 'Antasida', 'Salbutamol', 'Deksametason', 'Ranitidin', 'Simvastatin', 'Asam mefenamat', 'Zinc', 'Vitamin B kompleks', 'Tablet tambah darah']
const FORMS = ['tab', 'kaps', 'sirup', 'serbuk', 'salep', 'inj']
const DOSES = ['4 mg', '5 mg', '10 mg', '25 mg', '100 mg', '250 mg', '500 mg', '60 ml']

const dir = mkdtempSync(join(tmpdir(), 'item-bench-'))
try {
  const db = openDatabase(join(dir, 'bench.sqlite'))
  const tkp: KdTkp[] = ['10', '20', '50']
  const tindakan = Array.from({ length: 3000 }, (_, i) => ({
    kdTkp: tkp[i % 3],
    kdTindakan: String(10000 + i),
    nmTindakan: `${pick(ACTS)} ${pick(OBJECTS)} ${i}`,
    maxTarif: Math.round(rnd() * 100) * 1000,
  }))
  const obat = Array.from({ length: 5000 }, (_, i) => ({ kdObat: String(120100000 + i), nmObat: `${pick(DRUGS)} ${pick(FORMS)} ${pick(DOSES)} ${i}`, sedia: Math.round(rnd() * 1000) }))
  let t = performance.now()
  replaceReferenceLists(db, { tindakan, obat }, Date.now())
  console.log(`load: ${tindakan.length} tindakan + ${obat.length} obat in ${(performance.now() - t).toFixed(0)} ms`)

  const typed = (code: string, name: string): string => {
    const words = name.toLowerCase().split(' ')
    switch (Math.floor(rnd() * 5)) {
      case 0: return code
      case 1: return code.slice(0, 3 + Math.floor(rnd() * 3))
      case 2: return words[0]
      case 3: return words[0].slice(0, 3)
      default: return `${words[0].slice(0, 4)} ${words[words.length - 2] ?? ''}`.trim()
    }
  }
  const pct = (xs: number[], x: number): number => xs[Math.min(xs.length - 1, Math.floor(x * xs.length))]
  const run = (name: string, gen: () => string, search: (q: string) => unknown[]) => {
    for (let i = 0; i < 200; i++) search(gen())
    const times: number[] = []
    let empty = 0
    for (let i = 0; i < queries; i++) {
      const q = gen()
      t = performance.now()
      const hits = search(q)
      times.push(performance.now() - t)
      if (hits.length === 0) empty++
    }
    times.sort((a, b) => a - b)
    console.log(`${name}: ${queries} queries, p50 ${pct(times, 0.5).toFixed(3)} ms, p99 ${pct(times, 0.99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms, no hit ${empty}`)
  }
  run('tindakan', () => { const x = pick(tindakan); return typed(x.kdTindakan, x.nmTindakan) }, (q) => searchTindakan(db, q, { limit: 8 }))
  run('obat', () => { const x = pick(obat); return typed(x.kdObat, x.nmObat) }, (q) => searchObat(db, q, 8))
  db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
