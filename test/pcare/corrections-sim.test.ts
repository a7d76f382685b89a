import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { cancelRegistration, deleteKunjungan, editExamination } from '../../electron/core/clinic/corrections'
import { localIsoDate } from '../../electron/core/clinic/dates'
import { recordExamination, registerVisit } from '../../electron/core/clinic/index'
import { openDatabase, type DB } from '../../electron/core/db'
import type { Executor } from '../../electron/core/sync/executor'
import { OutboxStore, type Target } from '../../electron/core/sync/outbox'
import { antreanExecutor, pcareExecutor } from '../../electron/core/sync/pcare-executor'
import type { Simulator } from '../../tools/pcare-sim/server'
import { examinationInput, registrationInput } from '../helpers/clinic'
import { tempDir } from '../helpers/tmp'
import { simWithClients } from './helpers'

/*
 * Each correction call against the simulator, through the executors the sync worker uses: DELETE pendaftaran,
 * antrean/batal, PUT kunjungan/V1 and DELETE kunjungan, each queued by core/clinic/corrections.ts behind what it
 * corrects, and what each does after an ambiguous first send (reconcile, or a repeat that must not fail).
 */

let ctx: Awaited<ReturnType<typeof simWithClients>>
let sim: Simulator
let tmp: ReturnType<typeof tempDir>
let db: DB
let store: OutboxStore
let exec: Record<'pcare' | 'antrean', Executor>
const faskes = { kdPPK: '0199B001' }
const actor = { userId: 'petugas1' }
const NO_KARTU = '0009999000001'

