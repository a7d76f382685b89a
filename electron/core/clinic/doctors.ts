import type { DoctorSchedule } from '../../contract'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { prepared } from '../db/statements'
import { AppError, fieldError, msg } from '../errors'
import type { AntreanClient } from '../pcare/antrean'
import type * as T from '../pcare/types'
import { localIsoDate } from './dates'
import { withTimeout } from './eligibility'
import { pcareUnreachable } from './remote-code'

/** One doctor on a poli's schedule for a day (see the contract's DoctorSchedule). */
export type ScheduleEntry = DoctorSchedule['dokter'][number]

/** A cached answer younger than this is used as is, so switching poli back and forth does not call PCare each time. */
const SCHEDULE_FRESH_MS = 5 * 60_000
/** How long the counter waits for PCare before it shows the cached schedule. */
const SCHEDULE_TIMEOUT_MS = 4_000

const JAM = /^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$/

/**
 * The doctors whose jampraktek ("HH:MM-HH:MM", both ends inclusive) covers `minutes` (minutes after local midnight).
 * A malformed jampraktek never matches. A range ending before it starts (a night shift, "20:00-07:00") wraps midnight.
 */
export function onDutyAt(dokter: ScheduleEntry[], minutes: number): ScheduleEntry[] {
  return dokter.filter((d) => {
    const m = JAM.exec(d.jamPraktek)
    if (!m) return false
    const from = Number(m[1]) * 60 + Number(m[2])
    const to = Number(m[3]) * 60 + Number(m[4])
    return from <= to ? minutes >= from && minutes <= to : minutes >= from || minutes <= to
  })
}

/** Minutes after local midnight of an epoch-ms instant. */
function localMinutes(ms: number): number {
  const d = new Date(ms)
  return d.getHours() * 60 + d.getMinutes()
}

/** Days of schedules kept: two weeks cover the weekly fallback with room to spare; older days are dropped. */
const SCHEDULE_KEEP_DAYS = 14

/** Replaces the cached schedule of one poli and day with PCare's answer (an empty answer is kept: nobody serves). */
export function storeSchedule(db: DB, kdPoli: string, tanggal: string, list: T.AntreanDokter[], fetchedAt: number): void {
  writeTx(db, () => {
    for (const table of ['doctor_schedule', 'doctor_schedule_fetch']) {
      db.prepare(`DELETE FROM ${table} WHERE tanggal < date(?, '-${SCHEDULE_KEEP_DAYS} days')`).run(tanggal)
    }
    db.prepare('DELETE FROM doctor_schedule WHERE kd_poli = ? AND tanggal = ?').run(kdPoli, tanggal)
    const ins = db.prepare('INSERT OR REPLACE INTO doctor_schedule (kd_poli, tanggal, kd_dokter, nm_dokter, jam_praktek, kapasitas) VALUES (?, ?, ?, ?, ?, ?)')
    // Antrean's kodedokter is a number; PCare's kdDokter is the same code as text.
    for (const d of list) ins.run(kdPoli, tanggal, String(d.kodedokter), d.namadokter, d.jampraktek, Number.isFinite(d.kapasitas) ? d.kapasitas : null)
    db.prepare(
      'INSERT INTO doctor_schedule_fetch (kd_poli, tanggal, fetched_at) VALUES (?, ?, ?) ON CONFLICT (kd_poli, tanggal) DO UPDATE SET fetched_at = excluded.fetched_at',
    ).run(kdPoli, tanggal, fetchedAt)
  })
}

/**
 * The last answer for this poli: the day asked for when it was ever fetched, else (`fallback`) the most recent
 * earlier day, since a weekly schedule is a better guess than none when PCare cannot be asked.
 */
export function cachedSchedule(db: DB, kdPoli: string, tanggal: string, fallback = true): { tanggal: string; fetchedAt: number; dokter: ScheduleEntry[] } | null {
  const f = (prepared(db, 'SELECT tanggal, fetched_at FROM doctor_schedule_fetch WHERE kd_poli = ? AND tanggal = ?').get(kdPoli, tanggal) ??
    (fallback
      ? prepared(db, 'SELECT tanggal, fetched_at FROM doctor_schedule_fetch WHERE kd_poli = ? AND tanggal < ? ORDER BY tanggal DESC LIMIT 1').get(kdPoli, tanggal)
      : undefined)) as { tanggal: string; fetched_at: number } | undefined
  if (!f) return null
  const dokter = db
    .prepare(
      `SELECT kd_dokter AS kdDokter, nm_dokter AS nmDokter, jam_praktek AS jamPraktek, kapasitas FROM doctor_schedule
        WHERE kd_poli = ? AND tanggal = ? ORDER BY jam_praktek, nm_dokter`,
    )
    .all(kdPoli, f.tanggal) as ScheduleEntry[]
  return { tanggal: f.tanggal, fetchedAt: f.fetched_at, dokter }
}

function view(kdPoli: string, today: string, minutes: number, c: ReturnType<typeof cachedSchedule>, source: 'live' | 'cache', error: string | null): DoctorSchedule {
  if (!c) return { kdPoli, tanggal: null, dokter: [], onDuty: null, source: 'none', fetchedAt: null, error }
  const duty = c.tanggal === today ? onDutyAt(c.dokter, minutes) : []
  return { kdPoli, tanggal: c.tanggal, dokter: c.dokter, onDuty: duty.length === 1 ? duty[0]!.kdDokter : null, source, fetchedAt: c.fetchedAt, error }
}

