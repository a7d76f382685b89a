import type { Output, PatientCheck } from '../../../../electron/contract'

type Row = Output<'registration.today'>[number]

/** PCare writes dates as dd-MM-yyyy (peserta.tglLahir). Returns null for anything else. */
export function parsePcareDate(s: string | null): Date | null {
  const m = s ? /^(\d{2})-(\d{2})-(\d{4})$/.exec(s) : null
  if (!m) return null
  const d = new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1]))
  return Number.isNaN(d.getTime()) ? null : d
}

/**
 * Age at `now` from a PCare birth date, in the unit a counter uses: whole years from one year up, months below that,
 * days for the newborn (KIA). Null when the birth date is unknown or in the future.
 */
export function ageOf(tglLahir: string | null, now = new Date()): { n: number; unit: 'years' | 'months' | 'days' } | null {
  const born = parsePcareDate(tglLahir)
  if (!born || born > now) return null
  let months = (now.getFullYear() - born.getFullYear()) * 12 + (now.getMonth() - born.getMonth())
  if (now.getDate() < born.getDate()) months -= 1
  if (months >= 12) return { n: Math.floor(months / 12), unit: 'years' }
  if (months >= 1) return { n: months, unit: 'months' }
  return { n: Math.floor((now.getTime() - born.getTime()) / 86_400_000), unit: 'days' }
}

/**
 * What the counter may do after a check, decided in one place for the outcome panel and the register form:
 * - verified: PCare (live or cached) knows an active card: a BPJS registration.
 * - inactive: a known inactive card: only a self-paying (umum) registration, chosen explicitly.
 * - unverified: PCare unreachable and the card never checked here: a BPJS registration marked "belum terverifikasi".
 * - none: nothing to register (not found, or a NIK nobody knows here).
 */
export type CheckMode = 'verified' | 'inactive' | 'unverified' | 'none'

/** The mode for a check of a card number (`noKartu`) or NIK (`nik`); see CheckMode. */
export function checkMode(kind: 'noKartu' | 'nik' | null, check: PatientCheck): CheckMode {
  if (check.notFound) return 'none'
  if (check.patient) return check.patient.aktif === false ? 'inactive' : 'verified'
  return kind === 'noKartu' ? 'unverified' : 'none'
}

/**
 * PCare's ketAktif when it says more than the badge does (e.g. a reason for the inactivity); null when it only repeats
 * "AKTIF"/"TIDAK AKTIF", so the page never shows "TIDAK AKTIF TIDAK AKTIF".
 */
export function pcareReason(ketAktif: string | null): string | null {
  const k = ketAktif?.trim() ?? ''
  return k && !/^(TIDAK )?AKTIF$/i.test(k) ? k : null
}

/** Lower case, spaces and dashes dropped: "20261129-0001", "2026 1129 0001" and "Dewi  Lestari" all match as typed. */
const fold = (s: string) => s.toLowerCase().replace(/[\s-]+/g, '')

/** Rows whose name, card number or no_rawat contains every word of `q`, in poli `kdPoli` ('' = all). */
export function filterToday(rows: Row[], q: string, kdPoli: string): Row[] {
  const words = q.trim().split(/\s+/).filter(Boolean).map(fold)
  return rows.filter((r) => {
    if (kdPoli && r.kdPoli !== kdPoli) return false
    const hay = `${fold(r.nama ?? '')}|${r.noKartu}|${fold(r.noRawat)}`
    return words.every((w) => hay.includes(w))
  })
}
