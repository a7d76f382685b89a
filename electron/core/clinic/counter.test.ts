import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RegistrationInput } from '../../contract'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { drain, steppedScheduler } from '../../../test/helpers/drive'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { openDatabase, type DB } from '../db'
import { AppError, msg } from '../errors'
import { createLogger } from '../log'
import { PcareClient } from '../pcare'
import { OutboxStore } from '../sync/outbox'
import { pcareExecutor } from '../sync/pcare-executor'
import { syncStatus } from '../sync/status'
import { TargetWorker } from '../sync/worker'
import { checkPatient, type Remotes } from './eligibility'
import { recordExamination, registerVisit } from './index'

// The counter's rules against real parts: a SQLite file, the PCare simulator (and a closed port for "unreachable").

const quiet = createLogger({ level: 'error', sink: () => {} })
const faskes = { kdPPK: '0199B001' }
const actor = { userId: 'petugas1' }
const ACTIVE = '0009999000003'
const INACTIVE = '0009999000010'
const UNKNOWN = '0009999000099'
const ARREARS = '0009999000008'

let sim: Simulator
let tmp: ReturnType<typeof tempDir>
let db: DB
let online: PcareClient
let offline: PcareClient
const reports: [string, boolean][] = []

const remotesWith = (client: PcareClient): Remotes => ({
  pcare: async () => client,
  ledger: async () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7051')),
  report: (target, reachable) => reports.push([target, reachable]),
})

beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
  const client = (baseUrl: string) =>
    new PcareClient({ credentials: sim.credentials, config: { baseUrl, antreanBaseUrl: baseUrl, timeouts: { headersMs: 1500, totalMs: 2000 } }, logger: quiet })
  online = client(sim.pcareBaseUrl)
  // Port 1 on 127.0.0.1: nothing listens, so every call is refused at once, as with PCare unreachable.
  offline = client('http://127.0.0.1:1/pcare-rest')
})
afterAll(() => sim.close())
beforeEach(() => {
  tmp = tempDir('faskes-counter-')
  db = openDatabase(`${tmp.dir}/c.sqlite`)
  reports.length = 0
  sim.reset()
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

const reg = (over: Partial<RegistrationInput> = {}) => registrationInput(ACTIVE, over)
const jobs = () => db.prepare('SELECT operation, status, last_error_code FROM outbox ORDER BY chain_key, seq').all()
const registration = (noRawat: string) =>
  db.prepare('SELECT penjamin, verification, verification_note FROM registrations WHERE no_rawat = ?').get(noRawat) as {
    penjamin: string
    verification: string
    verification_note: string | null
  }
const codeOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    return err instanceof AppError ? { code: err.code, key: err.key, fields: err.fields?.map((f) => f.field) } : String(err)
  }
  return null
}

