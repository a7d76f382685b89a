import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { examinationInput, NORMAL_VITALS, registrationInput } from '../../../test/helpers/clinic'
import { tempDir } from '../../../test/helpers/tmp'
import { drain, steppedScheduler } from '../../../test/helpers/drive'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { recordExamination, registerVisit } from '../clinic'
import { openDatabase, type DB } from '../db'
import { createLogger } from '../log'
import { PcareClient } from '../pcare'
import { replaceReferenceLists } from '../reference'
import { cancel, listOutbox, monitoring } from './admin'
import { OutboxStore } from './outbox'
import { pcareExecutor } from './pcare-executor'
import { syncStatus } from './status'
import { unsentForVisits } from './unsent'
import { TargetWorker } from './worker'

// A visit whose tindakan code PCare does not know, sent by the real PCare executor to the simulator: PCare's refusal
// must reach the visit's unsent list with PCare's words, and the obat behind it must say what it waits for.
const quiet = createLogger({ level: 'error', sink: () => {} })
const CARD = (JSON.parse(readFileSync(join(__dirname, '../../../tools/demo-data/peserta.json'), 'utf8')) as { noKartu: string; aktif: boolean }[]).find((p) => p.aktif)!.noKartu

let tmp: ReturnType<typeof tempDir>
let sim: Simulator
let db: DB
let noRawat: string
let okRawat: string

function examine(tindakan: string) {
  const { noRawat: n } = registerVisit(db, { kdPPK: '0199B001' }, registrationInput(CARD, { kdPoli: tindakan === '99999' ? '001' : '003' }), { userId: 'test' })
  recordExamination(
    db,
    { kdPPK: '0199B001' },
    examinationInput(n, {
      vitals: { ...NORMAL_VITALS, suhu: '37.0' },
      diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Demam tifoid' }],
      kdDokter: '131491',
      // 10001 (blood sugar) is a withValue procedure: its result goes to PCare as hasil.
      tindakan: [{ kdTindakan: tindakan, biaya: 10000, ...(tindakan === '10001' ? { hasil: 142 } : {}) }],
      obat: [{ kdObat: '120100362', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }],
    }),
    { userId: 'dr.sari' },
  )
  return n
}

beforeAll(async () => {
  tmp = tempDir('faskes-unsent-')
  sim = await startSimulator({ port: 0, logger: quiet })
  db = openDatabase(join(tmp.dir, 'unsent.db'))
  db.prepare('INSERT INTO patients (no_kartu, nama, kd_provider, aktif, updated_at) VALUES (?, ?, ?, 1, 0)').run(CARD, 'Demo', '0199B001')
  replaceReferenceLists(db, { obat: [{ kdObat: '120100362', nmObat: 'Parasetamol tab 500 mg', sedia: 1000 }] }, 1)
  noRawat = examine('99999')
  okRawat = examine('10001')
  const client = new PcareClient({
    credentials: sim.credentials,
    config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 2000, totalMs: 4000 } },
    logger: quiet,
  })
  // Driven round by round on a stepped clock (no poll timer, no wall-clock waiting): only the HTTP calls take real time.
  const stepped = steppedScheduler()
  const worker = new TargetWorker(db, new OutboxStore(db), pcareExecutor(db, async () => client), { concurrency: 2, scheduler: stepped.scheduler, log: quiet })
  const count = (chain: string, where: string) => (db.prepare(`SELECT count(*) AS n FROM outbox WHERE chain_key = ? AND ${where}`).get(chain) as { n: number }).n
  // Settled: the refused visit has its one permanent failure and nothing in flight or retrying; the other is all done.
  const settled = () =>
    count(`pcare:${noRawat}`, `status = 'failed_permanent'`) === 1 &&
    count(`pcare:${noRawat}`, `status IN ('in_flight', 'failed_transient')`) === 0 &&
    count(`pcare:${okRawat}`, `status <> 'done'`) === 0
  worker.start()
  try {
    await drain(worker, stepped, 'the refused visit failed for good and the other delivered', settled)
  } finally {
    await worker.stop()
  }
})
afterAll(async () => {
  db.close()
  await sim.close()
  tmp.cleanup()
})

