import { describe, expect, it } from 'vitest'
import type { ExaminationInput, RegistrationInput } from '../../contract'
import { recordExamination, registerVisit } from './index'
import { canonicalJson, sha256Hex } from '../util/canonical'
import { examinationInput, registrationInput } from '../../../test/helpers/clinic'
import { useClinicDb } from '../../../test/helpers/clinic-db'

const db = useClinicDb()
const faskes = { kdPPK: '0199B001' }
const actor = { userId: 'petugas1' }
const now = new Date(2026, 10, 23, 9, 30).getTime()

const reg = (over: Partial<RegistrationInput> = {}) => registrationInput('0009999000001', over)
const exam = (noRawat: string, over: Partial<ExaminationInput> = {}) =>
  examinationInput(noRawat, {
    keluhan: 'demam 2 hari',
    tindakan: [{ kdTindakan: 'T01', biaya: 10000 }],
    obat: [{ kdObat: 'O01', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }],
    claimAmount: 150000,
    ...over,
  })
const jobs = () => db().prepare('SELECT target, operation, chain_key, seq, status FROM outbox ORDER BY id').all()

describe('registerVisit', () => {
  it('writes the registration and its pendaftaran intent in one transaction', () => {
    const r = registerVisit(db(), faskes, reg({ antrean: true }), actor, now)
    expect(r.noRawat).toBe('20261123-0001')
    expect(jobs()).toEqual([
      { target: 'pcare', operation: 'pendaftaran.add', chain_key: 'pcare:20261123-0001', seq: 1, status: 'pending' },
      { target: 'antrean', operation: 'antrean.add', chain_key: 'antrean:20261123-0001', seq: 1, status: 'pending' },
    ])
    const payload = JSON.parse((db().prepare('SELECT payload FROM outbox WHERE seq = 1 AND target = ?').get('pcare') as { payload: string }).payload)
    expect(payload).toMatchObject({ tglDaftar: '23-11-2026', noKartu: '0009999000001', kdProviderPeserta: '0199B001', kdTkp: '10' })
  })

  it('refuses an unchecked card and a second registration to the same poli the same day, writing nothing', () => {
    expect(() => registerVisit(db(), faskes, reg({ noKartu: '0009999000099' }), actor, now)).toThrow(/Periksa status kartu/)
    registerVisit(db(), faskes, reg(), actor, now)
    expect(() => registerVisit(db(), faskes, reg(), actor, now)).toThrow(/sudah terdaftar/)
    expect(db().prepare('SELECT count(*) AS n FROM registrations').get()).toEqual({ n: 1 })
    expect(jobs()).toHaveLength(1)
  })
})

