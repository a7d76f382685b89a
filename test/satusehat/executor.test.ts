import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recordExamination, registerVisit } from '../../electron/core/clinic/index'
import { deleteKunjungan, editExamination } from '../../electron/core/clinic/corrections'
import { openDatabase, type DB } from '../../electron/core/db'
import { SatusehatClient } from '../../electron/core/satusehat'
import { SettingsStore } from '../../electron/core/settings'
import { enqueue, OutboxStore } from '../../electron/core/sync/outbox'
import { satusehatExecutor } from '../../electron/core/sync/satusehat-executor'
import { TargetWorker } from '../../electron/core/sync/worker'
import { startSatusehatSimulator, type SatusehatSimulator } from '../../tools/satusehat-sim/server'
import { KFA_PRODUCTS, MPI_PATIENTS, SEED_PRACTITIONERS } from '../../tools/satusehat-sim/seed'
import { setKfaMapping } from '../../electron/core/satusehat/setup'
import { examinationInput, registrationInput } from '../helpers/clinic'
import { tempDir } from '../helpers/tmp'
import { until } from '../helpers/until'
import { quiet } from './helpers'

/*
 * The outbox's SATUSEHAT lane against the simulator over real HTTP: a visit saved in the clinic reaches the platform
 * as one Encounter with its Conditions and vital-sign Observations, exactly once through faults, and a correction
 * updates what is there. Counts come from the simulator's own state.
 */

const CARD = '0009999000001'
const PATIENT = MPI_PATIENTS.find((p) => p.nik === '9999734602235274')!
const DOCTOR = SEED_PRACTITIONERS[0]
const HOUR = 3_600_000

let tmp: ReturnType<typeof tempDir>
let db: DB
let sim: SatusehatSimulator
let client: SatusehatClient
let store: OutboxStore

