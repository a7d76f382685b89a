import type { ExaminationInput, RegistrationInput } from '../../contract'
import { pcareBeratBadan, pcareSuhu } from '../../contract/vitals'
import { toPcareDate } from '../clinic/dates'
import type { ScheduleEntry } from '../clinic/doctors'
import { KHUSUS_WITH_SUBSPESIALIS } from '../clinic/rujukan'
import type { AntreanAddPayload, ObatPayload, RegistrationRef, TindakanPayload } from '../sync/operations'
import type { AntreanAddInput, AntreanBatalInput, AntreanPanggilInput, KunjunganInput, ObatInput, PendaftaranInput, RujukLanjut, TindakanInput } from './types'

/*
 * The one place that turns the clinic's records into PCare and Antrean request bodies: what is queued when the
 * counter or the clinician saves (pure functions of the saved input), and what the executors add at send time from
 * answers that arrive later (noKunjungan, noUrut, the card's own provider). Every key and default here is a
 * protocol fact or a choice PCare sees; the outbox stores these objects as canonical JSON and hashes them for the
 * idempotency key, so a change to any of them changes the payload of every job queued afterwards.
 */

/** The registration as it was saved: what a pendaftaran and its Antrean job are built from. */
export interface RegistrationFacts {
  noKartu: string
  /** yyyy-MM-dd, the faskes's local day. */
  tglDaftar: string
  kdPoli: string
}

/**
 * PCare `pendaftaran` for a visit registered at the counter. Vital signs the counter did not take are sent as 0
 * (PCare's "not measured"). `kdProviderPeserta` is the card's provider as cached, or this faskes when the card was
 * never read (the executor swaps in the card's own provider once the verify job has cached it: `withProvider`).
 */
export function pendaftaranBody(input: RegistrationInput, reg: RegistrationFacts, kdProviderPeserta: string): PendaftaranInput {
  const v = input.vitals ?? {}
  return {
    kdProviderPeserta,
    tglDaftar: toPcareDate(reg.tglDaftar),
    noKartu: reg.noKartu,
    kdPoli: reg.kdPoli,
    keluhan: input.keluhan,
    kunjSakit: input.kunjSakit,
    sistole: v.sistole ?? 0,
    diastole: v.diastole ?? 0,
    beratBadan: pcareBeratBadan(v.beratBadan ?? 0),
    tinggiBadan: v.tinggiBadan ?? 0,
    respRate: v.respRate ?? 0,
    heartRate: v.heartRate ?? 0,
    lingkarPerut: v.lingkarPerut ?? 0,
    rujukBalik: 0,
    kdTkp: input.kdTkp,
  }
}

/** A queued pendaftaran with the card's own provider (kdProviderPst, cached by the verify job), when known. */
export function withProvider(body: PendaftaranInput, kdProvider: string | null): PendaftaranInput {
  return kdProvider ? { ...body, kdProviderPeserta: kdProvider } : body
}

/** What the counter knows of an Antrean FKTP add; the rest waits for PCare's noUrut (`antreanAddBody`). */
export function antreanAddPayload(input: RegistrationInput, reg: RegistrationFacts, nik: string | null): AntreanAddPayload {
  return {
    nomorkartu: reg.noKartu,
    nik: nik ?? '',
    kodepoli: reg.kdPoli,
    namapoli: input.nmPoli ?? '',
    tanggalperiksa: reg.tglDaftar,
    keterangan: input.keluhan,
  }
}

/** The registration's row as the Antrean executor reads it when PCare's noUrut has arrived. */
export interface AntreanRegistration {
  noRawat: string
  noUrut: string
  kdPoli: string
  kdDokter: string | null
}

/**
 * The full Antrean add: PCare's noUrut becomes the queue number (digits only; prefix B for poli 002, A otherwise),
 * the doctor's name and hours are Antrean's own schedule (`doctor`, null when none is cached: 08:00-14:00), the
 * local no_rawat is the medical record number and no phone number is sent.
 */
export function antreanAddBody(p: AntreanAddPayload, reg: AntreanRegistration, doctor: ScheduleEntry | null): AntreanAddInput {
  const angka = Number(reg.noUrut.replace(/\D/g, '')) || 0
  return {
    ...p,
    nohp: '',
    norm: reg.noRawat,
    kodedokter: Number(reg.kdDokter ?? 0),
    namadokter: doctor?.nmDokter ?? '',
    jampraktek: doctor?.jamPraktek ?? '08:00-14:00',
    nomorantrean: `${reg.kdPoli === '002' ? 'B' : 'A'}-${angka}`,
    angkaantrean: angka,
  }
}

/** Antrean `panggil`: status 1 hadir, 2 tidak hadir; `waktu` is when it was marked, epoch ms. */
export function antreanPanggilBody(reg: RegistrationFacts, attendance: 'hadir' | 'tidak_hadir', waktu: number): AntreanPanggilInput {
  return { tanggalperiksa: reg.tglDaftar, kodepoli: reg.kdPoli, nomorkartu: reg.noKartu, status: attendance === 'hadir' ? 1 : 2, waktu }
}

