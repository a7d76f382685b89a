/**
 * The hub's online backup (electron/core/hub/backup.ts) on a day-sized and a year-sized database: how long one copy of
 * an encrypted faskes.db with `n` visits (registration + examination, with their outbox rows) takes, how big it is,
 * and how long a registration at the counter takes while the copy runs, against the same registrations without one.
 *   npx tsx bench/hub-backup.ts [n=50000] [--copies 3]
 * The registrations run on the hub's connection every 10 ms, as desks' calls would, while the copy reads its snapshot
 * on its own connection in a worker thread. Prints the load average: the machine is shared, and a loaded run says so.
 */
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { loadavg } from 'node:os'
import { ExaminationInput, RegistrationInput } from '../electron/contract'
import { recordExamination, registerVisit } from '../electron/core/clinic'
import { backupOnce } from '../electron/core/hub/backup'
import { ACTIVE_CARDS, workstation } from '../test/sync/harness'

const args = process.argv.slice(2)
const n = Number(args.find((a) => !a.startsWith('--')) ?? 50_000)
const copies = Number(args[args.indexOf('--copies') + 1] ?? 3) || 3
const POLIS = ['001', '002', '003', '008', '020', '021', '013']
const DAY_MS = 86_400_000
const VITALS = { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '37.0' }
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ')
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN
const fmt = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b)
  return `n=${s.length} p50 ${pct(s, 0.5).toFixed(2)} ms, p99 ${pct(s, 0.99).toFixed(2)} ms, max ${(s.at(-1) ?? NaN).toFixed(2)} ms`
}

const key = randomBytes(32)
const ws = workstation('Puskesmas', { dbKey: key })
const file = join(ws.dir, 'faskes.db')
const base = Date.now()
const faskes = { kdPPK: ws.kdPPK }
const perDay = ACTIVE_CARDS.length * POLIS.length
let next = 0
/** The i-th distinct card/poli/day triple, on earlier days past one day's 77 (as test/sync/harness visits() does). */
function slot(i: number) {
  return { noKartu: ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu, kdPoli: POLIS[Math.floor(i / ACTIVE_CARDS.length) % POLIS.length], now: base - Math.floor(i / perDay) * DAY_MS }
}
function register(i: number): string {
  const s = slot(i)
  return registerVisit(ws.db, faskes, RegistrationInput.parse({ noKartu: s.noKartu, kdPoli: s.kdPoli, kunjSakit: true, keluhan: 'demam' }), { userId: 'bench' }, s.now).noRawat
}
function examine(noRawat: string, now: number): void {
  recordExamination(
    ws.db,
    faskes,
    ExaminationInput.parse({
      noRawat, keluhan: 'demam 2 hari', vitals: VITALS, kdSadar: '01', diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }], kdDokter: '131491',
      kdStatusPulang: '3', alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01', kdPoliRujukInternal: null,
      tindakan: [{ kdTindakan: '10001', biaya: 10000 }], obat: [{ kdObat: '120100362', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }], claimAmount: 150000,
    }),
    { userId: 'bench' },
    now,
  )
}

/** Registrations every 10 ms until `until` settles (or `count` of them without it); their durations in ms. */
async function registrations(until: Promise<unknown> | null, count: number): Promise<number[]> {
  let settled = until === null
  void until?.finally(() => (settled = true))
  const ms: number[] = []
  for (let k = 0; k < 100_000 && (until ? !settled : k < count); k++) {
    const t = performance.now()
    register(next++)
    ms.push(performance.now() - t)
    await new Promise((r) => setTimeout(r, 10))
  }
  return ms
}

async function main(): Promise<void> {
  console.log(`hub backup bench: ${n} visits, encrypted (SQLCipher 4), load average ${load()}`)
  const fillStart = performance.now()
  // The fill is not what is measured: batches of 500 visits in one outer transaction, without fsync.
  ws.db.pragma('synchronous = OFF')
  for (let b = 0; b < n; b += 500) {
    ws.db.exec('BEGIN IMMEDIATE')
    for (let i = b; i < Math.min(n, b + 500); i++) examine(register(next++), slot(i).now)
    ws.db.exec('COMMIT')
  }
  ws.db.pragma('synchronous = FULL')
  ws.db.pragma('wal_checkpoint(TRUNCATE)')
  console.log(`filled in ${((performance.now() - fillStart) / 1000).toFixed(1)} s; faskes.db ${(statSync(file).size / 1048576).toFixed(1)} MiB`)

  const quiet = await registrations(null, 200)
  console.log(`registration, no backup running: ${fmt(quiet)} (load ${load()})`)
  for (let c = 0; c < copies; c++) {
    const t = performance.now()
    const copy = backupOnce({ file, key, dir: join(ws.dir, 'backups'), keep: 2 })
    const during = await registrations(copy, 0)
    const { bytes } = await copy
    console.log(
      `copy ${c + 1}: ${((performance.now() - t) / 1000).toFixed(2)} s, ${(bytes / 1048576).toFixed(1)} MiB; registration while it ran: ${fmt(during)} (load ${load()})`,
    )
  }
  ws.cleanup()
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