/**
 * The schedule of `kdPoli` today (the workstation's day): the cache when fresh, else Antrean FKTP
 * `GET ref/dokter/kodepoli/{kodepoli}/tanggal/{yyyy-MM-dd}` (docs/pcare.md#antrean-fktp; Antrean kodepoli = PCare kdPoli),
 * stored, else the last answer. `client` is null when no Antrean service is configured. Never throws for a remote.
 * `report` tells the antrean worker (the status bar) whether Antrean FKTP answered, as the card check does for PCare.
 */
export async function doctorSchedule(
  db: DB,
  client: (() => Promise<AntreanClient>) | null,
  kdPoli: string,
  opts: { now?: number; force?: boolean; timeoutMs?: number; report?: (reachable: boolean) => void } = {},
): Promise<DoctorSchedule> {
  const now = opts.now ?? Date.now()
  const today = localIsoDate(now)
  const minutes = localMinutes(now)
  const cached = cachedSchedule(db, kdPoli, today, false)
  if (cached && !opts.force && now - cached.fetchedAt < SCHEDULE_FRESH_MS) return view(kdPoli, today, minutes, cached, 'cache', null)
  if (!client) return view(kdPoli, today, minutes, cachedSchedule(db, kdPoli, today), 'cache', 'Antrean FKTP belum dikonfigurasi.')
  try {
    const list = await withTimeout((async () => (await client()).refDokter(kdPoli, today))(), opts.timeoutMs ?? SCHEDULE_TIMEOUT_MS, 'Antrean FKTP')
    storeSchedule(db, kdPoli, today, list, now)
    opts.report?.(true)
    return view(kdPoli, today, minutes, cachedSchedule(db, kdPoli, today, false), 'live', null)
  } catch (err) {
    if (pcareUnreachable(err)) opts.report?.(false)
    return view(kdPoli, today, minutes, cachedSchedule(db, kdPoli, today), 'cache', err instanceof Error ? err.message : String(err))
  }
}

/**
 * Fetches today's schedule of each poli (with the reference refresh). Polis PCare refused or did not answer are
 * listed in `failed` and keep their last answer.
 */
export async function refreshSchedules(db: DB, client: () => Promise<AntreanClient>, kdPolis: string[], now = Date.now()): Promise<{ fetched: string[]; failed: string[] }> {
  const fetched: string[] = []
  const failed: string[] = []
  const c = await client()
  const today = localIsoDate(now)
  for (const kdPoli of kdPolis) {
    try {
      storeSchedule(db, kdPoli, today, await c.refDokter(kdPoli, today), now)
      fetched.push(kdPoli)
    } catch {
      failed.push(kdPoli)
    }
  }
  return { fetched, failed }
}

/**
 * Refuses a doctor who is not on the poli's cached schedule of that day, and, when no schedule is cached, one who
 * is not on PCare's cached dokter list. An empty (or never fetched) list checks nothing: offline, the counter and
 * the clinician must still be able to work. `field` names the input for the page.
 */
export function checkDokter(db: DB, kdPoli: string, tanggal: string, kdDokter: string, field = 'kdDokter'): void {
  const schedule = cachedSchedule(db, kdPoli, tanggal, false)
  if (schedule && schedule.dokter.length) {
    if (schedule.dokter.some((d) => d.kdDokter === kdDokter)) return
    throw new AppError('INVALID_INPUT', msg('dokter.notOnSchedule', { kdDokter, tanggal }), [fieldError(field, msg('dokter.notOnScheduleShort'))])
  }
  const { n } = prepared(db, 'SELECT count(*) AS n FROM ref_dokter').get() as { n: number }
  if (n > 0 && !prepared(db, 'SELECT 1 FROM ref_dokter WHERE kd_dokter = ?').get(kdDokter)) {
    throw new AppError('INVALID_INPUT', msg('dokter.unknown', { kdDokter }), [fieldError(field, msg('dokter.unknownShort'))])
  }
}

/**
 * The doctor Antrean add names for a registration, from that day's cached Antrean schedule only (never guessed):
 * the one the counter chose (`kdDokter`) when on it; without a choice, the only doctor of the day, else the only one
 * whose hours covered the registration (`registeredAt`, epoch ms). Null when the schedule does not say.
 */
export function antreanDoctor(db: DB, reg: { kdPoli: string; tanggal: string; kdDokter: string | null; registeredAt: number }): ScheduleEntry | null {
  if (reg.kdDokter) return scheduleEntry(db, reg.kdPoli, reg.tanggal, reg.kdDokter)
  const day = cachedSchedule(db, reg.kdPoli, reg.tanggal, false)?.dokter ?? []
  if (day.length === 1) return day[0]!
  const duty = onDutyAt(day, localMinutes(reg.registeredAt))
  return duty.length === 1 ? duty[0]! : null
}

/** The doctor's name and hours on that day's cached schedule (for Antrean add), or null. */
function scheduleEntry(db: DB, kdPoli: string, tanggal: string, kdDokter: string): ScheduleEntry | null {
  return (
    (db
      .prepare('SELECT kd_dokter AS kdDokter, nm_dokter AS nmDokter, jam_praktek AS jamPraktek, kapasitas FROM doctor_schedule WHERE kd_poli = ? AND tanggal = ? AND kd_dokter = ?')
      .get(kdPoli, tanggal, kdDokter) as ScheduleEntry | undefined) ?? null
  )
}
