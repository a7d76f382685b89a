import type { AppInfo } from '../../electron/contract'

type Locale = AppInfo['locale']

/**
 * The page's one way to write a time: always 24-hour, in either language (a browser's English defaults to
 * "07:16 PM", which nobody at a puskesmas reads). English takes the day-month-year order of en-GB, as Indonesia does.
 */
const tag = (locale: Locale) => (locale === 'id' ? 'id-ID' : 'en-GB')

const formats = new Map<string, Intl.DateTimeFormat>()
function format(locale: Locale, withDate: boolean): Intl.DateTimeFormat {
  const key = `${locale}:${withDate}`
  let f = formats.get(key)
  if (!f) {
    const date: Intl.DateTimeFormatOptions = withDate ? { day: '2-digit', month: '2-digit', year: 'numeric' } : {}
    f = new Intl.DateTimeFormat(tag(locale), { ...date, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    formats.set(key, f)
  }
  return f
}

/** Local wall-clock time of an epoch-ms instant: HH:MM (Indonesian writes HH.MM). */
export function clock(locale: Locale, at: number): string {
  return format(locale, false).format(new Date(at))
}

/** Local date and 24-hour time of an epoch-ms instant, e.g. 29/11/2026 19:16. */
export function dateTime(locale: Locale, at: number): string {
  return format(locale, true).format(new Date(at))
}

/** HH:MM when the instant is today, else the date with the time: what lists and "as of" notes show. */
export function when(locale: Locale, at: number): string {
  return new Date().toDateString() === new Date(at).toDateString() ? clock(locale, at) : dateTime(locale, at)
}
