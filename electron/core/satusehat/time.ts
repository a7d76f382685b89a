import type { FaskesZone, TimeStyle } from './config'

/** Indonesia keeps no daylight saving: WIB +7, WITA +8, WIT +9 hours (reference §2.9). */
const ZONE_OFFSET_MINUTES: Readonly<Record<FaskesZone, number>> = { 'Asia/Jakarta': 420, 'Asia/Makassar': 480, 'Asia/Jayapura': 540 }

/** The platform refuses datetimes before this day (reference §2.9, official resource pages). */
const EARLIEST_MS = Date.UTC(2014, 5, 3)

/** A visit time the platform would refuse: later than now (plus skew) or before 2014-06-03. Never sent, never clamped. */
export class SatusehatTimeError extends Error {
  constructor(
    readonly field: string,
    readonly atMs: number,
    readonly why: 'future' | 'too_old' | 'invalid',
  ) {
    super(`${field}: ${why} time`)
    this.name = 'SatusehatTimeError'
  }
}

const pad = (n: number): string => String(n).padStart(2, '0')

/**
 * An instant as SATUSEHAT takes it: `YYYY-MM-DDThh:mm:ss+00:00` (style `utc`, the documented contract) or the same
 * instant with the faskes's offset, e.g. `+07:00` (style `zone`). Never `Z`, never milliseconds (their acceptance is
 * UNCONFIRMED; reference §2.9). Throws SatusehatTimeError for a non-finite instant.
 */
export function fhirDateTime(ms: number, zone: FaskesZone, style: TimeStyle, field = 'time'): string {
  if (!Number.isFinite(ms)) throw new SatusehatTimeError(field, ms, 'invalid')
  const offset = style === 'utc' ? 0 : ZONE_OFFSET_MINUTES[zone]
  const d = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000)
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return `${date}T${time}+${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`
}

/**
 * Throws SatusehatTimeError when `ms` is later than `nowMs + skewMs` (a puskesmas PC with a wrong clock, or a local
 * wall-clock labelled UTC) or before 2014-06-03: such a time is refused by the platform with rule 10132, so it is
 * surfaced for a person instead of clamped (faskesku clamps, which silently changes the record).
 */
export function assertSendable(field: string, ms: number, nowMs: number, skewMs: number): void {
  if (!Number.isFinite(ms)) throw new SatusehatTimeError(field, ms, 'invalid')
  if (ms > nowMs + skewMs) throw new SatusehatTimeError(field, ms, 'future')
  if (ms < EARLIEST_MS) throw new SatusehatTimeError(field, ms, 'too_old')
}