describe('checkPatient outcomes', () => {
  it('says found, not found (card and NIK), inactive with PCare’s words, and arrears, all live', async () => {
    const r = remotesWith(online)
    const active = await checkPatient(db, r, ACTIVE, 1000)
    expect(active).toMatchObject({ source: 'live', notFound: false, checkedAt: 1000, patient: { noKartu: ACTIVE, aktif: true, tunggakan: 0 } })
    expect(await checkPatient(db, r, UNKNOWN)).toMatchObject({ source: 'live', notFound: true, patient: null })
    expect(await checkPatient(db, r, '9999000000000001')).toMatchObject({ source: 'live', notFound: true, patient: null })
    expect(await checkPatient(db, r, INACTIVE)).toMatchObject({ notFound: false, patient: { aktif: false, ketAktif: 'TIDAK AKTIF' } })
    expect((await checkPatient(db, r, ARREARS)).patient?.tunggakan).toBe(350000)
    // Every PCare answer counts as reachable; the ledger refused the connection, so it is reported unreachable.
    expect(reports.filter(([t]) => t === 'pcare').every(([, ok]) => ok)).toBe(true)
    expect(reports).toContainEqual(['ledger', false])
    // The ledger's transport error is kept for support, not turned into a card status.
    expect(active.ledger).toMatchObject({ status: null, source: 'none', problem: 'UNREACHABLE' })
    expect(active.ledger.error).toMatch(/UNAVAILABLE/)
  })

  it('a revoked workstation: the card check names the refused certificate and the ledger counts as reachable', async () => {
    const refused = 'error validating proposal: access denied: channel [bpjs-main] creator org [PuskesmasMSP]'
    const r: Remotes = { ...remotesWith(online), ledger: async () => ({ contract: () => ({ evaluateTransaction: () => Promise.reject(new Error(`10 ABORTED: ${refused}`)) }) }) as never }
    const check = await checkPatient(db, r, ACTIVE, 1000)
    expect(check.ledger).toMatchObject({ status: null, problem: 'IDENTITY_REFUSED' })
    expect(reports).toContainEqual(['ledger', true])
    expect(reports).not.toContainEqual(['ledger', false])
  })

  it('offline: a card seen before comes from the cache with its time; a never-seen one says so; PCare reported unreachable', async () => {
    await checkPatient(db, remotesWith(online), ACTIVE, 5000)
    reports.length = 0
    const r = remotesWith(offline)
    expect(await checkPatient(db, r, ACTIVE, 9000)).toMatchObject({ source: 'cache', notFound: false, checkedAt: 5000, patient: { nama: 'Dewi Lestari' } })
    const never = await checkPatient(db, r, '0009999000004', 9000)
    expect(never).toMatchObject({ source: 'none', notFound: false, checkedAt: null, patient: null })
    expect(never.pcareError).toBeTruthy()
    expect(reports).toContainEqual(['pcare', false])
    expect(reports).not.toContainEqual(['pcare', true])
  })

  it('a PCare address with no credentials saved counts as unreachable: the status bar cannot stay "connected"', async () => {
    const unconfigured: Remotes = { ...remotesWith(online), pcare: async () => Promise.reject(new AppError('UNAVAILABLE', msg('remote.pcareNoCredentials'))) }
    expect(await checkPatient(db, unconfigured, '0009999000004', 9000)).toMatchObject({ source: 'none', notFound: false, patient: null })
    expect(reports).toContainEqual(['pcare', false])
  })

  it('PCare’s "not found" wins over an old cache row of the same card', async () => {
    db.prepare(`INSERT INTO patients (no_kartu, nama, aktif, updated_at) VALUES (?, 'Lama', 1, 0)`).run(UNKNOWN)
    expect(await checkPatient(db, remotesWith(online), UNKNOWN)).toMatchObject({ notFound: true, patient: null, source: 'live' })
  })
})

