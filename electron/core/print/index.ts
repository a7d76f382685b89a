import type { ExaminationInput, PrintReferral, PrintSlip } from '../../contract'
import type { DB } from '../db'
import { AppError, msg } from '../errors'

/** Who prints: the faskes name and PCare provider code from the settings. */
export interface PrintFaskes {
  faskesName: string
  kdPPK: string | null
}

/**
 * A card number as the counter prints it for the patient: every digit but the last 4 replaced by `*`, the same
 * rule the logs use, so a lost slip does not give away a number that identifies the member at every faskes.
 */
export function maskNoKartu(noKartu: string): string {
  return noKartu.length <= 4 ? noKartu : '*'.repeat(noKartu.length - 4) + noKartu.slice(-4)
}

/** PCare writes dates dd-MM-yyyy (peserta.tglLahir); the print data uses yyyy-MM-dd. Anything else is unknown. */
export function isoDate(value: string | null): string | null {
  if (!value) return null
  const pcare = /^(\d{2})-(\d{2})-(\d{4})$/.exec(value)
  if (pcare) return `${pcare[3]}-${pcare[2]}-${pcare[1]}`
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null
}

/** Age on `onIso` of someone born on `bornIso` (both yyyy-MM-dd): whole years and the months beyond them. */
export function ageOn(bornIso: string, onIso: string): { tahun: number; bulan: number } | null {
  const [by, bm, bd] = bornIso.split('-').map(Number)
  const [y, m, d] = onIso.split('-').map(Number)
  const months = (y - by) * 12 + (m - bm) - (d < bd ? 1 : 0)
  return months < 0 ? null : { tahun: Math.floor(months / 12), bulan: months % 12 }
}

interface RegistrationRow {
  no_rawat: string
  no_kartu: string
  tgl_daftar: string
  kd_poli: string
  nm_poli: string | null
  kd_dokter: string | null
  no_urut: string | null
  status: string
  penjamin: 'bpjs' | 'umum'
  created_at: number
}

function registration(db: DB, noRawat: string): RegistrationRow {
  const reg = db
    .prepare('SELECT no_rawat, no_kartu, tgl_daftar, kd_poli, nm_poli, kd_dokter, no_urut, status, penjamin, created_at FROM registrations WHERE no_rawat = ?')
    .get(noRawat) as RegistrationRow | undefined
  if (!reg) throw new AppError('NOT_FOUND', msg('print.notFound', { noRawat }))
  return reg
}

/** The poli's name as registered, else from the cached PCare poli list. */
function poliName(db: DB, reg: RegistrationRow): string | null {
  if (reg.nm_poli) return reg.nm_poli
  return (db.prepare('SELECT nm_poli FROM ref_poli WHERE kd_poli = ?').get(reg.kd_poli) as { nm_poli: string } | undefined)?.nm_poli ?? null
}

/**
 * The registration slip of `noRawat`, read from SQLite: what the counter hands the patient. The queue number is
 * this workstation's own count per poli and day, so the patient has a number before PCare's noUrut arrives (and a
 * self-paying 'umum' visit, which PCare never sees, has one at all). Cancelled registrations keep their place so a
 * number once printed never moves. Throws NOT_FOUND for an unknown visit and CONFLICT for a cancelled one.
 */
export function registrationSlip(db: DB, faskes: PrintFaskes, noRawat: string): PrintSlip {
  const reg = registration(db, noRawat)
  if (reg.status === 'cancelled') throw new AppError('CONFLICT', msg('print.cancelled', { noRawat }))
  const { n } = db
    .prepare('SELECT count(*) AS n FROM registrations WHERE tgl_daftar = ? AND kd_poli = ? AND (created_at < ? OR (created_at = ? AND no_rawat <= ?))')
    .get(reg.tgl_daftar, reg.kd_poli, reg.created_at, reg.created_at, reg.no_rawat) as { n: number }
  const patient = db.prepare('SELECT nama FROM patients WHERE no_kartu = ?').get(reg.no_kartu) as { nama: string } | undefined
  // PCare's doctor list first; the poli's schedule of that day (Antrean FKTP ref/dokter) names the same code too.
  const dokter = reg.kd_dokter
    ? ((
        db
          .prepare(
            `SELECT coalesce((SELECT nm_dokter FROM ref_dokter WHERE kd_dokter = @kd),
                             (SELECT nm_dokter FROM doctor_schedule WHERE kd_dokter = @kd AND kd_poli = @poli AND tanggal = @tgl)) AS nm`,
          )
          .get({ kd: reg.kd_dokter, poli: reg.kd_poli, tgl: reg.tgl_daftar }) as { nm: string | null }
      ).nm ?? null)
    : null
  return {
    faskes: { name: faskes.faskesName, kdPPK: faskes.kdPPK },
    noRawat: reg.no_rawat,
    tglDaftar: reg.tgl_daftar,
    registeredAt: reg.created_at,
    kdPoli: reg.kd_poli,
    nmPoli: poliName(db, reg),
    nmDokter: dokter,
    queueNumber: n,
    noUrut: reg.no_urut,
    penjamin: reg.penjamin,
    nama: patient?.nama ?? null,
    noKartuMasked: maskNoKartu(reg.no_kartu),
  }
}

