/**
 * Durable record-visit latency: registerVisit + recordExamination, each one SQLite transaction that also writes the
 * outbox rows (4 PCare + 2 ledger intents), on a real WAL file with synchronous=FULL (openDatabase's settings),
 * encrypted as the app opens it (SQLCipher 4 format, a random 32-byte key here instead of the keychain's).
 *   npx tsx bench/sync-record-visit.ts [n=1000] [--plain]
 * --plain measures the same on an unencrypted file, for the cost of encryption (docs/data-at-rest.md).
 * Inputs are validated (zod) before the clock starts: the number is the durable write, as the IPC handler runs it.
 * Prints p50/p99/max per step and for the whole visit.
 */
import { randomBytes } from 'node:crypto'
import { ExaminationInput, RegistrationInput } from '../electron/contract'
import { recordExamination, registerVisit } from '../electron/core/clinic'
import { ACTIVE_CARDS, workstation } from '../test/sync/harness'

const args = process.argv.slice(2)
const plain = args.includes('--plain')
const n = Number(args.find((a) => a !== '--plain') ?? 1000)
const POLIS = ['001', '002', '003', '008', '020', '021', '013']
const DAY_MS = 86_400_000
const VITALS = { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '37.0' }

function pct(sorted: number[], p: number): string {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2)
}

function main(): void {
  const ws = workstation('Puskesmas', { dbKey: plain ? undefined : randomBytes(32) })
  try {
    const mode = ws.db.pragma('journal_mode', { simple: true })
    const sync = ws.db.pragma('synchronous', { simple: true })
    const reg: number[] = []
    const exam: number[] = []
    const both: number[] = []
    const perDay = ACTIVE_CARDS.length * POLIS.length
    const base = Date.now()
    for (let i = 0; i < n; i++) {
      const now = base - Math.floor(i / perDay) * DAY_MS
      const regInput = RegistrationInput.parse({ noKartu: ACTIVE_CARDS[i % ACTIVE_CARDS.length].noKartu, kdPoli: POLIS[Math.floor(i / ACTIVE_CARDS.length) % POLIS.length], kunjSakit: true, keluhan: 'demam' })
      const t0 = performance.now()
      const { noRawat } = registerVisit(ws.db, { kdPPK: ws.kdPPK }, regInput, { userId: 'bench' }, now)
      const t1 = performance.now()
      const examInput = ExaminationInput.parse({
        noRawat, keluhan: 'demam 2 hari', vitals: VITALS, kdSadar: '01', diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }],
        kdDokter: '131491', kdStatusPulang: '3', alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01', tindakan: [{ kdTindakan: '10001', biaya: 10000 }],
        obat: [{ kdObat: '120100362', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }], claimAmount: 150000,
      })
      const t2 = performance.now()
      recordExamination(ws.db, { kdPPK: ws.kdPPK }, examInput, { userId: 'bench' }, now)
      const t3 = performance.now()
      reg.push(t1 - t0)
      exam.push(t3 - t2)
      both.push(t1 - t0 + (t3 - t2))
    }
    const rows = (ws.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n
    const cipher = plain ? 'none (plain file)' : `${String(ws.db.pragma('cipher', { simple: true }))} legacy ${String(ws.db.pragma('legacy', { simple: true }))}`
    console.log(`record-visit on ${ws.dir}/faskes.db (journal_mode=${mode}, synchronous=${sync === 2 ? 'FULL' : sync}, cipher ${cipher}), n=${n}, outbox rows ${rows}`)
    for (const [name, xs] of [['registerVisit (1 tx, 1 outbox row)', reg], ['recordExamination (1 tx, 5 outbox rows)', exam], ['record visit (both)', both]] as const) {
      const s = [...xs].sort((a, b) => a - b)
      console.log(`  ${name.padEnd(40)} p50 ${pct(s, 0.5)} ms  p99 ${pct(s, 0.99)} ms  max ${s[s.length - 1].toFixed(2)} ms`)
    }
  } finally {
    ws.cleanup()
  }
}

main()
