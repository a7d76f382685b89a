import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { ExaminationInput, RegistrationInput, type Input } from '../../contract'
import { openDatabase, type DB } from '../db'
import { dispatch, zodFields } from '../ipc/dispatch'
import { AppError } from '../errors'
import { recordExamination, registerVisit } from './index'
import { NO_ALLERGY_GOOD_PROGNOSIS } from '../../../test/helpers/clinic'
import { tempDir } from '../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
let db: DB
const faskes = { kdPPK: '0199B001' }
const now = new Date(2026, 10, 23, 9, 30).getTime()
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'v.db'))
  db.prepare(`INSERT INTO patients (no_kartu, nama, kd_provider, aktif, updated_at) VALUES ('0009999000001', 'Bayi', '0199B001', 1, 0)`).run()
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

const babyVitals = { sistole: 75, diastole: 45, beratBadan: 3.2, tinggiBadan: 50, lingkarPerut: 33, respRate: 45, heartRate: 140, suhu: '36,8' }
const input = (noRawat: string, vitals: Record<string, unknown>): Input<'examination.save'> =>
  ({ noRawat, keluhan: 'kontrol bayi', vitals, kdSadar: '01', diagnoses: [{ kdDiag: 'Z00.0', nmDiag: 'General medical examination' }], kdDokter: '001', kdStatusPulang: '3', ...NO_ALLERGY_GOOD_PROGNOSIS }) as Input<'examination.save'>
const register = (kdPoli: string, nmPoli: string) =>
  registerVisit(db, faskes, RegistrationInput.parse({ noKartu: '0009999000001', kdPoli, nmPoli, kunjSakit: true, keluhan: 'kontrol' }), { userId: 'loket1' }, now).noRawat

it('saves a 3.2 kg baby at KIA: the record keeps 3.2, PCare gets 3.2 kg and suhu with a point', () => {
  const noRawat = register('003', 'KIA')
  recordExamination(db, faskes, ExaminationInput.parse(input(noRawat, babyVitals)), { userId: 'bidan1' }, now)
  const saved = JSON.parse((db.prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat) as { data: string }).data)
  expect(saved.vitals.beratBadan).toBe(3.2)
  const kunjungan = JSON.parse((db.prepare(`SELECT payload FROM outbox WHERE operation = 'kunjungan.add'`).get() as { payload: string }).payload)
  // PCare takes the weight with its decimal (issue 12 g): no longer rounded to 3.
  expect(kunjungan).toMatchObject({ beratBadan: 3.2, suhu: '36.8', heartRate: 140 })
})

it('refuses the same newborn values at poli umum, naming each field, and writes nothing', () => {
  const noRawat = register('001', 'UMUM')
  let err: unknown
  try {
    recordExamination(db, faskes, ExaminationInput.parse(input(noRawat, babyVitals)), { userId: 'dokter1' }, now)
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(AppError)
  const shape = (err as AppError).toShape()
  expect(shape.code).toBe('INVALID_INPUT')
  expect(shape.fields?.map((f) => [f.field, f.key])).toEqual([
    ['vitals.beratBadan', 'v.vital.beratBadan'],
    ['vitals.tinggiBadan', 'v.vital.tinggiBadan'],
  ])
  expect(shape.fields?.[1].message).toBe('Tinggi badan: isi bilangan bulat 60–250 cm.')
  expect(db.prepare('SELECT count(*) AS n FROM examinations').get()).toEqual({ n: 0 })
  expect(db.prepare(`SELECT status FROM registrations WHERE no_rawat = ?`).get(noRawat)).toEqual({ status: 'registered' })
})

it("the contract refuses the issue's values with messages that name the field, never zod's English", () => {
  const adult = { sistole: 120, diastole: 80, beratBadan: 60.5, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 84, suhu: '36.5' }
  expect(ExaminationInput.safeParse(input('x', adult)).success).toBe(true)
  for (const [vitals, field, text] of [
    [{ ...adult, suhu: '98.6' }, 'vitals.suhu', 'Suhu: isi 34–42 °C, paling banyak satu desimal (mis. 36,5).'],
    [{ ...adult, suhu: '45.5' }, 'vitals.suhu', 'Suhu: isi 34–42 °C, paling banyak satu desimal (mis. 36,5).'],
    [{ ...adult, suhu: '25' }, 'vitals.suhu', 'Suhu: isi 34–42 °C, paling banyak satu desimal (mis. 36,5).'],
    [{ ...adult, sistole: 120, diastole: 130 }, 'vitals.diastole', 'Diastole harus lebih rendah dari sistole.'],
    [{ ...adult, beratBadan: null }, 'vitals.beratBadan', 'Wajib diisi.'],
  ] as const) {
    const r = ExaminationInput.safeParse(input('x', vitals), { reportInput: true })
    expect(r.success).toBe(false)
    const fe = zodFields(r.error!)
    expect(fe).toEqual([expect.objectContaining({ field, message: text })])
    expect(JSON.stringify(fe)).not.toMatch(/Invalid input|Too small|expected/)
  }
})

it('an empty referring doctor reads "Wajib diisi." at rujukan.dokter, not zod\'s "Too small"', async () => {
  const table = { 'examination.save': () => ({}) } as never
  const rujukan = { kdppk: '0199R001', nmppk: 'RSUD', tglEstRujuk: '2026-11-30', alasan: 'perlu spesialis', dokter: '  ', kdSubSpesialis: '3' }
  const r = await dispatch(table, 'examination.save', { ...input('x', babyVitals), kdStatusPulang: '4', rujukan }, { transport: 'test' })
  expect(r.ok).toBe(false)
  expect(!r.ok && r.error.fields).toEqual([{ field: 'rujukan.dokter', key: 'v.required', message: 'Wajib diisi.' }])
})

it('dispatch carries the range parameters so the page shows the message in English too', async () => {
  const table = { 'examination.save': () => ({}) } as never
  const r = await dispatch(table, 'examination.save', input('x', { ...babyVitals, suhu: '98.6' }), { transport: 'test' })
  expect(r.ok).toBe(false)
  const f = !r.ok ? r.error.fields?.[0] : undefined
  expect(f).toEqual({ field: 'vitals.suhu', key: 'v.vital.suhu', params: { min: 34, max: 42 }, message: 'Suhu: isi 34–42 °C, paling banyak satu desimal (mis. 36,5).' })
})

it("records each clinician's diagnosis picks on save", () => {
  const a = register('003', 'KIA')
  recordExamination(db, faskes, ExaminationInput.parse(input(a, babyVitals)), { userId: 'bidan1' }, now)
  expect(db.prepare('SELECT user_id, kd_diag, n, last_at FROM diagnosa_picks').all()).toEqual([{ user_id: 'bidan1', kd_diag: 'Z00.0', n: 1, last_at: now }])
})

it('checks vitals given at the counter against the poli too, and only those given', () => {
  const reg = (kdPoli: string, vitals: Record<string, unknown>) =>
    registerVisit(db, faskes, RegistrationInput.parse({ noKartu: '0009999000001', kdPoli, kunjSakit: true, vitals }), { userId: 'loket1' }, now)
  expect(() => reg('001', { beratBadan: 3.2 })).toThrow(AppError)
  expect(reg('003', { beratBadan: 3.2 }).noRawat).toMatch(/-0001$/)
  const pendaftaran = JSON.parse((db.prepare(`SELECT payload FROM outbox WHERE operation = 'pendaftaran.add'`).get() as { payload: string }).payload)
  expect(pendaftaran).toMatchObject({ beratBadan: 3.2, sistole: 0 })
})

