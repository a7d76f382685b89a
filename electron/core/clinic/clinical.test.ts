import { describe, expect, it } from 'vitest'
import type { ExaminationInput } from '../../contract'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { CLINIC_CARD as CARD, useClinicDb } from '../../../test/helpers/clinic-db'
import * as seed from '../../../tools/pcare-sim/seed'
import { AppError } from '../errors'
import { replaceReferenceLists } from '../reference/store'
import { recordExamination, registerVisit } from './index'

const db = useClinicDb()
const faskes = { kdPPK: '0199B001' }
const actor = { userId: 'dokter1' }
const now = new Date(2026, 10, 23, 9, 30).getTime()

/** The simulator's lists as the reference refresh caches them. */
const cacheLists = () =>
  replaceReferenceLists(db(), {
    alergiMakanan: seed.ALERGI['01'],
    alergiUdara: seed.ALERGI['02'],
    alergiObat: seed.ALERGI['03'],
    prognosa: seed.PROGNOSA,
    poli: seed.POLI,
    tindakan: seed.TINDAKAN['10'].map((t) => ({ ...t, kdTkp: '10' as const })),
  }, now)
const register = (noKartu = CARD) => registerVisit(db(), faskes, registrationInput(noKartu), actor, now).noRawat
const payload = (operation: string) => (db().prepare('SELECT payload FROM outbox WHERE operation = ? ORDER BY id').all(operation) as { payload: string }[]).map((r) => JSON.parse(r.payload))
let cards = 0
/** A card checked with PCare before (a patients row), new to this test, so each visit is its own registration. */
const newCard = () => {
  const noKartu = `00099991${String(++cards).padStart(5, '0')}`
  db().prepare(`INSERT INTO patients (no_kartu, nama, kd_provider, aktif, updated_at) VALUES (?, 'Pasien', '0199B001', 1, 0)`).run(noKartu)
  return noKartu
}
/** The refusal's code, key and field keys for a new visit to poli 001, or null when the save went through. */
const refusal = (over: Partial<ExaminationInput>) => {
  try {
    recordExamination(db(), faskes, examinationInput(register(newCard()), over), actor, now)
    return null
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return { code: err.code, key: err.key, fields: Object.fromEntries((err.fields ?? []).map((f) => [f.field, f.key])) }
  }
}

describe('kunjungan/V1 carries what was examined', () => {
  it('sends the allergies, prognosis, bmhp and internal referral as given (no fixed 00/01/""/null)', () => {
    cacheLists()
    const noRawat = register()
    recordExamination(db(), faskes, examinationInput(noRawat, {
      alergiMakan: '01', alergiUdara: '00', alergiObat: '01', kdPrognosa: '02', bmhp: 'Kasa steril 2 lembar', kdPoliRujukInternal: '002',
    }), actor, now)
    expect(payload('kunjungan.add')[0]).toMatchObject({
      alergiMakan: '01', alergiUdara: '00', alergiObat: '01', kdPrognosa: '02', bmhp: 'Kasa steril 2 lembar', kdPoliRujukInternal: '002',
    })
    // The internal referral is stored with the examination too.
    const saved = JSON.parse((db().prepare('SELECT data FROM examinations WHERE no_rawat = ?').get(noRawat) as { data: string }).data)
    expect(saved).toMatchObject({ kdPoliRujukInternal: '002', kdPrognosa: '02', alergiObat: '01' })
  })

  it('sends no internal referral and empty bmhp when none was given', () => {
    recordExamination(db(), faskes, examinationInput(register()), actor, now)
    expect(payload('kunjungan.add')[0]).toMatchObject({ kdPoliRujukInternal: null, bmhp: '' })
  })

  it('refuses codes that are not on the cached lists, each on its own field, and writes nothing', () => {
    cacheLists()
    expect(refusal({ alergiUdara: '77', kdPrognosa: '99', kdPoliRujukInternal: 'XYZ' })).toEqual({
      code: 'INVALID_INPUT',
      key: 'exam.clinicalInvalid',
      fields: { alergiUdara: 'v.choice', kdPrognosa: 'v.choice', kdPoliRujukInternal: 'v.choice' },
    })
    expect(refusal({ kdPoliRujukInternal: '001' })).toMatchObject({ fields: { kdPoliRujukInternal: 'exam.rujukInternalSame' } })
    expect(db().prepare('SELECT count(*) AS n FROM examinations').get()).toEqual({ n: 0 })
    expect(payload('kunjungan.add')).toEqual([])
  })

  it('checks allergy codes per jenis: an obat code is not a makanan one', () => {
    replaceReferenceLists(db(), { alergiMakanan: [{ kdAlergi: '00', nmAlergi: 'Tidak Ada' }], alergiObat: [{ kdAlergi: '00', nmAlergi: 'Tidak Ada' }, { kdAlergi: '01', nmAlergi: 'Penisilin' }] }, now)
    expect(refusal({ alergiMakan: '01', alergiObat: '01' })).toMatchObject({ fields: { alergiMakan: 'v.choice' } })
  })

  it('accepts any code while the lists were never fetched (offline first day), and the schema still asks for each', () => {
    expect(refusal({ alergiMakan: '42', kdPrognosa: '07', kdPoliRujukInternal: '005' })).toBeNull()
    expect(() => examinationInput('x', { kdPrognosa: '' })).toThrow(/v.required/)
  })
})

