import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { RegistrationInput } from '../../contract'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { ANTREAN_DOKTER } from '../../../tools/pcare-sim/seed'
import { checkUserDokter, setUserDokter, userDokter } from '../auth/doctor'
import { openDatabase, type DB } from '../db'
import { AppError } from '../errors'
import { createLogger } from '../log'
import { AntreanClient } from '../pcare'
import { cachedSchedule, checkDokter, doctorSchedule, onDutyAt, refreshSchedules, storeSchedule, type ScheduleEntry } from './doctors'
import { registerVisit } from './index'

const quiet = createLogger({ level: 'error', sink: () => {} })
let sim: Simulator
let tmp: ReturnType<typeof tempDir>
let db: DB
// 2026-11-23 09:30 local: in the demo schedule dr. Contoh Satu (08:00-12:00) serves UMUM, dr. Contoh Dua from 13:00.
const at = (h: number, m = 0, day = 23) => new Date(2026, 10, day, h, m).getTime()

beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
})
afterAll(() => sim.close())
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'd.db'))
  sim.setOptions({ jadwalDokter: ANTREAN_DOKTER })
  sim.setFault({ mode: 'none' })
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

const antrean = () =>
  Promise.resolve(
    new AntreanClient({
      credentials: { ...sim.credentials, userKey: sim.credentials.antreanUserKey },
      config: { baseUrl: sim.pcareBaseUrl, antreanBaseUrl: sim.antreanBaseUrl, timeouts: { headersMs: 1500, totalMs: 3000 } },
      logger: quiet,
    }),
  )
const entry = (kdDokter: string, jamPraktek: string): ScheduleEntry => ({ kdDokter, nmDokter: kdDokter, jamPraktek, kapasitas: 10 })

describe('onDutyAt', () => {
  it('matches jampraktek inclusively, wraps a night shift past midnight and ignores malformed hours', () => {
    const list = [entry('A', '08:00-12:00'), entry('B', '13:00-16:00'), entry('N', '20:00-07:00'), entry('X', 'pagi')]
    const who = (h: number, m = 0) => onDutyAt(list, h * 60 + m).map((d) => d.kdDokter)
    expect(who(8)).toEqual(['A'])
    expect(who(12)).toEqual(['A'])
    expect(who(12, 30)).toEqual([])
    expect(who(23)).toEqual(['N'])
    expect(who(6, 59)).toEqual(['N'])
  })
})

describe('doctorSchedule', () => {
  it('fetches the poli schedule from Antrean FKTP, picks the one doctor on duty now, none between shifts', async () => {
    const morning = await doctorSchedule(db, antrean, '001', { now: at(9, 30) })
    expect(morning.source).toBe('live')
    expect(morning.dokter.map((d) => d.kdDokter)).toEqual(['131491', '131492'])
    expect(morning.onDuty).toBe('131491')
    // Between shifts nobody is preselected; a fresh cached answer is used without asking PCare again.
    expect(await doctorSchedule(db, antrean, '001', { now: at(12, 30) })).toMatchObject({ source: 'live', onDuty: null })
    const before = sim.stats().requests
    expect(await doctorSchedule(db, antrean, '001', { now: at(12, 34) })).toMatchObject({ source: 'cache', onDuty: null })
    expect(sim.stats().requests).toBe(before)
    // The KIA list has only the midwife: filtered per poli.
    expect((await doctorSchedule(db, antrean, '003', { now: at(9, 30) })).dokter.map((d) => d.nmDokter)).toEqual(['Bidan Contoh Empat, A.Md.Keb'])
  })

  it('two doctors on duty at once preselect nobody', async () => {
    sim.setOptions({ jadwalDokter: { '001': [{ kodedokter: 1, namadokter: 'dr. A', jampraktek: '08:00-14:00', kapasitas: 5 }, { kodedokter: 2, namadokter: 'dr. B', jampraktek: '09:00-12:00', kapasitas: 5 }] } })
    expect((await doctorSchedule(db, antrean, '001', { now: at(10) })).onDuty).toBeNull()
    expect((await doctorSchedule(db, antrean, '001', { now: at(13), force: true })).onDuty).toBe('1')
  })

  it('offline: the last answer with its time and the reason; an earlier day is shown but preselects nobody', async () => {
    const seen: boolean[] = []
    await doctorSchedule(db, antrean, '001', { now: at(9, 0), report: (up) => seen.push(up) })
    sim.setFault({ mode: '503', pathPrefix: 'ref/dokter' })
    // A 503 is an answer (the status bar is not told "offline"); a closed port is not.
    const later = await doctorSchedule(db, antrean, '001', { now: at(10, 0), force: true, report: (up) => seen.push(up) })
    const gone = () =>
      Promise.resolve(new AntreanClient({ credentials: { ...sim.credentials, userKey: 'x' }, config: { baseUrl: 'http://127.0.0.1:9', antreanBaseUrl: 'http://127.0.0.1:9', timeouts: { headersMs: 500, totalMs: 1000 } }, logger: quiet }))
    expect(await doctorSchedule(db, gone, '001', { now: at(10, 1), force: true, report: (up) => seen.push(up) })).toMatchObject({ source: 'cache', onDuty: '131491' })
    expect(seen).toEqual([true, false])
    expect(later).toMatchObject({ source: 'cache', onDuty: '131491', fetchedAt: at(9, 0), tanggal: '2026-11-23' })
    expect(later.error).toBeTruthy()
    const nextDay = await doctorSchedule(db, antrean, '001', { now: at(9, 30, 24) })
    expect(nextDay).toMatchObject({ source: 'cache', tanggal: '2026-11-23', onDuty: null })
    expect(nextDay.dokter).toHaveLength(2)
    // Never fetched and unreachable: nothing, said so.
    expect(await doctorSchedule(db, antrean, '002', { now: at(9) })).toMatchObject({ source: 'none', dokter: [], onDuty: null })
    // Without an Antrean service at all, the cache is all there is.
    expect(await doctorSchedule(db, null, '001', { now: at(10, 0) })).toMatchObject({ source: 'cache', onDuty: '131491' })
  })

  it('an empty answer replaces the old one: nobody serves that poli today', async () => {
    await doctorSchedule(db, antrean, '001', { now: at(9) })
    sim.setOptions({ jadwalDokter: {} })
    const r = await doctorSchedule(db, antrean, '001', { now: at(9, 1), force: true })
    expect(r).toMatchObject({ source: 'live', dokter: [], onDuty: null })
  })

  it('keeps two weeks of schedules', () => {
    const one = [{ kodedokter: 1, namadokter: 'dr. A', jampraktek: '08:00-12:00', kapasitas: 5 }]
    storeSchedule(db, '001', '2026-11-01', one, 1)
    storeSchedule(db, '001', '2026-11-15', one, 2)
    expect(cachedSchedule(db, '001', '2026-11-01', false)).not.toBeNull()
    storeSchedule(db, '001', '2026-11-16', one, 3)
    expect(cachedSchedule(db, '001', '2026-11-01', false)).toBeNull()
    expect(cachedSchedule(db, '001', '2026-11-15', false)?.dokter).toHaveLength(1)
  })

  it('refreshSchedules fetches every poli and reports the ones that failed', async () => {
    sim.setFault({ mode: '503', pathPrefix: 'ref/dokter/kodepoli/002', count: 1 })
    const r = await refreshSchedules(db, antrean, ['001', '002', '003'], at(9))
    expect(r).toEqual({ fetched: ['001', '003'], failed: ['002'] })
    expect(cachedSchedule(db, '003', '2026-11-23')?.dokter).toHaveLength(1)
  })
})

