import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { RegistrationInput } from '../../contract'
import { tempDir } from '../../../test/helpers/tmp'
import * as seed from '../../../tools/pcare-sim/seed'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { openDatabase, type DB } from '../db'
import { createLogger } from '../log'
import { AntreanClient } from '../pcare'
import { OutboxStore } from '../sync/outbox'
import { antreanExecutor } from '../sync/pcare-executor'
import { registerVisit } from './index'

/*
 * Antrean FKTP `antrean/add` as the executor builds it at send time (issue 12 b): the doctor's code, name and hours
 * from Antrean's own schedule (ref/dokter), never a placeholder; norm = the patient's medical record number; nohp
 * from PCare's peserta; keterangan empty, also for a job queued with the complaint by an older version.
 */
const quiet = createLogger({ level: 'error', sink: () => {} })
let sim: Simulator
let tmp: ReturnType<typeof tempDir>
let db: DB
const CARD = '0009999000001'
const at = (h: number, m: number) => new Date(2026, 10, 23, h, m).getTime()
const [pagi, siang] = seed.ANTREAN_DOKTER['001']!

beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
})
afterAll(() => sim.close())
beforeEach(() => {
  sim.reset()
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'a.db'))
  db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, no_hp, updated_at) VALUES (?, '9999734602235274', 'X', '0199B001', 1, ' 081234567890 ', 0)`).run(CARD)
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

const register = (when: number, over: Partial<RegistrationInput> = {}) =>
  registerVisit(db, { kdPPK: '0199B001' }, RegistrationInput.parse({ noKartu: CARD, kdPoli: '001', kunjSakit: true, keluhan: 'nyeri dada', antrean: true, ...over }), { userId: 'u' }, when).noRawat
const exec = () =>
  antreanExecutor(db, async () =>
    new AntreanClient({
      credentials: { ...sim.credentials, userKey: sim.credentials.antreanUserKey },
      config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 1500, totalMs: 3000 } },
      logger: quiet,
    }),
  )
/** Sends the registration's antrean.add once PCare's noUrut is known, as the worker would. */
const send = async (noRawat: string) => {
  db.prepare(`UPDATE registrations SET no_urut = 'A12' WHERE no_rawat = ?`).run(noRawat)
  const { id } = db.prepare(`SELECT id FROM outbox WHERE operation = 'antrean.add' AND entity_id = ?`).get(noRawat) as { id: number }
  return exec().send(new OutboxStore(db).get(id)!)
}

describe('antrean/add', () => {
  it("names the counter's doctor as Antrean's schedule gives them, the medical record number, PCare's phone and no note", async () => {
    const noRawat = register(at(9, 30), { kdDokter: String(siang.kodedokter) })
    // A job queued by an older version carries the complaint as keterangan; it must not reach Mobile JKN.
    const job = db.prepare(`SELECT id, payload FROM outbox WHERE operation = 'antrean.add'`).get() as { id: number; payload: string }
    expect(JSON.parse(job.payload).keterangan).toBe('')
    db.prepare('UPDATE outbox SET payload = ? WHERE id = ?').run(JSON.stringify({ ...JSON.parse(job.payload), keterangan: 'nyeri dada' }), job.id)

    const sent = await send(noRawat)
    const expected = {
      kodedokter: siang.kodedokter, namadokter: siang.namadokter, jampraktek: siang.jampraktek,
      norm: '000001', nohp: '081234567890', keterangan: '', nomorantrean: 'A-12', angkaantrean: 12,
    }
    expect(sent.request).toMatchObject(expected)
    expect(sim.state().antrean.find((a) => a.nomorkartu === CARD)?.body).toMatchObject(expected)
  })

  it('without a chosen doctor takes the one on duty when the visit was registered, and sends no phone PCare did not give', async () => {
    db.prepare('UPDATE patients SET no_hp = NULL').run()
    const sent = await send(register(at(9, 30)))
    expect(sent.request).toMatchObject({ kodedokter: pagi.kodedokter, namadokter: pagi.namadokter, jampraktek: pagi.jampraktek, nohp: '' })
  })

  it('waits (NO_SCHEDULE_DOCTOR, transient) rather than invent a doctor: nobody on duty, or the chosen one not on the schedule', async () => {
    const fetches = () => db.prepare(`SELECT count(*) AS n FROM doctor_schedule_fetch WHERE kd_poli = '001' AND tanggal = '2026-11-23'`).get()
    const noDuty = register(at(12, 30))
    await expect(send(noDuty)).rejects.toMatchObject({ kind: 'transient', code: 'NO_SCHEDULE_DOCTOR' })
    // The executor asked Antrean for that day's schedule before giving up.
    expect(fetches()).toEqual({ n: 1 })
    db.prepare(`UPDATE registrations SET status = 'cancelled'`).run()
    const offSchedule = register(at(9, 30), { kdPoli: '002', kdDokter: '999999' })
    await expect(send(offSchedule)).rejects.toMatchObject({ kind: 'transient', code: 'NO_SCHEDULE_DOCTOR' })
    expect(sim.state().antrean).toEqual([])
  })

  it('gives a registration queued before medical record numbers its number at send', async () => {
    const noRawat = register(at(9, 30))
    db.prepare('DELETE FROM medical_records').run()
    db.prepare(`INSERT INTO medical_records (no_kartu, no_rm, created_at) VALUES ('0009999000002', '000041', 1)`).run()
    expect((await send(noRawat)).request).toMatchObject({ norm: '000042' })
  })
})