describe('registerVisit at the counter', () => {
  it('a second check of a card registered today names that visit, so a repeat is seen before Daftarkan', async () => {
    expect((await checkPatient(db, remotesWith(online), ACTIVE)).registeredToday).toEqual([])
    const { noRawat } = registerVisit(db, faskes, reg({ nmPoli: 'UMUM' }), actor)
    expect((await checkPatient(db, remotesWith(online), ACTIVE)).registeredToday).toEqual([{ noRawat, kdPoli: reg().kdPoli, nmPoli: 'UMUM' }])
    // Yesterday's visits are not today's.
    expect((await checkPatient(db, remotesWith(online), ACTIVE, Date.now() + 86_400_000)).registeredToday).toEqual([])
  })

  it('refuses an inactive card as BPJS (nothing written), takes it as umum with no PCare or Antrean job', async () => {
    await checkPatient(db, remotesWith(online), INACTIVE)
    expect(codeOf(() => registerVisit(db, faskes, reg({ noKartu: INACTIVE }), actor))).toEqual({ code: 'CONFLICT', key: 'reg.inactive', fields: ['penjamin'] })
    expect(db.prepare('SELECT count(*) AS n FROM registrations').get()).toEqual({ n: 0 })
    const { noRawat } = registerVisit(db, faskes, reg({ noKartu: INACTIVE, penjamin: 'umum', antrean: true }), actor)
    expect(registration(noRawat)).toEqual({ penjamin: 'umum', verification: 'verified', verification_note: null })
    expect(jobs()).toEqual([])
    // A self-paying visit is not BPJS's to pay: a claim amount is refused and nothing is written.
    expect(codeOf(() => recordExamination(db, faskes, { ...examinationInput(noRawat), claimAmount: 150_000 }, actor))).toEqual({
      code: 'INVALID_INPUT',
      key: 'exam.claimNotBpjs',
      fields: ['claimAmount'],
    })
    expect(jobs()).toEqual([])
    // The examination of an umum visit stays local too (PCare never heard of the visit); the ledger still records it.
    recordExamination(db, faskes, examinationInput(noRawat), actor)
    expect((jobs() as { operation: string }[]).map((j) => j.operation)).toEqual(['Visit:Record'])
  })

  it('a never-checked card needs the explicit unverified choice; then peserta.verify runs first in the PCare chain', () => {
    expect(codeOf(() => registerVisit(db, faskes, reg(), actor))).toMatchObject({ code: 'NOT_FOUND', key: 'reg.checkFirst' })
    const { noRawat } = registerVisit(db, faskes, reg({ unverified: true }), actor)
    expect(registration(noRawat)).toMatchObject({ penjamin: 'bpjs', verification: 'unverified' })
    expect(jobs()).toEqual([
      { operation: 'peserta.verify', status: 'pending', last_error_code: null },
      { operation: 'pendaftaran.add', status: 'pending', last_error_code: null },
    ])
  })
})

describe('peserta.verify when PCare is back', () => {
  /** Sends every PCare job there is to the simulator; returns each visit's penjamin and verification afterwards. */
  async function sendAll(noRawats: string[]) {
    // Driven round by round on a stepped clock: only the simulator's HTTP calls take real time.
    const stepped = steppedScheduler()
    const worker = new TargetWorker(db, new OutboxStore(db), pcareExecutor(db, async () => online), { concurrency: 4, scheduler: stepped.scheduler })
    const open = () =>
      (db.prepare(`SELECT count(*) AS n FROM outbox WHERE target = 'pcare' AND status NOT IN ('done', 'cancelled')`).get() as { n: number }).n
    worker.start()
    try {
      await drain(worker, stepped, 'every PCare job done or cancelled', () => open() === 0)
    } finally {
      await worker.stop()
    }
    return noRawats.map(registration)
  }

  it('an active card verifies the visit, fills the cache and its pendaftaran is sent; unknown and inactive ones are rejected and never sent', async () => {
    const ok = registerVisit(db, faskes, reg({ unverified: true }), actor).noRawat
    const unknown = registerVisit(db, faskes, reg({ noKartu: UNKNOWN, unverified: true, antrean: true }), actor).noRawat
    const inactive = registerVisit(db, faskes, reg({ noKartu: INACTIVE, unverified: true }), actor).noRawat
    const sentBefore = sim.state().pendaftaran.length

    expect(await sendAll([ok, unknown, inactive])).toEqual([
      { penjamin: 'bpjs', verification: 'verified', verification_note: null },
      { penjamin: 'bpjs', verification: 'rejected', verification_note: null },
      { penjamin: 'bpjs', verification: 'rejected', verification_note: 'TIDAK AKTIF' },
    ])
    expect(db.prepare('SELECT nama FROM patients WHERE no_kartu = ?').get(ACTIVE)).toEqual({ nama: 'Dewi Lestari' })
    expect(db.prepare('SELECT no_urut FROM registrations WHERE no_rawat = ?').get(ok)).toMatchObject({ no_urut: expect.stringMatching(/^A\d+$/) })
    // Only the verified card reached PCare's pendaftaran list.
    expect(sim.state().pendaftaran.slice(sentBefore).map((p) => p.noKartu)).toEqual([ACTIVE])
    const cancelled = db
      .prepare(`SELECT entity_id, operation, last_error_message FROM outbox WHERE status = 'cancelled' ORDER BY entity_id, operation`)
      .all() as { entity_id: string; operation: string; last_error_message: string }[]
    expect(cancelled.map((c) => [c.entity_id, c.operation])).toEqual([
      [unknown, 'antrean.add'],
      [unknown, 'pendaftaran.add'],
      [inactive, 'pendaftaran.add'],
    ])
    expect(cancelled[0].last_error_message).toBe('card not found in PCare')
    expect(cancelled[2].last_error_message).toBe('inactive: TIDAK AKTIF')
    // The clinician is stopped with the reason until the counter registers the patient anew.
    expect(codeOf(() => recordExamination(db, faskes, examinationInput(inactive), actor))).toMatchObject({ code: 'CONFLICT', key: 'exam.regRejected' })
    expect(codeOf(() => recordExamination(db, faskes, examinationInput(unknown), actor))).toMatchObject({ code: 'CONFLICT', key: 'exam.regRejectedUnknown' })
    // A rejected visit no longer blocks registering the same card again (e.g. as umum) at the same poli.
    expect(() => registerVisit(db, faskes, reg({ noKartu: INACTIVE, penjamin: 'umum' }), actor)).not.toThrow()
  })
})

