import type { Locale } from '../i18n'

const tag = (locale: Locale) => (locale === 'id' ? 'id-ID' : 'en-GB')

/**
 * A date written out as on a letter: "Senin, 23 November 2026" / "Monday, 23 November 2026". `when` is a calendar
 * date (yyyy-MM-dd, taken as is) or an epoch-ms instant (its local day).
 */
export function longDate(locale: Locale, when: string | number, weekday = false): string {
  const [y, m, d] = typeof when === 'string' ? when.split('-').map(Number) : [0, 0, 0]
  const date = typeof when === 'string' ? new Date(y, m - 1, d) : new Date(when)
  return new Intl.DateTimeFormat(tag(locale), { weekday: weekday ? 'long' : undefined, day: 'numeric', month: 'long', year: 'numeric' }).format(date)
}