beforeEach(async () => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 's.db'))
  store = new OutboxStore(db)
  new SettingsStore(db).update({ satusehat: { enabled: true } })
  db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, ?, 'Siti', '0199B001', 1, 0)`).run(CARD, PATIENT.nik)
  db.prepare(`INSERT INTO users (username, password_hash, role, created_at, kd_dokter, nik) VALUES ('dokter1', 'x', 'clinician', 0, '001', ?)`).run(DOCTOR.nik)
  sim = await startSatusehatSimulator({ logger: quiet })
  client = new SatusehatClient({
    credentials: { clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret },
    config: { authBase: sim.authBase, fhirBase: sim.fhirBase, kfaBase: sim.kfaBase, orgId: sim.credentials.orgId, timeouts: { headersMs: 1500, totalMs: 3000 } },
    logger: quiet,
  })
})
afterEach(async () => {
  await sim.close()
  db.close()
  tmp.cleanup()
})

/** A visit registered two hours ago and examined an hour later, queued for SATUSEHAT by the clinic itself. */
function closedVisit(): string {
  const at = Date.now() - 2 * HOUR
  const { noRawat } = registerVisit(db, { kdPPK: '0199B001' }, registrationInput(CARD), { userId: 'loket' }, at)
  recordExamination(db, { kdPPK: '0199B001' }, examinationInput(noRawat, { kdPoliRujukInternal: null, diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }, { kdDiag: 'A01.0', nmDiag: 'Typhoid fever' }] }), { userId: 'dokter1' }, at + HOUR)
  return noRawat
}

const jobs = () => db.prepare(`SELECT id, status, attempts, last_error_code AS code FROM outbox WHERE target = 'satusehat' ORDER BY id`).all() as { id: number; status: string; attempts: number; code: string | null }[]
const created = (type: string) => sim.state().counts.created[type] ?? 0
const ids = () => db.prepare('SELECT resource_type AS t, count(*) AS n, sum(updates) AS u FROM satusehat_ids GROUP BY t ORDER BY t').all() as { t: string; n: number; u: number }[]

async function drain(exec = satusehatExecutor(db, async () => client)): Promise<void> {
  const worker = new TargetWorker(db, store, exec, { concurrency: 1, pollMs: 20, probeMs: 50, backoff: { scale: 0.0001 } })
  worker.start()
  try {
    await until('SATUSEHAT jobs settle', () => jobs().every((j) => j.status === 'done' || j.status === 'failed_permanent'), 15_000)
  } finally {
    await worker.stop()
  }
}

describe('the SATUSEHAT lane', () => {
  it('sends a saved visit as one Encounter with a Condition per diagnosis and an Observation per vital sign, and keeps their ids', async () => {
    const noRawat = closedVisit()
    expect(jobs()).toMatchObject([{ status: 'pending' }])
    await drain()
    expect(jobs()).toMatchObject([{ status: 'done', attempts: 1 }])
    // NORMAL_VITALS: sistole, diastole, heart rate, resp rate, suhu, height, weight (lingkar perut has no coding).
    expect([created('Encounter'), created('Condition'), created('Observation'), created('Location')]).toEqual([1, 2, 7, 1])
    expect(ids()).toEqual([{ t: 'Condition', n: 2, u: 0 }, { t: 'Encounter', n: 1, u: 0 }, { t: 'Observation', n: 7, u: 0 }])
    const enc = sim.resources('Encounter')[0] as { subject: { reference: string }; identifier: { value: string }[]; status: string }
    expect(enc).toMatchObject({ status: 'finished', subject: { reference: `Patient/${PATIENT.id}` }, identifier: [{ value: noRawat }] })
    // The mappings learnt on the way are cached: the next visit asks the MPI and Location search nothing.
    expect(db.prepare('SELECT ihs_patient_id FROM patients WHERE no_kartu = ?').get(CARD)).toEqual({ ihs_patient_id: PATIENT.id })
    expect(db.prepare('SELECT ihs_practitioner_id FROM users WHERE username = ?').get('dokter1')).toEqual({ ihs_practitioner_id: DOCTOR.id })
  })

  it('a correction after the send PUTs the same resources: no second Encounter or Condition', async () => {
    const noRawat = closedVisit()
    await drain()
    const saved = JSON.parse((db.prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat) as { data: string }).data)
    editExamination(db, { ...saved, vitals: { ...saved.vitals, sistole: 135 } }, 'salah ketik tensi', { userId: 'dokter1' })
    expect(jobs().map((j) => j.status)).toEqual(['done', 'pending'])
    await drain()
    expect(jobs().map((j) => j.status)).toEqual(['done', 'done'])
    expect([created('Encounter'), created('Condition'), created('Observation')]).toEqual([1, 2, 7])
    expect(sim.state().counts.updated.Encounter).toBe(1)
    const sistole = sim.resources('Observation').find((o) => (o as { code: { coding: { code: string }[] } }).code.coding[0].code === '8480-6') as { valueQuantity: { value: number } }
    expect(sistole.valueQuantity.value).toBe(135)
  })

  it('a diagnosis removed by a correction: its Condition is PUT entered-in-error (no clinicalStatus), the other updated, none created', async () => {
    const noRawat = closedVisit()
    await drain()
    const saved = JSON.parse((db.prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat) as { data: string }).data)
    editExamination(db, { ...saved, diagnoses: [saved.diagnoses[0]] }, 'diagnosis kedua keliru', { userId: 'dokter1' })
    await drain()
    expect(jobs().map((j) => j.status)).toEqual(['done', 'done'])
    expect([created('Encounter'), created('Condition'), created('Observation')]).toEqual([1, 2, 7])
    type Cond = { identifier: { value: string }[]; verificationStatus?: { coding: { code: string }[] }; clinicalStatus?: unknown }
    const byValue = new Map((sim.resources('Condition') as Cond[]).map((c) => [c.identifier[0].value, c]))
    expect(byValue.get(`${noRawat}-DX2`)).toMatchObject({ verificationStatus: { coding: [{ code: 'entered-in-error' }] } })
    expect(byValue.get(`${noRawat}-DX2`)!.clinicalStatus).toBeUndefined()
    expect(byValue.get(`${noRawat}-DX1`)!.verificationStatus).toBeUndefined()
    // The Encounter names the remaining diagnosis only.
    const enc = sim.resources('Encounter')[0] as { diagnosis: unknown[] }
    expect(enc.diagnosis).toHaveLength(1)
    // Another correction leaves the withdrawn Condition alone (already entered-in-error: no second PUT).
    const updatedBefore = sim.state().counts.updated.Condition
    const again = JSON.parse((db.prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat) as { data: string }).data)
    editExamination(db, { ...again, keluhan: 'demam 3 hari' }, 'keluhan', { userId: 'dokter1' })
    await drain()
    expect(sim.state().counts.updated.Condition).toBe(updatedBefore + 1)
  })

  it('a deleted kunjungan that was sent: its Encounter and every resource of it become entered-in-error, nothing created', async () => {
    const noRawat = closedVisit()
    await drain()
    deleteKunjungan(db, noRawat, 'pasien salah', { userId: 'dokter1' })
    expect(jobs().map((j) => j.status)).toEqual(['done', 'pending'])
    await drain()
    expect(jobs().map((j) => j.status)).toEqual(['done', 'done'])
    expect([created('Encounter'), created('Condition'), created('Observation')]).toEqual([1, 2, 7])
    expect((sim.resources('Encounter') as { status: string }[]).map((e) => e.status)).toEqual(['entered-in-error'])
    expect((sim.resources('Observation') as { status: string }[]).every((o) => o.status === 'entered-in-error')).toBe(true)
    expect((sim.resources('Condition') as { verificationStatus?: { coding: { code: string }[] } }[]).every((c) => c.verificationStatus?.coding[0].code === 'entered-in-error')).toBe(true)
  })

  it('a deleted kunjungan never sent: nothing is sent, and a later job finds nothing to withdraw', async () => {
    const noRawat = closedVisit()
    deleteKunjungan(db, noRawat, 'pasien salah', { userId: 'dokter1' })
    // The first send is still waiting: no second job, and the first one sends nothing.
    expect(jobs().map((j) => j.status)).toEqual(['pending'])
    await drain()
    expect(jobs().map((j) => j.status)).toEqual(['done'])
    expect(created('Encounter')).toBe(0)
  })

  it('KFA: an obat the admin mapped (checked with KFA) goes out as a MedicationRequest with its KFA code; an unmapped one does not', async () => {
    const engine = { satusehatClient: async () => client }
    await expect(setKfaMapping(db, engine, { kdObat: 'PCT500', kfaCode: '92999999' }, 'admin')).rejects.toMatchObject({ code: 'INVALID_INPUT', fields: [{ field: 'kfaCode' }] })
    const rows = await setKfaMapping(db, engine, { kdObat: 'PCT500', kfaCode: KFA_PRODUCTS[0].kfa_code }, 'admin')
    expect(rows.find((r) => r.kdObat === 'PCT500')).toMatchObject({ kfaCode: KFA_PRODUCTS[0].kfa_code, display: KFA_PRODUCTS[0].name })
    const at = Date.now() - 2 * HOUR
    const { noRawat } = registerVisit(db, { kdPPK: '0199B001' }, registrationInput(CARD), { userId: 'loket' }, at)
    const obat = [
      { kdObat: 'PCT500', nmObat: 'Parasetamol 500 mg', signa1: 3, signa2: 1, jmlObat: 10 },
      { kdObat: 'CTM4', nmObat: 'Klorfeniramin 4 mg', signa1: 2, signa2: 1, jmlObat: 6 },
    ]
    recordExamination(db, { kdPPK: '0199B001' }, examinationInput(noRawat, { kdPoliRujukInternal: null, obat }), { userId: 'dokter1' }, at + HOUR)
    await drain()
    expect(jobs()).toMatchObject([{ status: 'done' }])
    expect(created('MedicationRequest')).toBe(1)
    const mr = sim.resources('MedicationRequest')[0] as { contained: { code: { coding: { system: string; code: string }[] } }[]; dispenseRequest: { quantity: { value: number } } }
    expect(mr.contained[0].code.coding[0]).toMatchObject({ system: 'http://sys-ids.kemkes.go.id/kfa', code: KFA_PRODUCTS[0].kfa_code })
    expect(mr.dispenseRequest.quantity.value).toBe(10)
    // Unmapping: the list shows the obat without a code again.
    expect((await setKfaMapping(db, engine, { kdObat: 'PCT500', kfaCode: null }, 'admin')).find((r) => r.kdObat === 'PCT500')).toBeUndefined()
  })

  it('a Bundle the platform applied but whose answer was lost is reconciled, never posted twice', async () => {
    // A first visit maps the poli's Location, so the fault below hits the visit's Bundle and nothing before it.
    closedVisit()
    await drain()
    const second = registerVisit(db, { kdPPK: '0199B001' }, registrationInput(CARD, { kdPoli: '002' }), { userId: 'loket' }, Date.now() - 2 * HOUR)
    db.prepare(`INSERT INTO satusehat_locations (kd_poli, location_id, name, updated_at) SELECT '002', location_id, 'Gigi', 0 FROM satusehat_locations`).run()
    recordExamination(db, { kdPPK: '0199B001' }, examinationInput(second.noRawat, { kdPoliRujukInternal: null }), { userId: 'dokter1' }, Date.now() - HOUR)
    // The Bundle POST is applied, then the answer is a plain-text 504: the send may have landed.
    sim.setFault({ mode: 'plain5xx', status: 504, commit: true, count: 1, pathPrefix: '', method: 'POST' })
    await drain()
    const job = jobs()[1]!
    expect(job).toMatchObject({ status: 'done' })
    // One diagnosis in the second visit: 1 + 1 Encounters, 2 + 1 Conditions, 7 + 7 Observations, each once.
    expect([created('Encounter'), created('Condition'), created('Observation')]).toEqual([2, 3, 14])
    const outcomes = db.prepare('SELECT outcome, error_code AS code FROM outbox_attempts WHERE outbox_id = ? ORDER BY id').all(job.id)
    expect(outcomes).toEqual([{ outcome: 'ambiguous', code: 'SATUSEHAT_HTTP5XX' }, { outcome: 'reconciled', code: null }])
  })

  it('in status-path style a dropped connection mid-visit resumes without a second Encounter', async () => {
    client = new SatusehatClient({
      credentials: { clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret },
      config: { authBase: sim.authBase, fhirBase: sim.fhirBase, kfaBase: sim.kfaBase, orgId: sim.credentials.orgId, encounterStyle: 'status-path', timeouts: { headersMs: 1500, totalMs: 3000 } },
      logger: quiet,
    })
    closedVisit()
    // The first Condition POST is applied and its connection dropped.
    sim.setFault({ mode: 'drop', commit: true, count: 1, pathPrefix: 'Condition', method: 'POST' })
    await drain()
    expect(jobs()).toMatchObject([{ status: 'done' }])
    expect([created('Encounter'), created('Condition'), created('Observation')]).toEqual([1, 2, 7])
    expect((sim.resources('Encounter')[0] as { status: string }).status).toBe('finished')
  })

  it('a NIK the MPI does not know, or a doctor without one, waits for a person with its own reason', async () => {
    db.prepare(`UPDATE patients SET nik = '9999000000000001' WHERE no_kartu = ?`).run(CARD)
    closedVisit()
    await drain()
    expect(jobs()).toMatchObject([{ status: 'failed_permanent', code: 'SATUSEHAT_PATIENT_NOT_IN_MPI' }])
    db.prepare(`UPDATE patients SET nik = ? WHERE no_kartu = ?`).run(PATIENT.nik, CARD)
    db.prepare(`UPDATE users SET nik = NULL`).run()
    db.prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = 0 WHERE target = 'satusehat'`).run()
    await drain()
    expect(jobs()).toMatchObject([{ status: 'failed_permanent', code: 'SATUSEHAT_UNMAPPED' }])
    expect(created('Encounter')).toBe(0)
  })

  it('queues nothing while SATUSEHAT is off', () => {
    new SettingsStore(db).update({ satusehat: { enabled: false } })
    closedVisit()
    expect(jobs()).toEqual([])
    // The operation itself stays known to the outbox (a job queued while it was on is still sent).
    expect(() => enqueue(db, { operation: 'satusehat.visit', chainKey: 'satusehat:x', entityType: 'examination', entityId: 'x', payload: { noRawat: 'x' } })).not.toThrow()
  })
})
