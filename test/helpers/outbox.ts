import type { Operation, PayloadOf } from '../../electron/core/sync/operations'
import type { NewJob } from '../../electron/core/sync/outbox'

/**
 * One well-formed payload per outbox operation (synthetic card numbers, no real patient). Typed as a mapped type,
 * so adding an operation to OPERATIONS without a sample here does not compile.
 */
export const SAMPLE_PAYLOADS: { [Op in Operation]: PayloadOf<Op> } = {
  'peserta.verify': { noKartu: '0009999000001' },
  'pendaftaran.add': {
    kdProviderPeserta: '0199B001', tglDaftar: '23-11-2026', noKartu: '0009999000001', kdPoli: '001', keluhan: 'demam', kunjSakit: true,
    sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, respRate: 18, heartRate: 80, lingkarPerut: 70, rujukBalik: 0, kdTkp: '10',
  },
  'kunjungan.add': {
    noKunjungan: null, noKartu: '0009999000001', tglDaftar: '23-11-2026', kdPoli: '001', keluhan: 'demam', anamnesa: '', kdSadar: '01',
    sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, respRate: 18, heartRate: 80, lingkarPerut: 70, suhu: '37.8',
    kdStatusPulang: '4', tglPulang: '23-11-2026', kdDokter: '001', kdDiag1: 'A01.0', kdDiag2: null, kdDiag3: null, kdPoliRujukInternal: null,
    rujukLanjut: { kdppk: '0199R001', tglEstRujuk: '25-11-2026', subSpesialis: { kdSubSpesialis1: '26', kdSarana: null }, khusus: null },
    kdTacc: -1, alasanTacc: null, terapiObat: '', terapiNonObat: '', bmhp: '', alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01',
  },
  'tindakan.add': { kdTindakanSK: 0, kdTindakan: 'T01', biaya: 10000, keterangan: null, hasil: 0 },
  'obat.add': {
    kdObatSK: 0, racikan: false, kdRacikan: null, obatDPHO: true, kdObat: 'O01', signa1: 3, signa2: 1, jmlObat: 10, jmlPermintaan: 10, nmObatNonDPHO: '',
  },
  'antrean.add': { nomorkartu: '0009999000001', nik: '', kodepoli: '001', namapoli: 'UMUM', tanggalperiksa: '2026-11-23', keterangan: 'demam' },
  'antrean.panggil': { tanggalperiksa: '2026-11-23', kodepoli: '001', nomorkartu: '0009999000001', status: 1, waktu: 1_795_000_000_000 },
  'pendaftaran.delete': { noKartu: '0009999000001', tglDaftar: '23-11-2026', kdPoli: '001' },
  'kunjungan.edit': {
    noKunjungan: null, noKartu: '0009999000001', tglDaftar: '23-11-2026', kdPoli: '001', keluhan: 'demam', anamnesa: '', kdSadar: '01',
    sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, respRate: 18, heartRate: 80, lingkarPerut: 70, suhu: '37.8',
    kdStatusPulang: '3', tglPulang: '23-11-2026', kdDokter: '001', kdDiag1: 'A01.0', kdDiag2: null, kdDiag3: null, kdPoliRujukInternal: null,
    rujukLanjut: null, kdTacc: -1, alasanTacc: null, terapiObat: '', terapiNonObat: '', bmhp: '', alergiMakan: '00', alergiUdara: '00', alergiObat: '00',
    kdPrognosa: '01',
  },
  'kunjungan.delete': { noKartu: '0009999000001', tglDaftar: '23-11-2026', kdPoli: '001' },
  'antrean.batal': { tanggalperiksa: '2026-11-23', kodepoli: '001', nomorkartu: '0009999000001', alasan: 'salah poli' },
  'Visit:Record': {
    intent: { visitId: '0199B001-20261123-0001', noKartu: '0009999000001', kdPPK: '0199B001', tglKunjungan: '2026-11-23', detailHash: 'ab'.repeat(32) },
    transient: { detail: '{}' },
  },
  'Visit:Correct': {
    intent: { correctionId: '0199B001-20261123-0001-K1', visitId: '0199B001-20261123-0001', kind: 'EDIT', detailHash: 'cd'.repeat(32) },
    transient: { detail: '{}' },
  },
  'Referral:Create': {
    intent: { referralId: 'R1', noKartu: '0009999000001', visitId: 'V1', fromPPK: '0199B001', toPPK: '0199R001', detailHash: 'ef'.repeat(32) },
    transient: { detail: '{"doctor":"dr. A","reason":"perlu spesialis","salt":"00000000000000000000000000000000"}' },
  },
  'Claim:Submit': { intent: { claimId: 'C1', visitId: 'V1', noKartu: '0009999000001', amount: 150000, kdPPK: '0199B001' } },
  'satusehat.visit': { noRawat: '20261123-0001' },
  'hub.call': { channel: 'examination.save', input: { noRawat: 'desk-1' }, user: 'dokter', at: 1764000000000, deskSeq: 1 },
}

/**
 * A job of operation `op` with its sample payload, on chain `chainKey` (entity and idempotency key derived from it
 * unless `over` sets them): for tests about the outbox or a worker rather than about a payload.
 */
export function sampleJob<Op extends Operation>(op: Op, chainKey: string, over: { entityId?: string; idempotencyKey?: string } = {}): NewJob {
  // One member of the NewJob union per operation; TypeScript cannot pick it for a generic Op, the map above can.
  return { operation: op, chainKey, entityType: 'test', entityId: over.entityId ?? chainKey, payload: SAMPLE_PAYLOADS[op], idempotencyKey: over.idempotencyKey } as NewJob
}
