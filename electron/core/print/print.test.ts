import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExaminationInput, RegistrationInput } from '../../contract'
import { recordExamination, registerVisit } from '../clinic'
import { openDatabase, type DB } from '../db'
import { AppError } from '../errors'
import { replaceReferenceLists } from '../reference/store'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { tempDir } from '../../../test/helpers/tmp'
import { ageOn, isoDate, maskNoKartu, referralLetter, registrationSlip } from './index'

let tmp: ReturnType<typeof tempDir>
let db: DB
const faskes = { faskesName: 'Puskesmas Contoh', kdPPK: '0199B001' }
const actor = { userId: 'petugas1' }
const at = (h: number, min: number) => new Date(2026, 10, 23, h, min).getTime()
const CARD_A = '0009999000001'
const CARD_B = '0009999000002'

beforeEach(() => {
  tmp = tempDir('faskes-print-')
  db = openDatabase(join(tmp.dir, 'print.db'))
  const patient = db.prepare(`INSERT INTO patients (no_kartu, nama, sex, tgl_lahir, kd_provider, aktif, updated_at) VALUES (?, ?, ?, ?, '0199B001', 1, 0)`)
  patient.run(CARD_A, 'Siti Aminah', 'P', '06-03-2013')
  patient.run(CARD_B, 'Budi Santoso', 'L', '13-09-1961')
  replaceReferenceLists(
    db,
    {
      poli: [
        { kdPoli: '001', nmPoli: 'UMUM', poliSakit: true },
        { kdPoli: '003', nmPoli: 'KIA', poliSakit: true },
      ],
      dokter: [{ kdDokter: 'D01', nmDokter: 'dr. Rina' }],
      spesialis: [{ kdSpesialis: 'INT', nmSpesialis: 'PENYAKIT DALAM', sub: [{ kdSubSpesialis: '26', nmSubSpesialis: 'PENYAKIT DALAM', kdPoliRujuk: 'INT' }] }],
      sarana: [{ kdSarana: '1', nmSarana: 'REKAM MEDIK' }],
      khusus: [{ kdKhusus: 'IGD', nmKhusus: 'IGD' }],
      diagnosa: [{ kdDiag: 'I10', nmDiag: 'Essential (primary) hypertension', nonSpesialis: false }],
    },
    at(7, 0),
  )
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

const register = (noKartu: string, kdPoli: string, when: number, over: Partial<RegistrationInput> = {}) =>
  registerVisit(db, faskes, registrationInput(noKartu, { kdPoli, keluhan: 'pusing', ...over }), actor, when).noRawat
const examine = (noRawat: string, rujukan?: ExaminationInput['rujukan']) =>
  recordExamination(
    db,
    faskes,
    examinationInput(noRawat, {
      keluhan: 'pusing',
      vitals: { sistole: 170, diastole: 100, beratBadan: 70, tinggiBadan: 165, lingkarPerut: 90, respRate: 18, heartRate: 88, suhu: '36.8' },
      diagnoses: [{ kdDiag: 'I10', nmDiag: 'Essential (primary) hypertension' }],
      kdDokter: 'D01',
      kdStatusPulang: rujukan ? '4' : '3',
      rujukan,
    }),
    actor,
    at(10, 0),
  )
const code = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    return err instanceof AppError ? { code: err.code, key: err.key } : err
  }
  return null
}

