import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { RegistrationInput } from '../../contract'
import { kunjunganInput } from '../../../test/pcare/helpers'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { registerVisit } from '../clinic'
import { openDatabase, type DB } from '../db'
import { createLogger } from '../log'
import { AntreanClient, PcareClient } from '../pcare'
import { SendError, type Executor } from './executor'
import { enqueue, OutboxStore, type OutboxJob } from './outbox'
import { antreanExecutor, pcareExecutor } from './pcare-executor'

// The PCare executor against the simulator serving each create-answer, obat-list and date shape seen in the field
// (issue 12 d, e, i): every id is read whatever the shape, and an answer without one is reconciled, never stored as "".

const quiet = createLogger({ level: 'error', sink: () => {} })
const CARD = '0009999000001'
const NOW = new Date(2026, 10, 23, 9, 30).getTime()
const TGL = '23-11-2026'

let sim: Simulator
let tmp: ReturnType<typeof tempDir>
let db: DB
let exec: Executor
let store: OutboxStore

beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
})
afterAll(() => sim.close())
beforeEach(() => {
  sim.reset()
  sim.setOptions({ createdShape: 'documented', obatListShape: 'nested', tglKunjunganFormat: 'dd-MM-yyyy', skriningBelum: [], antreanDuplicate: 'terdaftar' })
  tmp = tempDir('faskes-pcare-exec-')
  db = openDatabase(join(tmp.dir, 'x.db'))
  db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '9999734602235274', 'X', '0199B001', 1, 0)`).run(CARD)
  const client = new PcareClient({
    credentials: sim.credentials,
    config: { baseUrl: sim.pcareBaseUrl, timeouts: { headersMs: 1500, totalMs: 3000 } },
    logger: quiet,
  })
  exec = pcareExecutor(db, async () => client)
  store = new OutboxStore(db)
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

function register(): { noRawat: string; pendaftaran: OutboxJob } {
  const input = RegistrationInput.parse({ noKartu: CARD, kdPoli: '001', kunjSakit: true, kdDokter: '131491', keluhan: 'demam' })
  const { noRawat } = registerVisit(db, { kdPPK: '0199B001' }, input, { userId: 'u' }, NOW)
  const { id } = db.prepare(`SELECT id FROM outbox WHERE operation = 'pendaftaran.add' AND entity_id = ?`).get(noRawat) as { id: number }
  // What recordExamination leaves for the kunjungan's id to land in (its own rules are tested in clinic/).
  db.prepare(`INSERT INTO examinations (no_rawat, data, ledger_visit_id, created_at, updated_at) VALUES (?, '{}', ?, ?, ?)`).run(noRawat, `V-${noRawat}`, NOW, NOW)
  return { noRawat, pendaftaran: store.get(id)! }
}

let jobs = 0
const job = (noRawat: string, operation: 'kunjungan.add' | 'tindakan.add' | 'obat.add', payload: unknown): OutboxJob => {
  const idempotencyKey = `${operation}:${noRawat}:${++jobs}`
  return store.get(enqueue(db, { operation, chainKey: `pcare:${noRawat}`, entityType: 'examination', entityId: noRawat, payload, idempotencyKey } as never, NOW))!
}

const kunjungan = () => ({ ...kunjunganInput(CARD, '001'), tglDaftar: TGL, tglPulang: TGL })
const tindakan = { kdTindakanSK: 0, kdTindakan: '10001', biaya: 10000, keterangan: null, hasil: 0 }
const obat = { kdObatSK: 0, racikan: false, kdRacikan: null, obatDPHO: true, kdObat: '120100362', signa1: 3, signa2: 1, jmlObat: 10, jmlPermintaan: 10, nmObatNonDPHO: '' }

/** Sends a job as the worker would, applying its result; returns the result. */
async function sendOk(j: OutboxJob): Promise<Record<string, unknown>> {
  const r = await exec.send(j)
  exec.apply(db, j, r.result)
  return r.result as Record<string, unknown>
}

async function sendFails(j: OutboxJob): Promise<SendError> {
  const err = await exec.send(j).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SendError)
  return err as SendError
}

const stored = (noRawat: string) =>
  db.prepare('SELECT r.no_urut, e.no_kunjungan FROM registrations r JOIN examinations e USING (no_rawat) WHERE no_rawat = ?').get(noRawat)

describe.each(['documented', 'array', 'object'] as const)('create answers shaped %s', (createdShape) => {
  it('every create stores the id PCare gave', async () => {
    sim.setOptions({ createdShape })
    const { noRawat, pendaftaran } = register()
    expect(await sendOk(pendaftaran)).toEqual({ noUrut: sim.state().pendaftaran[0].noUrut })
    expect(await sendOk(job(noRawat, 'kunjungan.add', kunjungan()))).toEqual({ noKunjungan: sim.state().kunjungan[0].noKunjungan })
    expect(stored(noRawat)).toEqual({ no_urut: sim.state().pendaftaran[0].noUrut, no_kunjungan: sim.state().kunjungan[0].noKunjungan })
    expect(await sendOk(job(noRawat, 'tindakan.add', tindakan))).toEqual({ kdTindakanSK: String(sim.state().tindakan[0].kdTindakanSK) })
    expect(await sendOk(job(noRawat, 'obat.add', obat))).toEqual({ kdObatSK: String(sim.state().obat[0].kdObatSK), kdRacikan: null })
  })
})

describe('a create answer without an id', () => {
  it('is ambiguous for every create, stores nothing, and reconcile finds what landed', async () => {
    sim.setOptions({ createdShape: 'none' })
    const { noRawat, pendaftaran } = register()
    const steps: Array<[OutboxJob | (() => OutboxJob), () => Record<string, unknown>]> = [
      [pendaftaran, () => ({ noUrut: sim.state().pendaftaran[0].noUrut })],
      [() => job(noRawat, 'kunjungan.add', kunjungan()), () => ({ noKunjungan: sim.state().kunjungan[0].noKunjungan })],
      [() => job(noRawat, 'tindakan.add', tindakan), () => ({ kdTindakanSK: String(sim.state().tindakan[0].kdTindakanSK) })],
      [() => job(noRawat, 'obat.add', obat), () => ({ kdObatSK: String(sim.state().obat[0].kdObatSK), kdRacikan: null })],
    ]
    for (const [make, landed] of steps) {
      const j = typeof make === 'function' ? make() : make
      const e = await sendFails(j)
      expect(e).toMatchObject({ kind: 'transient', code: 'BAD_BODY', extra: { ambiguous: true } })
      expect(e.message).toMatch(/without/)
      const found = await exec.reconcile(j)
      expect(found?.result).toEqual(landed())
      exec.apply(db, j, found!.result)
    }
    expect(stored(noRawat)).toEqual({ no_urut: sim.state().pendaftaran[0].noUrut, no_kunjungan: sim.state().kunjungan[0].noKunjungan })
  })
})

describe('reconcile reads each list shape', () => {
  async function visit(): Promise<string> {
    const { noRawat, pendaftaran } = register()
    await sendOk(pendaftaran)
    await sendOk(job(noRawat, 'kunjungan.add', kunjungan()))
    return noRawat
  }

  it.each(['nested', 'flat'] as const)('obat/kunjungan items with the drug %s', async (obatListShape) => {
    sim.setOptions({ obatListShape })
    const noRawat = await visit()
    const j = job(noRawat, 'obat.add', obat)
    expect(await exec.reconcile(j)).toBeNull()
    await sendOk(j)
    expect((await exec.reconcile(j))?.result).toEqual({ kdObatSK: String(sim.state().obat[0].kdObatSK), kdRacikan: null })
    // Another drug of the same visit is not taken for this one.
    expect(await exec.reconcile(job(noRawat, 'obat.add', { ...obat, kdObat: '120100165' }))).toBeNull()
  })

  it.each(['dd-MM-yyyy', 'yyyy-MM-dd'] as const)('riwayat tglKunjungan written %s matches the same day only', async (tglKunjunganFormat) => {
    sim.setOptions({ tglKunjunganFormat })
    const noRawat = await visit()
    const noKunjungan = sim.state().kunjungan[0].noKunjungan
    expect((await exec.reconcile(job(noRawat, 'kunjungan.add', kunjungan())))?.result).toEqual({ noKunjungan })
    expect(await exec.reconcile(job(noRawat, 'kunjungan.add', { ...kunjungan(), tglDaftar: '24-11-2026' }))).toBeNull()
    expect(await exec.reconcile(job(noRawat, 'kunjungan.add', { ...kunjungan(), kdPoli: '002' }))).toBeNull()
  })
})

describe('a list item without its id', () => {
  it('is no reconcile match, so "" or "undefined" is never stored as PCare\'s id', async () => {
    const { noRawat, pendaftaran } = register()
    const items = (id: unknown) => ({
      count: 1,
      list: [{ noUrut: id, noKunjungan: id, tglKunjungan: TGL, peserta: { noKartu: CARD }, poli: { kdPoli: '001' } }],
    })
    for (const id of ['', '  ', null, undefined]) {
      const fake = { listPendaftaran: async () => items(id), getRiwayatKunjungan: async () => items(id) } as unknown as PcareClient
      const e = pcareExecutor(db, async () => fake)
      expect(await e.reconcile(pendaftaran)).toBeNull()
      expect(await e.reconcile(job(noRawat, 'kunjungan.add', kunjungan()))).toBeNull()
    }
    const fake = { listPendaftaran: async () => items('A3') } as unknown as PcareClient
    expect((await pcareExecutor(db, async () => fake).reconcile(pendaftaran))?.result).toEqual({ noUrut: 'A3' })
  })
})

describe('Antrean FKTP refusals through the antrean executor', () => {
  function antreanJob(): { noRawat: string; add: OutboxJob; exec: Executor } {
    const input = RegistrationInput.parse({ noKartu: CARD, kdPoli: '001', kunjSakit: true, kdDokter: '131491', keluhan: 'demam', antrean: true })
    const { noRawat } = registerVisit(db, { kdPPK: '0199B001' }, input, { userId: 'u' }, NOW)
    db.prepare(`UPDATE registrations SET no_urut = 'A1' WHERE no_rawat = ?`).run(noRawat)
    const { id } = db.prepare(`SELECT id FROM outbox WHERE operation = 'antrean.add' AND entity_id = ?`).get(noRawat) as { id: number }
    const client = new AntreanClient({
      credentials: { ...sim.credentials, userKey: sim.credentials.antreanUserKey },
      config: { baseUrl: sim.pcareBaseUrl, timeouts: { headersMs: 1500, totalMs: 3000 } },
      logger: quiet,
    })
    return { noRawat, add: store.get(id)!, exec: antreanExecutor(db, async () => client) }
  }

  it('no Mobile JKN screening yet: SCREENING_REQUIRED, retried on the schedule (transient, nothing landed), then sent', async () => {
    sim.setOptions({ skriningBelum: [CARD] })
    const { add, exec: antrean } = antreanJob()
    const e = await antrean.send(add).then(() => null, (err: unknown) => err)
    expect(e).toBeInstanceOf(SendError)
    expect(e).toMatchObject({ kind: 'transient', code: 'SCREENING_REQUIRED', extra: { ambiguous: false } })
    expect(sim.state().antrean).toHaveLength(0)
    sim.setOptions({ skriningBelum: [] })
    expect((await antrean.send(add)).result).toMatchObject({ alreadyQueued: false })
    expect(sim.state().antrean).toHaveLength(1)
  })

  it('a repeat answered 208 "Terdapat duplikasi Kode Booking" is the patient already queued', async () => {
    sim.setOptions({ antreanDuplicate: 'duplikasi' })
    const { add, exec: antrean } = antreanJob()
    await antrean.send(add)
    expect((await antrean.send(add)).result).toMatchObject({ alreadyQueued: true })
    expect(sim.state().duplicatesRejected.antrean).toBe(1)
  })
})
