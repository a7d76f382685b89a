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