describe('registrationSlip', () => {
  // The registrations carry no poli name here: the slip takes it from the cached PCare list.
  it('numbers visits per poli and day in registration order, masks the card, and says noUrut is not known yet', () => {
    const a = register(CARD_A, '001', at(8, 0), { kdDokter: 'D01' })
    const b = register(CARD_B, '003', at(8, 5))
    const c = register(CARD_B, '001', at(8, 10))
    const slip = registrationSlip(db, faskes, c)
    expect(slip).toEqual({
      faskes: { name: 'Puskesmas Contoh', kdPPK: '0199B001' },
      noRawat: c,
      tglDaftar: '2026-11-23',
      registeredAt: at(8, 10),
      kdPoli: '001',
      nmPoli: 'UMUM',
      nmDokter: null,
      queueNumber: 2,
      noUrut: null,
      penjamin: 'bpjs',
      nama: 'Budi Santoso',
      noKartuMasked: '*********0002',
    })
    expect(registrationSlip(db, faskes, a)).toMatchObject({ queueNumber: 1, nmDokter: 'dr. Rina', noKartuMasked: '*********0001' })
    expect(registrationSlip(db, faskes, b)).toMatchObject({ queueNumber: 1, nmPoli: 'KIA' })
    // Nothing on the slip carries the full card number.
    expect(JSON.stringify(registrationSlip(db, faskes, a))).not.toContain(CARD_A)
  })

  it("names the doctor from the poli's schedule of the day when PCare's doctor list does not have the code", () => {
    db.prepare(`INSERT INTO doctor_schedule (kd_poli, tanggal, kd_dokter, nm_dokter, jam_praktek, kapasitas) VALUES ('001', '2026-11-23', '77', 'dr. Jadwal', '07:00-14:00', 20)`).run()
    db.prepare(`INSERT INTO doctor_schedule_fetch (kd_poli, tanggal, fetched_at) VALUES ('001', '2026-11-23', ?)`).run(at(7, 0))
    const a = register(CARD_A, '001', at(8, 0), { kdDokter: '77' })
    expect(registrationSlip(db, faskes, a).nmDokter).toBe('dr. Jadwal')
  })

  it("marks a self-paying 'umum' visit, which never gets a PCare noUrut", () => {
    db.prepare(`UPDATE patients SET aktif = 0, ket_aktif = 'TIDAK AKTIF' WHERE no_kartu = ?`).run(CARD_A)
    const a = register(CARD_A, '001', at(8, 0), { penjamin: 'umum' })
    expect(registrationSlip(db, faskes, a)).toMatchObject({ penjamin: 'umum', noUrut: null, queueNumber: 1 })
  })

  it("prints PCare's noUrut once the sync wrote it, and keeps numbers stable when an earlier visit is cancelled", () => {
    const a = register(CARD_A, '001', at(8, 0))
    const b = register(CARD_B, '001', at(8, 1))
    db.prepare('UPDATE registrations SET no_urut = ? WHERE no_rawat = ?').run('A7', b)
    db.prepare(`UPDATE registrations SET status = 'cancelled' WHERE no_rawat = ?`).run(a)
    expect(registrationSlip(db, faskes, b)).toMatchObject({ queueNumber: 2, noUrut: 'A7' })
    expect(code(() => registrationSlip(db, faskes, a))).toEqual({ code: 'CONFLICT', key: 'print.cancelled' })
    expect(code(() => registrationSlip(db, faskes, '20261123-9999'))).toEqual({ code: 'NOT_FOUND', key: 'print.notFound' })
  })
})

