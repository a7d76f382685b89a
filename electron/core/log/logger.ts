import { maskText, namesIn, redact } from './mask'

type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

interface LogRecord {
  ts: string
  level: LogLevel
  scope: string
  msg: string
  [field: string]: unknown
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(scope: string, fields?: Record<string, unknown>): Logger
}

interface LoggerOptions {
  scope?: string
  level?: LogLevel
  /** Receives each record already masked; default writes one JSON line to stderr. */
  sink?: (record: LogRecord) => void
  /** Fields added to every record (masked like the rest). */
  fields?: Record<string, unknown>
  now?: () => number
}

const stderrSink = (record: LogRecord): void => {
  process.stderr.write(JSON.stringify(record) + '\n')
}

/**
 * The one structured logger. Masking happens here, before the sink, so no caller can forget it:
 * every string is scanned for card numbers and NIK (also grouped with spaces or dashes) and credentials, secret and
 * name keys are redacted at any depth, and a name given under a name key is masked everywhere in its record
 * (mask.ts says the rule).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const scope = options.scope ?? 'app'
  const min = ORDER[options.level ?? (process.env.FASKES_LOG_LEVEL as LogLevel) ?? 'info'] ?? ORDER.info
  const sink = options.sink ?? stderrSink
  const base = options.fields ?? {}
  const now = options.now ?? Date.now

  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[level] < min) return
    const all = { ...base, ...(fields ?? {}) }
    // A name the caller gave as a field (or as a child logger's field) is masked in the whole record, message included.
    const names = namesIn(all)
    const masked = redact(all, names) as Record<string, unknown>
    // Record keys win over caller fields so a field named `level` cannot forge the record's level.
    sink({ ...masked, ts: new Date(now()).toISOString(), level, scope, msg: maskText(msg, names) })
  }

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (childScope, fields) =>
      createLogger({ ...options, scope: `${scope}.${childScope}`, fields: { ...base, ...(fields ?? {}) } }),
  }
}

/** Records kept in memory, for tests and for the CLI's verbose mode. */
export function memorySink(): { sink: (r: LogRecord) => void; records: LogRecord[] } {
  const records: LogRecord[] = []
  return { sink: (r) => records.push(r), records }
}