describe('tindakan hasil', () => {
  const [withValue, plain] = [seed.TINDAKAN['10'].find((t) => t.withValue)!, seed.TINDAKAN['10'].find((t) => !t.withValue)!]

  it('is required where PCare lists withValue, sent as entered there and 0 elsewhere', () => {
    cacheLists()
    expect(refusal({ tindakan: [{ kdTindakan: plain.kdTindakan, biaya: 0 }, { kdTindakan: withValue.kdTindakan, biaya: 0 }] })).toEqual({
      code: 'INVALID_INPUT',
      key: 'exam.clinicalInvalid',
      fields: { 'tindakan.1.hasil': 'exam.hasilRequired' },
    })
    expect(refusal({ tindakan: [{ kdTindakan: withValue.kdTindakan, biaya: 10000, hasil: 135 }, { kdTindakan: plain.kdTindakan, biaya: 0, hasil: 5 }] })).toBeNull()
    expect(payload('tindakan.add').map((t) => [t.kdTindakan, t.hasil])).toEqual([[withValue.kdTindakan, 135], [plain.kdTindakan, 0]])
  })

  it('sends what was entered for a code the cache does not know (0 when nothing was)', () => {
    expect(refusal({ tindakan: [{ kdTindakan: 'X1', biaya: 0, hasil: 7 }, { kdTindakan: 'X2', biaya: 0 }] })).toBeNull()
    expect(payload('tindakan.add').map((t) => t.hasil)).toEqual([7, 0])
  })
})

describe('medical record numbers', () => {
  const rm = (noKartu: string) => (db().prepare('SELECT no_rm FROM medical_records WHERE no_kartu = ?').get(noKartu) as { no_rm: string } | undefined)?.no_rm
  it('are given at the first registration, in order, and kept for later visits (umum and unverified cards too)', () => {
    registerVisit(db(), faskes, registrationInput(CARD), actor, now)
    registerVisit(db(), faskes, registrationInput('0009999000077', { unverified: true }), actor, now)
    const umum = newCard()
    registerVisit(db(), faskes, registrationInput(umum, { penjamin: 'umum' }), actor, now)
    registerVisit(db(), faskes, registrationInput(CARD, { kdPoli: '002' }), actor, now)
    expect([rm(CARD), rm('0009999000077'), rm(umum)]).toEqual(['000001', '000002', '000003'])
    expect(db().prepare('SELECT count(*) AS n FROM medical_records').get()).toEqual({ n: 3 })
  })
})