describe('checkDokter', () => {
  it('refuses a doctor off the poli schedule, falls back to the PCare dokter list, and checks nothing when both are empty', async () => {
    expect(() => checkDokter(db, '001', '2026-11-23', 'anything')).not.toThrow()
    db.prepare(`INSERT INTO ref_dokter (kd_dokter, nm_dokter, fetched_at) VALUES ('131494', 'Bidan', 1), ('131491', 'dr. Satu', 1)`).run()
    expect(() => checkDokter(db, '001', '2026-11-23', '999')).toThrow(expect.objectContaining({ key: 'dokter.unknown' }))
    expect(() => checkDokter(db, '001', '2026-11-23', '131494')).not.toThrow()
    await doctorSchedule(db, antrean, '001', { now: at(9) })
    let err: unknown
    try {
      checkDokter(db, '001', '2026-11-23', '131494')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).toShape()).toMatchObject({ code: 'INVALID_INPUT', key: 'dokter.notOnSchedule', fields: [{ field: 'kdDokter', key: 'dokter.notOnScheduleShort' }] })
    expect(() => checkDokter(db, '001', '2026-11-23', '131492')).not.toThrow()
  })

  it('registerVisit applies it to the counter choice', async () => {
    db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES ('0009999000001', '9999734602235274', 'X', '0199B001', 1, 0)`).run()
    await doctorSchedule(db, antrean, '003', { now: at(9) })
    const input = RegistrationInput.parse({ noKartu: '0009999000001', kdPoli: '003', kunjSakit: true, kdDokter: '131491' })
    expect(() => registerVisit(db, { kdPPK: '0199B001' }, input, { userId: 'u' }, at(9, 5))).toThrow(expect.objectContaining({ key: 'dokter.notOnSchedule' }))
    const ok = registerVisit(db, { kdPPK: '0199B001' }, { ...input, kdDokter: '131494' }, { userId: 'u' }, at(9, 5))
    expect(db.prepare('SELECT kd_dokter FROM registrations WHERE no_rawat = ?').get(ok.noRawat)).toEqual({ kd_dokter: '131494' })
  })
})

describe('users.kd_dokter', () => {
  it('links a clinician to a doctor code, refuses it for a counter user and for a code PCare does not list', () => {
    db.prepare(`INSERT INTO users (username, password_hash, role, created_at) VALUES ('dr.satu', 'x', 'clinician', 1), ('loket', 'x', 'counter', 1)`).run()
    expect(setUserDokter(db, 'dr.satu', '131491')).toEqual({ username: 'dr.satu', kdDokter: '131491' })
    expect(userDokter(db, 'dr.satu')).toBe('131491')
    expect(() => setUserDokter(db, 'loket', '131491')).toThrow(expect.objectContaining({ key: 'user.kdDokterRole' }))
    expect(() => setUserDokter(db, 'nobody', '131491')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    db.prepare(`INSERT INTO ref_dokter (kd_dokter, nm_dokter, fetched_at) VALUES ('131491', 'dr. Satu', 1)`).run()
    expect(() => checkUserDokter(db, 'clinician', '555')).toThrow(expect.objectContaining({ key: 'dokter.unknown' }))
    expect(setUserDokter(db, 'dr.satu', null)).toEqual({ username: 'dr.satu', kdDokter: null })
    expect(userDokter(db, 'dr.satu')).toBeNull()
  })
})