beforeAll(async () => {
  ctx = await simWithClients()
  sim = ctx.sim
})
afterAll(() => sim.close())
beforeEach(() => {
  sim.reset()
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'c.db'))
  store = new OutboxStore(db)
  exec = { pcare: pcareExecutor(db, async () => ctx.pcare), antrean: antreanExecutor(db, async () => ctx.antrean) }
  db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '9999734602235274', 'Siti Aminah', '0199B001', 1, 0)`).run(NO_KARTU)
  // Today's Antrean schedule of poli 001 as cached, so the antrean add has its doctor and hours.
  const today = localIsoDate(Date.now())
  db.prepare(`INSERT INTO doctor_schedule (kd_poli, tanggal, kd_dokter, nm_dokter, jam_praktek, kapasitas) VALUES ('001', ?, '131491', 'dr. Contoh Satu', '08:00-14:00', 30)`).run(today)
  db.prepare(`INSERT INTO doctor_schedule_fetch (kd_poli, tanggal, fetched_at) VALUES ('001', ?, ?)`).run(today, Date.now())
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

/** Runs the target's due jobs one by one, as the worker would, recording each outcome; at most 20 (bounded). */
async function drain(target: 'pcare' | 'antrean'): Promise<string[]> {
  const sent: string[] = []
  for (let i = 0; i < 20; i++) {
    const [job] = store.readyHeads(target as Target, Date.now(), 1)
    if (!job) return sent
    const startedAt = Date.now()
    if (job.needsReconcile) {
      const found = await exec[target].reconcile(job)
      if (found) {
        store.complete(job, found.result, { startedAt, durationMs: 0, outcome: 'reconciled' }, () => exec[target].apply(db, job, found.result))
        sent.push(`${job.operation}:reconciled`)
        continue
      }
    }
    const res = await exec[target].send(job)
    store.complete(job, res.result, { startedAt, durationMs: 0, outcome: 'ok', request: res.request }, () => exec[target].apply(db, job, res.result))
    sent.push(job.operation)
  }
  throw new Error('more than 20 jobs')
}

/** The first send of `operation` landed but its answer was lost: the job is ambiguous and comes back to be sent again. */
function ambiguous(operation: string) {
  db.prepare(`UPDATE outbox SET status = 'failed_transient', needs_reconcile = 1, result = NULL WHERE operation = ?`).run(operation)
}

function registered() {
  const { noRawat } = registerVisit(db, faskes, registrationInput(NO_KARTU, { antrean: true, nmPoli: 'UMUM', kdDokter: '131491' }), actor)
  return noRawat
}

describe('cancelling a sent registration', () => {
  it('DELETE pendaftaran removes it in PCare, antrean/batal cancels the Mobile JKN entry with the reason', async () => {
    const noRawat = registered()
    expect(await drain('pcare')).toEqual(['pendaftaran.add'])
    expect(await drain('antrean')).toEqual(['antrean.add'])
    expect(sim.state().pendaftaran).toHaveLength(1)

    cancelRegistration(db, noRawat, 'pasien batal berobat', actor)
    expect(await drain('pcare')).toEqual(['pendaftaran.delete'])
    expect(await drain('antrean')).toEqual(['antrean.batal'])
    expect(sim.state().pendaftaran).toEqual([])
    expect(sim.state().antrean.map((a) => [a.nomorkartu, a.status])).toEqual([[NO_KARTU, 'batal']])
    const attempt = db.prepare(`SELECT request FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.operation = 'pendaftaran.delete'`).get() as { request: string }
    expect(JSON.parse(attempt.request)).toMatchObject({ noKartu: NO_KARTU, kdPoli: '001', noUrut: 'A1' })
  })

  it('a repeat after an ambiguous send succeeds: PCare answers 304 for a pendaftaran already gone; a batal already done is taken as done', async () => {
    const noRawat = registered()
    await drain('pcare')
    await drain('antrean')
    cancelRegistration(db, noRawat, 'pasien batal berobat', actor)
    await drain('pcare')
    await drain('antrean')
    ambiguous('pendaftaran.delete')
    ambiguous('antrean.batal')
    expect(await drain('pcare')).toEqual(['pendaftaran.delete'])
    expect(await drain('antrean')).toEqual(['antrean.batal'])
    expect(db.prepare(`SELECT status FROM outbox WHERE operation IN ('pendaftaran.delete', 'antrean.batal')`).all()).toEqual([{ status: 'done' }, { status: 'done' }])
  })

  it('a batal refused on its first send (no queue entry) stays a refusal for a person', async () => {
    const noRawat = registered()
    await drain('pcare')
    await drain('antrean')
    // Someone cancelled the entry elsewhere (e.g. the patient in Mobile JKN) before our first batal.
    await ctx.antrean.batal({ tanggalperiksa: localIsoDate(Date.now()), kodepoli: '001', nomorkartu: NO_KARTU, alasan: 'batal di Mobile JKN' })
    cancelRegistration(db, noRawat, 'pasien batal berobat', actor)
    await expect(drain('antrean')).rejects.toMatchObject({ kind: 'permanent', code: 'REJECTED' })
  })
})

describe('correcting a sent examination', () => {
  it('PUT kunjungan/V1 replaces the kunjungan under its noKunjungan; DELETE kunjungan removes it, then the pendaftaran can go', async () => {
    const noRawat = registered()
    const input = examinationInput(noRawat, { kdDokter: '131491', diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }] })
    recordExamination(db, faskes, input, actor)
    expect(await drain('pcare')).toEqual(['pendaftaran.add', 'kunjungan.add'])
    const [kunjungan] = sim.state().kunjungan
    expect(kunjungan.body.terapiObat).toBe('')

    editExamination(db, { ...input, terapiObat: 'Oralit', diagnoses: [{ kdDiag: 'J06.9', nmDiag: 'ISPA' }] }, 'diagnosis salah', actor)
    expect(await drain('pcare')).toEqual(['kunjungan.edit'])
    expect(sim.state().kunjungan).toHaveLength(1)
    expect(sim.state().kunjungan[0]).toMatchObject({ noKunjungan: kunjungan.noKunjungan, body: { noKunjungan: kunjungan.noKunjungan, terapiObat: 'Oralit', kdDiag1: 'J06.9' } })

    deleteKunjungan(db, noRawat, 'salah pasien', actor)
    expect(await drain('pcare')).toEqual(['kunjungan.delete'])
    expect(sim.state().kunjungan).toEqual([])

    cancelRegistration(db, noRawat, 'salah pasien', actor)
    expect(await drain('pcare')).toEqual(['pendaftaran.delete'])
    expect(sim.state().pendaftaran).toEqual([])
  })

  it('an ambiguous DELETE kunjungan is reconciled from the card\'s riwayat instead of being refused as unknown', async () => {
    const noRawat = registered()
    recordExamination(db, faskes, examinationInput(noRawat, { kdDokter: '131491', diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }] }), actor)
    await drain('pcare')
    deleteKunjungan(db, noRawat, 'salah pasien', actor)
    await drain('pcare')
    ambiguous('kunjungan.delete')
    expect(await drain('pcare')).toEqual(['kunjungan.delete:reconciled'])
  })

  it('an edit before the kunjungan was sent sends the corrected kunjungan once, and no PUT', async () => {
    const noRawat = registered()
    const input = examinationInput(noRawat, { kdDokter: '131491', diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }] })
    recordExamination(db, faskes, input, actor)
    editExamination(db, { ...input, terapiObat: 'Oralit' }, 'terapi lupa diisi', actor)
    expect(await drain('pcare')).toEqual(['pendaftaran.add', 'kunjungan.add'])
    expect(sim.state().kunjungan.map((k) => k.body.terapiObat)).toEqual(['Oralit'])
    expect(sim.stats().byRoute).not.toHaveProperty('PUT kunjungan/v1')
  })
})
