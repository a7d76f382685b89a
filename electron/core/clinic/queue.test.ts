import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistrationInput } from '../../contract'
import { useClinicDb } from '../../../test/helpers/clinic-db'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { createLogger } from '../log'
import { AntreanClient } from '../pcare'
import { antreanExecutor } from '../sync/pcare-executor'
import { OutboxStore } from '../sync/outbox'
import { registerVisit } from './index'
import { callPatient, markAttendance } from './queue'

const quiet = createLogger({ level: 'error', sink: () => {} })
let sim: Simulator
const db = useClinicDb()
const now = new Date(2026, 10, 23, 9, 30).getTime()

beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
})
afterAll(() => sim.close())

const register = (antrean: boolean) =>
  registerVisit(db(), { kdPPK: '0199B001' }, RegistrationInput.parse({ noKartu: '0009999000001', kdPoli: '001', kunjSakit: true, kdDokter: '131491', antrean }), { userId: 'u' }, now).noRawat
const row = (noRawat: string) => db().prepare('SELECT called_at, call_count, attendance FROM registrations WHERE no_rawat = ?').get(noRawat)
const panggilJobs = () => db().prepare(`SELECT idempotency_key, seq, payload FROM outbox WHERE operation = 'antrean.panggil' ORDER BY id`).all() as { idempotency_key: string; seq: number; payload: string }[]

describe('poli queue', () => {
  it('Panggil records the time and counts calls; hadir/tidak hadir without an Antrean number stays local', () => {
    const noRawat = register(false)
    expect(callPatient(db(), noRawat, now + 1000)).toEqual({ calledAt: now + 1000, callCount: 1 })
    expect(callPatient(db(), noRawat, now + 5000)).toEqual({ calledAt: now + 5000, callCount: 2 })
    expect(markAttendance(db(), noRawat, 'tidak_hadir', now + 6000)).toEqual({ attendance: 'tidak_hadir', queued: false })
    expect(row(noRawat)).toEqual({ called_at: now + 5000, call_count: 2, attendance: 'tidak_hadir' })
    expect(panggilJobs()).toEqual([])
  })

  it('refuses unknown and closed registrations', () => {
    expect(() => callPatient(db(), '20261123-9999', now)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', key: 'queue.notFound' }))
    const noRawat = register(false)
    db().prepare(`UPDATE registrations SET status = 'examined' WHERE no_rawat = ?`).run(noRawat)
    expect(() => callPatient(db(), noRawat, now)).toThrow(expect.objectContaining({ code: 'CONFLICT', key: 'queue.closed' }))
    expect(() => markAttendance(db(), noRawat, 'hadir', now)).toThrow(expect.objectContaining({ key: 'queue.closed' }))
  })

  it('with an Antrean number: queues antrean/panggil after antrean/add on the same chain, once per changed answer, and the simulator records it', async () => {
    const noRawat = register(true)
    callPatient(db(), noRawat, now + 1000)
    expect(markAttendance(db(), noRawat, 'tidak_hadir', now + 2000).queued).toBe(true)
    expect(markAttendance(db(), noRawat, 'tidak_hadir', now + 2500).queued).toBe(false)
    expect(markAttendance(db(), noRawat, 'hadir', now + 3000).queued).toBe(true)
    const jobs = panggilJobs()
    expect(jobs.map((j) => [j.idempotency_key, j.seq])).toEqual([[`antrean.panggil:${noRawat}:1`, 2], [`antrean.panggil:${noRawat}:2`, 3]])
    expect(JSON.parse(jobs[1]!.payload)).toEqual({ tanggalperiksa: '2026-11-23', kodepoli: '001', nomorkartu: '0009999000001', status: 1, waktu: now + 3000 })

    // Send the chain through the real executor, in order, as the worker would.
    db().prepare(`UPDATE registrations SET no_urut = 'A7' WHERE no_rawat = ?`).run(noRawat)
    const exec = antreanExecutor(db(), async () =>
      new AntreanClient({
        credentials: { ...sim.credentials, userKey: sim.credentials.antreanUserKey },
        config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 1500, totalMs: 3000 } },
        logger: quiet,
      }),
    )
    const store = new OutboxStore(db())
    const ids = (db().prepare(`SELECT id FROM outbox WHERE chain_key = ? ORDER BY seq`).all(`antrean:${noRawat}`) as { id: number }[]).map((r) => r.id)
    const sent = []
    for (const id of ids) sent.push(await exec.send(store.get(id)!))
    expect(sent[1]!.request).toMatchObject({ status: 2 })
    const rec = sim.state().antrean.find((a) => a.nomorkartu === '0009999000001')
    expect(rec?.status).toBe('hadir')
  })
})