describe('recordExamination', () => {
  it('queues kunjungan before tindakan and obat, and visit before claim on the ledger', () => {
    const { noRawat } = registerVisit(db(), faskes, reg(), actor, now)
    const r = recordExamination(db(), faskes, exam(noRawat), actor, now)
    expect(r).toMatchObject({ visitId: '0199B001-20261123-0001', claimId: '0199B001-20261123-0001-C1', referralId: null })
    expect(jobs()).toEqual([
      { target: 'pcare', operation: 'pendaftaran.add', chain_key: `pcare:${noRawat}`, seq: 1, status: 'pending' },
      { target: 'pcare', operation: 'kunjungan.add', chain_key: `pcare:${noRawat}`, seq: 2, status: 'pending' },
      { target: 'pcare', operation: 'tindakan.add', chain_key: `pcare:${noRawat}`, seq: 3, status: 'pending' },
      { target: 'pcare', operation: 'obat.add', chain_key: `pcare:${noRawat}`, seq: 4, status: 'pending' },
      { target: 'ledger', operation: 'Visit:Record', chain_key: `ledger:${noRawat}`, seq: 1, status: 'pending' },
      { target: 'ledger', operation: 'Claim:Submit', chain_key: `ledger:${noRawat}`, seq: 2, status: 'pending' },
    ])
    const visit = JSON.parse((db().prepare(`SELECT payload FROM outbox WHERE operation = 'Visit:Record'`).get() as { payload: string }).payload)
    // The public intent carries only the hash; the clinical detail travels as transient data.
    expect(JSON.stringify(visit.intent)).not.toContain('Typhoid')
    expect(visit.transient.detail).toContain('Typhoid')
  })

  it('salts the clinical detail whose hash is public: the same examination twice gives two hashes nobody can guess', () => {
    const detailOf = (noRawat: string) => {
      const p = JSON.parse((db().prepare(`SELECT payload FROM outbox WHERE operation = 'Visit:Record' AND chain_key = ?`).get(`ledger:${noRawat}`) as { payload: string }).payload)
      return p as { intent: { detailHash: string }; transient: { detail: string } }
    }
    const a = registerVisit(db(), faskes, reg(), actor, now).noRawat
    const b = registerVisit(db(), faskes, reg({ kdPoli: '002' }), actor, now).noRawat
    recordExamination(db(), faskes, exam(a), actor, now)
    recordExamination(db(), faskes, exam(b), actor, now)
    const [da, db2] = [detailOf(a), detailOf(b)]
    expect(JSON.parse(da.transient.detail).salt).toMatch(/^[0-9a-f]{32}$/)
    expect(da.intent.detailHash).toBe(sha256Hex(da.transient.detail))
    // Same clinical fields, different salt: the hash of the unsalted fields (what a guesser would try) is neither.
    const { salt: _sa, ...fieldsA } = JSON.parse(da.transient.detail) as Record<string, unknown>
    const { salt: _sb, ...fieldsB } = JSON.parse(db2.transient.detail) as Record<string, unknown>
    expect(fieldsA).toEqual(fieldsB)
    expect(da.intent.detailHash).not.toBe(db2.intent.detailHash)
    expect([da.intent.detailHash, db2.intent.detailHash]).not.toContain(sha256Hex(canonicalJson(fieldsA)))
  })

  it('rolls everything back when the examination cannot be saved', () => {
    const { noRawat } = registerVisit(db(), faskes, reg(), actor, now)
    recordExamination(db(), faskes, exam(noRawat), actor, now)
    expect(() => recordExamination(db(), faskes, exam(noRawat), actor, now)).toThrow(/sudah disimpan/)
    expect(jobs()).toHaveLength(6)
    expect(() => recordExamination(db(), faskes, exam('20261123-0999'), actor, now)).toThrow(/tidak ditemukan/)
  })

  describe('referral', () => {
    const rujukan = { kdppk: '0199R001', nmppk: 'RSU CONTOH', kdSpesialis: 'INT', kdSubSpesialis: '26', kdSarana: '1', tglEstRujuk: '2026-11-24', alasan: 'Perlu evaluasi spesialis', dokter: 'dr. Contoh' }
    const kunjungan = () => JSON.parse((db().prepare(`SELECT payload FROM outbox WHERE operation = 'kunjungan.add'`).get() as { payload: string }).payload)

    it('sends the chosen faskes and sub-spesialis to PCare and the referral to the ledger', () => {
      const { noRawat } = registerVisit(db(), faskes, reg(), actor, now)
      const r = recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '4', rujukan }), actor, now)
      expect(r.referralId).toBe('0199B001-20261123-0001-R1')
      expect(kunjungan()).toMatchObject({
        kdStatusPulang: '4',
        rujukLanjut: { kdppk: '0199R001', tglEstRujuk: '24-11-2026', subSpesialis: { kdSubSpesialis1: '26', kdSarana: '1' }, khusus: null },
        kdTacc: -1,
        alasanTacc: null,
      })
      const ledger = JSON.parse((db().prepare(`SELECT payload FROM outbox WHERE operation = 'Referral:Create'`).get() as { payload: string }).payload)
      // Reason and doctor only in the salted transient detail; the public intent carries its hash.
      expect(ledger.intent).toEqual({ referralId: r.referralId, noKartu: expect.any(String), visitId: r.visitId, toPPK: '0199R001', fromPPK: '0199B001', detailHash: sha256Hex(ledger.transient.detail) })
      expect(JSON.parse(ledger.transient.detail)).toEqual({ reason: 'Perlu evaluasi spesialis', doctor: 'dr. Contoh', salt: expect.stringMatching(/^[0-9a-f]{32}$/) })
    })

    it('refuses a referral whose status pulang is not Rujuk Vertikal, and Rujuk Vertikal without a referral', () => {
      const { noRawat } = registerVisit(db(), faskes, reg(), actor, now)
      expect(() => recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '3', rujukan }), actor, now)).toThrow(/Rujuk Vertikal/)
      expect(() => recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '4' }), actor, now)).toThrow(/memerlukan data rujukan/)
      expect(db().prepare('SELECT count(*) AS n FROM examinations').get()).toEqual({ n: 0 })
    })

    it('a khusus referral sends its kind and note instead of a sub-spesialis, needs the note, and no TACC', () => {
      db().prepare(`INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES ('A01.0', 'Typhoid fever', 1, 1)`).run()
      const { noRawat } = registerVisit(db(), faskes, reg(), actor, now)
      const khusus = { kdppk: '0199R001', nmppk: 'RSU CONTOH', kdKhusus: 'HDL', tglEstRujuk: '2026-11-24', alasan: 'Gagal ginjal kronik', dokter: 'dr. Contoh' }
      expect(() => recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '4', rujukan: khusus }), actor, now)).toThrow(/memerlukan catatan/)
      expect(() =>
        recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '4', rujukan: { ...khusus, kdKhusus: 'THA', catatan: 'transfusi rutin' } }), actor, now),
      ).toThrow(/THA memerlukan sub-spesialis/)
      recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '4', rujukan: { ...khusus, catatan: 'HD rutin 2x seminggu' } }), actor, now)
      expect(kunjungan()).toMatchObject({
        rujukLanjut: { kdppk: '0199R001', tglEstRujuk: '24-11-2026', subSpesialis: null, khusus: { kdKhusus: 'HDL', kdSubSpesialis: null, catatan: 'HD rutin 2x seminggu' } },
        kdTacc: -1,
      })
    })

    it('asks for TACC when a diagnosis is non-spesialistik by the cached list, and sends it', () => {
      db().prepare(`INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES ('A01.0', 'Typhoid fever', 1, 1)`).run()
      const { noRawat } = registerVisit(db(), faskes, reg(), actor, now)
      let err: unknown
      try {
        recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '4', rujukan }), actor, now)
      } catch (e) {
        err = e
      }
      expect(err).toMatchObject({ code: 'INVALID_INPUT', fields: [{ field: 'rujukan.tacc' }] })
      expect((err as Error).message).toContain('A01.0')
      recordExamination(db(), faskes, exam(noRawat, { kdStatusPulang: '4', rujukan: { ...rujukan, tacc: { kdTacc: 3, alasanTacc: 'A01.0 - Typhoid fever dengan komplikasi' } } }), actor, now)
      expect(kunjungan()).toMatchObject({ kdTacc: 3, alasanTacc: 'A01.0 - Typhoid fever dengan komplikasi' })
    })
  })
})