describe('status bar honesty', () => {
  it('is never "unknown" after the worker starts: the start probe sets it, and an interactive outcome moves it', async () => {
    // onChange reports each change the status bar would re-read; the worker's timers (poll, later probes) never fire.
    let known!: () => void
    const stateKnown = new Promise<void>((resolve) => (known = resolve))
    const worker: TargetWorker = new TargetWorker(db, new OutboxStore(db), pcareExecutor(db, async () => offline), {
      concurrency: 1,
      scheduler: steppedScheduler().scheduler,
      onChange: () => worker.online !== null && known(),
    })
    expect(worker.online).toBeNull()
    worker.start()
    await stateKnown
    expect(worker.online).toBe(false)
    worker.observe(true)
    expect(worker.online).toBe(true)
    await worker.stop()
  })

  it('says failing while the newest send to a target failed and will be retried, until a later success', () => {
    const { noRawat } = registerVisit(db, faskes, reg({ unverified: true }), actor)
    expect(syncStatus(db, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ online: true, failing: false })
    // Waiting for PCare's noUrut (an Antrean job's usual "failure") is no sign of a failing remote.
    db.prepare(`UPDATE outbox SET status = 'failed_transient', last_error_code = 'WAITING_NO_URUT', updated_at = 2000 WHERE operation = 'peserta.verify'`).run()
    expect(syncStatus(db, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ failing: false })
    // Nor is Antrean refusing a queue entry until the patient has done the Mobile JKN screening: the remote answered.
    db.prepare(`UPDATE outbox SET last_error_code = 'SCREENING_REQUIRED' WHERE operation = 'peserta.verify'`).run()
    expect(syncStatus(db, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ failing: false })
    db.prepare(`UPDATE outbox SET last_error_code = 'HTTP5XX' WHERE operation = 'peserta.verify'`).run()
    expect(syncStatus(db, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ failing: true })
    // A record PCare refused is that record's problem (counted as failed); refused credentials are the link's.
    db.prepare(`UPDATE outbox SET status = 'failed_permanent', last_error_code = 'PRECONDITION' WHERE operation = 'peserta.verify'`).run()
    expect(syncStatus(db, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ failing: false, failed: 1 })
    db.prepare(`UPDATE outbox SET last_error_code = 'UNAUTHORIZED' WHERE operation = 'peserta.verify'`).run()
    expect(syncStatus(db, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ failing: true })
    db.prepare(`INSERT INTO outbox (idempotency_key, target, operation, chain_key, seq, entity_type, entity_id, payload, payload_hash, status,
                  next_attempt_at, correlation_id, created_at, updated_at, done_at)
                VALUES ('x', 'pcare', 'op', 'c', 1, 'registration', ?, '{}', 'h', 'done', 0, 'c1', 0, 3000, 3000)`).run(noRawat)
    expect(syncStatus(db, { pcare: true }).targets.find((t) => t.target === 'pcare')).toMatchObject({ failing: false })
  })
})