type Referral = NonNullable<ExaminationInput['rujukan']>

/** PCare's rujukLanjut: a spesialis referral names sub-spesialis and sarana, a khusus one its kind and a note. */
function rujukLanjut(r: Referral): RujukLanjut {
  const base = { kdppk: r.kdppk, tglEstRujuk: toPcareDate(r.tglEstRujuk) }
  if (r.kdKhusus) {
    const sub = KHUSUS_WITH_SUBSPESIALIS.includes(r.kdKhusus) ? (r.kdSubSpesialis ?? null) : null
    return { ...base, subSpesialis: null, khusus: { kdKhusus: r.kdKhusus, kdSubSpesialis: sub, catatan: r.catatan ?? '' } }
  }
  return { ...base, subSpesialis: r.kdSubSpesialis ? { kdSubSpesialis1: r.kdSubSpesialis, kdSarana: r.kdSarana ?? null } : null, khusus: null }
}

/**
 * PCare `kunjungan` for a saved examination, discharged the same day. Fixed values: no internal referral, no TACC
 * (-1) unless the referral gives one, no BMHP, no known allergy ('00') and prognosis '01' (the form asks neither).
 */
export function kunjunganBody(reg: RegistrationFacts, input: ExaminationInput): KunjunganInput {
  const [d1, d2, d3] = input.diagnoses
  const v = input.vitals
  return {
    noKunjungan: null,
    noKartu: reg.noKartu,
    tglDaftar: toPcareDate(reg.tglDaftar),
    kdPoli: reg.kdPoli,
    keluhan: input.keluhan,
    anamnesa: input.anamnesa,
    kdSadar: input.kdSadar,
    sistole: v.sistole,
    diastole: v.diastole,
    beratBadan: pcareBeratBadan(v.beratBadan),
    tinggiBadan: v.tinggiBadan,
    respRate: v.respRate,
    heartRate: v.heartRate,
    lingkarPerut: v.lingkarPerut,
    suhu: pcareSuhu(v.suhu),
    kdStatusPulang: input.kdStatusPulang,
    tglPulang: toPcareDate(reg.tglDaftar),
    kdDokter: input.kdDokter,
    kdDiag1: d1.kdDiag,
    kdDiag2: d2?.kdDiag ?? null,
    kdDiag3: d3?.kdDiag ?? null,
    kdPoliRujukInternal: null,
    rujukLanjut: input.rujukan ? rujukLanjut(input.rujukan) : null,
    kdTacc: input.rujukan?.tacc?.kdTacc ?? -1,
    alasanTacc: input.rujukan?.tacc?.alasanTacc ?? null,
    terapiObat: input.terapiObat,
    terapiNonObat: input.terapiNonObat,
    bmhp: '',
    alergiMakan: '00',
    alergiUdara: '00',
    alergiObat: '00',
    kdPrognosa: '01',
  }
}

/** A tindakan as queued: kdTindakanSK 0 asks PCare for a new one; hasil 0 when the procedure has no value. */
export function tindakanPayload(t: ExaminationInput['tindakan'][number]): TindakanPayload {
  return { kdTindakanSK: 0, kdTindakan: t.kdTindakan, biaya: t.biaya, keterangan: t.keterangan ?? null, hasil: t.hasil ?? 0 }
}

/** An obat as queued: a single DPHO drug (no racikan), dispensed as prescribed (jmlPermintaan = jmlObat). */
export function obatPayload(o: ExaminationInput['obat'][number]): ObatPayload {
  return {
    kdObatSK: 0,
    racikan: false,
    kdRacikan: null,
    obatDPHO: true,
    kdObat: o.kdObat,
    signa1: o.signa1,
    signa2: o.signa2,
    jmlObat: o.jmlObat,
    jmlPermintaan: o.jmlObat,
    nmObatNonDPHO: '',
  }
}

/** A queued tindakan sent under its kunjungan's number, known once the kunjungan job is done. */
export function tindakanBody(p: TindakanPayload, noKunjungan: string): TindakanInput {
  return { ...p, noKunjungan }
}

/** A queued obat sent under its kunjungan's number. */
export function obatBody(p: ObatPayload, noKunjungan: string): ObatInput {
  return { ...p, noKunjungan }
}

/** The registration a correction names (pendaftaran.delete, kunjungan.delete): PCare's dd-MM-yyyy date. */
export function registrationRef(reg: RegistrationFacts): RegistrationRef {
  return { noKartu: reg.noKartu, tglDaftar: toPcareDate(reg.tglDaftar), kdPoli: reg.kdPoli }
}

/** Antrean `batal` of the registration's queue entry; `alasan` is the counter's reason as typed. */
export function antreanBatalBody(reg: RegistrationFacts, alasan: string): AntreanBatalInput {
  return { tanggalperiksa: reg.tglDaftar, kodepoli: reg.kdPoli, nomorkartu: reg.noKartu, alasan }
}