describe('what is still unsent for a visit, and why', () => {
  it('carries PCare\'s own words for the refused tindakan, and the obat says it waits behind it', () => {
    const [visit, clean] = unsentForVisits(db, [noRawat, okRawat])
    const pcare = visit.jobs.filter((j) => j.target === 'pcare')
    expect(pcare.map((j) => [j.operation, j.status])).toEqual([
      ['tindakan.add', 'failed_permanent'],
      ['obat.add', 'pending'],
    ])
    const [tindakan, obat] = pcare
    expect(tindakan).toMatchObject({ item: '99999', itemName: null, lastErrorMessage: 'Kode tindakan 99999 tidak ditemukan', blockedBy: null })
    expect(obat).toMatchObject({
      item: '120100362',
      itemName: 'Parasetamol tab 500 mg',
      blockedBy: { id: tindakan.id, operation: 'tindakan.add', status: 'failed_permanent', item: '99999', lastErrorMessage: 'Kode tindakan 99999 tidak ditemukan' },
    })
    expect(sim.state().tindakan.find((x) => x.body.kdTindakan === '10001')?.body.hasil).toBe(142)
    // The other visit's PCare chain went through; only its ledger jobs (no ledger worker here) remain.
    expect(clean.jobs.filter((j) => j.target === 'pcare')).toEqual([])
    expect(clean.jobs.map((j) => j.target)).toContain('ledger')
  })

  it('the status bar counts the obat as blocked, not as being sent, and the admin list names what it waits for', () => {
    const pcare = syncStatus(db).targets.find((t) => t.target === 'pcare')!
    expect(pcare).toMatchObject({ pending: 0, blocked: 1, inFlight: 0, failed: 1 })
    // The admin's KPI agrees: PCare's obat is not pending work (only the ledger jobs no worker ran here are).
    const ledgerLeft = db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'ledger' AND status = 'pending'`).get() as { n: number }
    expect(monitoring(db, 1).kpi).toMatchObject({ pending: ledgerLeft.n, failed: 1 })
    const rows = listOutbox(db, { target: 'pcare', status: ['failed_permanent', 'pending'] })
    const obat = rows.find((r) => r.operation === 'obat.add')!
    const tindakan = rows.find((r) => r.operation === 'tindakan.add')!
    expect(tindakan).toMatchObject({ lastErrorMessage: 'Kode tindakan 99999 tidak ditemukan', blockedBy: null })
    expect(obat.blockedBy).toMatchObject({ id: tindakan.id, operation: 'tindakan.add', lastErrorMessage: 'Kode tindakan 99999 tidak ditemukan' })
  })

  it('once an admin cancels the refused tindakan, the obat is ordinary pending work again', () => {
    const visit = unsentForVisits(db, [noRawat])[0]
    const tindakan = visit.jobs.find((j) => j.operation === 'tindakan.add')!
    cancel(db, [tindakan.id], 'admin', 'Kode salah, diinput ulang di PCare')
    expect(syncStatus(db).targets.find((t) => t.target === 'pcare')).toMatchObject({ pending: 1, blocked: 0, failed: 0 })
    const after = unsentForVisits(db, [noRawat])[0].jobs.filter((j) => j.target === 'pcare')
    expect(after).toHaveLength(1)
    expect(after[0]).toMatchObject({ operation: 'obat.add', blockedBy: null })
  })

  it('answers an empty list for unknown visits and reads at most 200', () => {
    expect(unsentForVisits(db, ['20990101-0001'])).toEqual([{ noRawat: '20990101-0001', jobs: [] }])
    expect(unsentForVisits(db, [])).toEqual([])
    expect(unsentForVisits(db, Array.from({ length: 250 }, (_, i) => `x-${i}`))).toHaveLength(200)
  })
})
