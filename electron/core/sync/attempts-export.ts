import { localIsoDate } from '../clinic/dates'
import type { DB } from '../db'
import { maskText } from '../log'

/**
 * The columns of the attempts CSV, in order. Operational facts only: what was sent where, when, how it ended and who
 * asked. The error message, the request and the response are left out on purpose: they are free text or bodies that
 * may carry a patient's name, card number or NIK, which masking digits cannot remove (a name has no shape).
 * `date` and `time` are the workstation's local time (the faskes's day); `duration_ms` is milliseconds;
 * `error_fields` the names of the fields a remote refused, separated by `;`.
 */
export const ATTEMPT_CSV_COLUMNS = [
  'attempt_id',
  'job_id',
  'target',
  'operation',
  'entity_type',
  'entity_id',
  'date',
  'time',
  'duration_ms',
  'outcome',
  'http_status',
  'meta_code',
  'error_code',
  'error_fields',
  'triggered_by',
  'correlation_id',
] as const

interface AttemptRow {
  id: number
  outbox_id: number
  target: string
  operation: string
  entity_type: string
  entity_id: string
  started_at: number
  duration_ms: number | null
  outcome: string
  http_status: number | null
  meta_code: number | null
  error_code: string | null
  error_fields: string | null
  triggered_by: string | null
  correlation_id: string | null
}

/**
 * One CSV cell (RFC 4180): numbers as they are; text masked (13/16-digit runs keep only their last 4 digits), a
 * leading `= + - @` or tab defused with `'` so a spreadsheet does not run it as a formula, and quoted when it holds a
 * quote, comma, line break or edge white space (quotes doubled).
 */
function csvCell(v: string | number | null): string {
  if (v === null) return ''
  if (typeof v === 'number') return String(v)
  let s = maskText(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** The refused field names of a stored error_fields JSON array (`[{field, message}]`); anything else reads as none. */
function fieldNames(json: string | null): string {
  if (!json) return ''
  try {
    const f: unknown = JSON.parse(json)
    return Array.isArray(f) ? f.map((x: { field?: unknown }) => String(x?.field ?? '')).filter(Boolean).join(';') : ''
  } catch {
    return ''
  }
}

function clock(ms: number): string {
  const d = new Date(ms)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')
}

/**
 * Every send attempt (and resend/cancel marker) that started in [fromMs, toMs) — epoch milliseconds, `toMs`
 * exclusive — as CSV lines ending in CRLF: the header (ATTEMPT_CSV_COLUMNS) first, then one line per attempt, oldest
 * first. Lazy: rows are read as the caller writes them, so a year of attempts never sits in memory at once.
 */
export function* attemptsCsv(db: DB, fromMs: number, toMs: number): Generator<string> {
  yield ATTEMPT_CSV_COLUMNS.join(',') + '\r\n'
  const rows = db
    .prepare(
      `SELECT a.id, a.outbox_id, o.target, o.operation, o.entity_type, o.entity_id, a.started_at, a.duration_ms, a.outcome,
              a.http_status, a.meta_code, a.error_code, a.error_fields, a.triggered_by, a.correlation_id
         FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
        WHERE a.started_at >= ? AND a.started_at < ? ORDER BY a.started_at, a.id`,
    )
    .iterate(fromMs, toMs) as IterableIterator<AttemptRow>
  for (const r of rows) {
    const cells: (string | number | null)[] = [
      r.id,
      r.outbox_id,
      r.target,
      r.operation,
      r.entity_type,
      r.entity_id,
      localIsoDate(r.started_at),
      clock(r.started_at),
      r.duration_ms,
      r.outcome,
      r.http_status,
      r.meta_code,
      r.error_code,
      fieldNames(r.error_fields),
      r.triggered_by,
      r.correlation_id,
    ]
    yield cells.map(csvCell).join(',') + '\r\n'
  }
}