/** A code with its name from a cached reference table (null name when the list no longer has it). */
function coded(db: DB, sql: string, kode: string | undefined): { kode: string; nama: string | null } | null {
  if (!kode) return null
  const row = db.prepare(sql).get(kode) as { nama: string } | undefined
  return { kode, nama: row?.nama ?? null }
}

/**
 * The receiving hospital's address and telephone from the last faskes-rujukan answers PCare gave this workstation
 * (`spesialis/rujuk/...`: alamatPpk, telpPpk); null when the code was typed without a lookup.
 */
function tujuanContact(db: DB, kdppk: string): { alamat: string | null; telp: string | null } {
  const row = db
    .prepare(
      `SELECT json_extract(j.value, '$.alamatPpk') AS alamat, json_extract(j.value, '$.telpPpk') AS telp
         FROM faskes_rujukan_cache c, json_each(c.list) j
        WHERE json_extract(j.value, '$.kdppk') = ? ORDER BY c.fetched_at DESC LIMIT 1`,
    )
    .get(kdppk) as { alamat: string | null; telp: string | null } | undefined
  return { alamat: row?.alamat ?? null, telp: row?.telp ?? null }
}

/**
 * The surat rujukan of `noRawat`'s saved examination, read from SQLite: the referral as the clinician saved it,
 * with names from the cached PCare lists, the patient from the last peserta answer, and PCare's noKunjungan (the
 * referral number on an FKTP letter) once the kunjungan is sent. Layout facts follow FKTP letters printed by public
 * PCare clients ("Rujukan FKTP": No. Rujukan = noKunjungan, Kepada Yth. dokter <sub-spesialis> di <PPK>).
 * Throws NOT_FOUND for an unknown visit, one not yet examined, or one saved without a referral.
 */
export function referralLetter(db: DB, faskes: PrintFaskes, noRawat: string): PrintReferral {
  const reg = registration(db, noRawat)
  const exam = db.prepare('SELECT data, no_kunjungan, created_at FROM examinations WHERE no_rawat = ?').get(noRawat) as
    | { data: string; no_kunjungan: string | null; created_at: number }
    | undefined
  if (!exam) throw new AppError('NOT_FOUND', msg('print.noExam', { noRawat }))
  const input = JSON.parse(exam.data) as ExaminationInput
  const r = input.rujukan
  if (!r) throw new AppError('NOT_FOUND', msg('print.noReferral', { noRawat }))
  const p = db.prepare('SELECT nama, sex, tgl_lahir FROM patients WHERE no_kartu = ?').get(reg.no_kartu) as
    | { nama: string; sex: string | null; tgl_lahir: string | null }
    | undefined
  const tglLahir = isoDate(p?.tgl_lahir ?? null)
  const khusus = coded(db, 'SELECT nm_khusus AS nama FROM ref_khusus WHERE kd_khusus = ?', r.kdKhusus)
  return {
    faskesAsal: { name: faskes.faskesName, kdPPK: faskes.kdPPK },
    noRawat: reg.no_rawat,
    noKunjungan: exam.no_kunjungan,
    tglKunjungan: reg.tgl_daftar,
    writtenAt: exam.created_at,
    nmPoli: poliName(db, reg),
    tujuan: { kdppk: r.kdppk, nmppk: r.nmppk, ...tujuanContact(db, r.kdppk) },
    spesialis: coded(db, 'SELECT nm_spesialis AS nama FROM ref_spesialis WHERE kd_spesialis = ?', r.kdSpesialis),
    subSpesialis: coded(db, 'SELECT nm_subspesialis AS nama FROM ref_subspesialis WHERE kd_subspesialis = ?', r.kdSubSpesialis),
    sarana: coded(db, 'SELECT nm_sarana AS nama FROM ref_sarana WHERE kd_sarana = ?', r.kdSarana),
    khusus: khusus ? { ...khusus, catatan: r.catatan ?? null } : null,
    tglEstRujuk: r.tglEstRujuk,
    patient: {
      nama: p?.nama ?? null,
      noKartu: reg.no_kartu,
      tglLahir,
      sex: p?.sex ?? null,
      umur: tglLahir ? ageOn(tglLahir, reg.tgl_daftar) : null,
    },
    diagnoses: input.diagnoses.map(({ kdDiag, nmDiag }) => ({ kdDiag, nmDiag })),
    alasan: r.alasan,
    tacc: r.tacc ? { kdTacc: r.tacc.kdTacc, alasanTacc: r.tacc.alasanTacc } : null,
    dokter: r.dokter,
  }
}