describe('referralLetter', () => {
  const rujukan = {
    kdppk: '0199R001',
    nmppk: 'RSUD CONTOH',
    kdSpesialis: 'INT',
    kdSubSpesialis: '26',
    kdSarana: '1',
    tglEstRujuk: '2026-11-25',
    alasan: 'Hipertensi tidak terkontrol',
    dokter: 'dr. Rina',
  }

  it('reads the saved referral with names from the cached lists, the patient, and the referral number once PCare gave it', () => {
    const noRawat = register(CARD_B, '001', at(8, 0))
    examine(noRawat, rujukan)
    db.prepare(`INSERT INTO faskes_rujukan_cache (kd_subspesialis, kd_sarana, tgl_est_rujuk, list, fetched_at) VALUES ('26', '1', '2026-11-25', ?, ?)`).run(
      JSON.stringify([{ kdppk: '0199R001', nmppk: 'RSUD CONTOH', alamatPpk: 'Jl. Merdeka 1', telpPpk: '0211234' }]),
      at(9, 0),
    )
    const letter = referralLetter(db, faskes, noRawat)
    expect(letter).toEqual({
      faskesAsal: { name: 'Puskesmas Contoh', kdPPK: '0199B001' },
      noRawat,
      noKunjungan: null,
      tglKunjungan: '2026-11-23',
      writtenAt: at(10, 0),
      nmPoli: 'UMUM',
      tujuan: { kdppk: '0199R001', nmppk: 'RSUD CONTOH', alamat: 'Jl. Merdeka 1', telp: '0211234' },
      spesialis: { kode: 'INT', nama: 'PENYAKIT DALAM' },
      subSpesialis: { kode: '26', nama: 'PENYAKIT DALAM' },
      sarana: { kode: '1', nama: 'REKAM MEDIK' },
      khusus: null,
      tglEstRujuk: '2026-11-25',
      patient: { nama: 'Budi Santoso', noKartu: CARD_B, tglLahir: '1961-09-13', sex: 'L', umur: { tahun: 65, bulan: 2 } },
      diagnoses: [{ kdDiag: 'I10', nmDiag: 'Essential (primary) hypertension' }],
      alasan: 'Hipertensi tidak terkontrol',
      tacc: null,
      dokter: 'dr. Rina',
    })
    db.prepare('UPDATE examinations SET no_kunjungan = ? WHERE no_rawat = ?').run('0199B0011126Y000042', noRawat)
    expect(referralLetter(db, faskes, noRawat).noKunjungan).toBe('0199B0011126Y000042')
  })

  it('carries a khusus referral with its note and a TACC reason', () => {
    const noRawat = register(CARD_A, '001', at(8, 0))
    examine(noRawat, { kdppk: '0199R002', nmppk: 'RS IGD', kdKhusus: 'IGD', catatan: 'Sesak berat', tglEstRujuk: '2026-11-23', alasan: 'Gawat darurat', dokter: 'dr. Rina', tacc: { kdTacc: 2, alasanTacc: '>= 12 Tahun s/d < 55 Tahun' } })
    const letter = referralLetter(db, faskes, noRawat)
    expect(letter).toMatchObject({
      khusus: { kode: 'IGD', nama: 'IGD', catatan: 'Sesak berat' },
      spesialis: null,
      subSpesialis: null,
      tujuan: { kdppk: '0199R002', nmppk: 'RS IGD', alamat: null, telp: null },
      tacc: { kdTacc: 2, alasanTacc: '>= 12 Tahun s/d < 55 Tahun' },
      patient: { umur: { tahun: 13, bulan: 8 } },
    })
  })

  it('refuses a visit without an examination or without a referral, by key', () => {
    const a = register(CARD_A, '001', at(8, 0))
    expect(code(() => referralLetter(db, faskes, a))).toEqual({ code: 'NOT_FOUND', key: 'print.noExam' })
    examine(a)
    expect(code(() => referralLetter(db, faskes, a))).toEqual({ code: 'NOT_FOUND', key: 'print.noReferral' })
    expect(code(() => referralLetter(db, faskes, 'nope'))).toEqual({ code: 'NOT_FOUND', key: 'print.notFound' })
  })
})

describe('helpers', () => {
  it('masks all but the last 4 digits, reads PCare dates, and counts age in years and months', () => {
    expect(maskNoKartu('0009999000123')).toBe('*********0123')
    expect(isoDate('06-03-2013')).toBe('2013-03-06')
    expect(isoDate('2013-03-06')).toBe('2013-03-06')
    expect(isoDate('6/3/2013')).toBeNull()
    expect(ageOn('2026-08-24', '2026-11-23')).toEqual({ tahun: 0, bulan: 2 })
    expect(ageOn('2025-11-23', '2026-11-23')).toEqual({ tahun: 1, bulan: 0 })
    expect(ageOn('2025-11-24', '2026-11-23')).toEqual({ tahun: 0, bulan: 11 })
    expect(ageOn('2027-01-01', '2026-11-23')).toBeNull()
  })
})
