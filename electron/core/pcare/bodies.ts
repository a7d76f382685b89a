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

/**
 * What the counter knows of an Antrean FKTP add; the rest waits for PCare's noUrut (`antreanAddBody`). `keterangan`
 * is empty: Mobile JKN shows it to the patient, so the complaint never goes there.
 */
export function antreanAddPayload(input: RegistrationInput, reg: RegistrationFacts, nik: string | null): AntreanAddPayload {
  return {
    nomorkartu: reg.noKartu,
    nik: nik ?? '',
    kodepoli: reg.kdPoli,
    namapoli: input.nmPoli ?? '',
    tanggalperiksa: reg.tglDaftar,
    keterangan: '',
  }
}

/** What the Antrean executor knows of the registration when PCare's noUrut has arrived. */
export interface AntreanRegistration {
  noUrut: string
  kdPoli: string
  /** The patient's local medical record number (clinic/records.ts). */
  noRm: string
  /** PCare's peserta.noHP, null when unknown. */
  noHp: string | null
}

/**
 * The full Antrean add: PCare's noUrut becomes the queue number (digits only; prefix B for poli 002, A otherwise);
 * the doctor's code, name and hours are one entry of Antrean's own schedule (`ref/dokter`, clinic/doctors.ts
 * `antreanDoctor`; kodedokter is Antrean's number); `norm` is the medical record number; `nohp` PCare's, or empty.
 * `keterangan` is sent empty whatever was queued: jobs queued before issue 12 carry the complaint there.
 */
export function antreanAddBody(p: AntreanAddPayload, reg: AntreanRegistration, doctor: ScheduleEntry): AntreanAddInput {
  const angka = Number(reg.noUrut.replace(/\D/g, '')) || 0
  return {
    ...p,
    keterangan: '',
    nohp: reg.noHp ?? '',
    norm: reg.noRm,
    kodedokter: Number(doctor.kdDokter),
    namadokter: doctor.nmDokter,
    jampraktek: doctor.jamPraktek,
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
 * PCare `kunjungan` for a saved examination, discharged the same day: what the clinician examined, including the
 * allergies and prognosis (PCare codes as picked), the internal referral (kdPoliRujukInternal) and bmhp. kdTacc is
 * -1 (none) unless the referral gives one.
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
    kdPoliRujukInternal: input.kdPoliRujukInternal ?? null,
    rujukLanjut: input.rujukan ? rujukLanjut(input.rujukan) : null,
    kdTacc: input.rujukan?.tacc?.kdTacc ?? -1,
    alasanTacc: input.rujukan?.tacc?.alasanTacc ?? null,
    terapiObat: input.terapiObat,
    terapiNonObat: input.terapiNonObat,
    bmhp: input.bmhp ?? '',
    alergiMakan: input.alergiMakan,
    alergiUdara: input.alergiUdara,
    alergiObat: input.alergiObat,
    kdPrognosa: input.kdPrognosa,
  }
}

/**
 * A tindakan as queued: kdTindakanSK 0 asks PCare for a new one. `hasil` is the result the clinician entered for a
 * procedure PCare lists withValue (the save requires it then), and 0 for any other.
 */
export function tindakanPayload(t: ExaminationInput['tindakan'][number], withValue: boolean): TindakanPayload {
  return { kdTindakanSK: 0, kdTindakan: t.kdTindakan, biaya: t.biaya, keterangan: t.keterangan ?? null, hasil: withValue ? (t.hasil ?? 0) : 0 }
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
