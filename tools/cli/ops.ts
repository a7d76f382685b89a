import { closeSync, existsSync, openSync, writeSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { OutboxRow, SyncStatus } from '../../electron/contract'
import { formatServerMessage, isServerMessageKey } from '../../electron/contract/messages'
import { openCore, type Core } from '../../electron/core/app'
import { demoRemotesFromEnv } from '../../electron/core/demo'
import { AppError } from '../../electron/core/errors'
import { createLogger, maskText, namesIn, redact } from '../../electron/core/log'
import { SatusehatError } from '../../electron/core/satusehat'
import { maskNik } from '../../electron/core/satusehat/store'
import { refreshNow } from '../../electron/core/reference/queries'
import { listOutbox, outboxDetail, resend } from '../../electron/core/sync/admin'
import { attemptsCsv } from '../../electron/core/sync/attempts-export'
import { POLL_INTERVAL_MS } from '../../electron/core/sync/backoff'
import type { Remotes } from '../../electron/core/sync/engine'
import { syncStatus } from '../../electron/core/sync/status'
import { runAsMain } from '../lib/main'

const USAGE = `Pemakaian / usage: npm run cli:ops -- [--data-dir <folder>] <perintah / command> [opsi / options]
Perintah / commands:
  sync status                  jumlah kiriman per tujuan + pekerjaan yang menunggu petugas
                               outbox per target + jobs that wait for a person
  resend <id> [<id>…]          kirim ulang pekerjaan yang gagal (id dari "sync status")
                               send failed jobs again (ids from "sync status")
  export attempts --from <yyyy-MM-dd> --to <yyyy-MM-dd> [--out <file.csv>]
                               percobaan kirim per hari (tanggal lokal, --to ikut) sebagai CSV tanpa data pasien
                               send attempts by local day (--to included) as CSV without patient data
  reference refresh            ambil ulang data referensi dari PCare / fetch the reference lists again
  satusehat ping               token + Organization SATUSEHAT dari Pengaturan / token and Organization check
  satusehat patient <nik>      IHS id pasien di MPI menurut NIK (NIK disamarkan) / Patient IHS id by NIK (masked)
  satusehat get <path>         GET mentah relatif ke basis FHIR, mis. "Encounter/<id>" (NIK dan nama disamarkan)
                               raw GET relative to the FHIR base, e.g. "Encounter/<id>" (NIK and names masked)
Opsi / options:
  --data-dir <folder>  folder berisi faskes.db (default: FASKES_DATA_DIR) / folder holding faskes.db
                       aplikasi desktop: folder userData Electron (Linux ~/.config/<nama aplikasi>,
                       Windows %APPDATA%\\<nama aplikasi>) / desktop app: Electron's userData folder
  --json               keluaran JSON (sync status) / JSON output
  --help               bantuan ini / this help
Kode keluar / exit codes: 0 berhasil / done, 1 gagal / failed, 2 pemakaian salah / bad usage.
Kredensial PCare dari keychain seperti aplikasi; tanpa URL PCare di Pengaturan, simulator demo (FASKES_DEMO_PCARE_URL).
PCare credentials come from the keychain as in the app; with no PCare URL in Settings, the demo simulator.
SATUSEHAT: lingkungan di Pengaturan; "demo" = simulator di http://127.0.0.1:8788 seperti "npm start" menjalankannya
(port lain: FASKES_DEMO_SATUSEHAT_URL=http://127.0.0.1:<port>). / environment from Settings; "demo" = the simulator
at http://127.0.0.1:8788 where "npm start" runs it (another port: FASKES_DEMO_SATUSEHAT_URL=http://127.0.0.1:<port>).`

/** Where the CLI writes and what it may use instead of the OS (tests pass their own). */
export interface OpsIo {
  env: NodeJS.ProcessEnv
  out: (line: string) => void
  err: (line: string) => void
  /** Credentials source instead of the OS keychain (tests); the app's CredentialStore when absent. */
  keychain?: Remotes['keychain']
  /** Where the demo SATUSEHAT simulator is looked for without FASKES_DEMO_SATUSEHAT_URL (tests); DEMO_SATUSEHAT_ORIGIN when absent. */
  demoSatusehatOrigin?: string
}

/**
 * Where `npm start` (tools/dev/run.sh, tools/dev/workstation.ts `--satusehat-sim-port` default) and `npm run
 * sim:satusehat` run the SATUSEHAT simulator and point the app at it: the CLI looks there too when
 * FASKES_DEMO_SATUSEHAT_URL is not set, so `satusehat ping` beside a running demo needs no variable.
 */
const DEMO_SATUSEHAT_ORIGIN = 'http://127.0.0.1:8788'

/** The demo simulator's address the CLI uses, and whether it came from FASKES_DEMO_SATUSEHAT_URL. */
function demoSatusehatOrigin(io: OpsIo): { origin: string; fromEnv: boolean } {
  const fromEnv = io.env.FASKES_DEMO_SATUSEHAT_URL
  return fromEnv ? { origin: fromEnv, fromEnv: true } : { origin: io.demoSatusehatOrigin ?? DEMO_SATUSEHAT_ORIGIN, fromEnv: false }
}

class UsageError extends Error {}

/** Bad usage: the message, then the usage text; exit 2. */
function usage(message: string): never {
  throw new UsageError(message)
}

/** Local calendar day `yyyy-MM-dd` → epoch ms of its local midnight; `plusDays` moves to a later day's midnight. */
function localDayStart(value: string | undefined, flag: string, plusDays = 0): number {
  const m = value === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null
  // new Date rolls 2026-02-30 over to March: a day that does not come back as written is not a day.
  if (!m || !d || d.getFullYear() !== Number(m[1]) || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3])) {
    usage(`--${flag} harus tanggal yyyy-MM-dd, mis. 2026-01-31 / must be a date like 2026-01-31`)
  }
  d.setDate(d.getDate() + plusDays)
  return d.getTime()
}

/** Epoch ms → local `yyyy-MM-dd HH:mm`, or a dash. */
function when(ms: number | null): string {
  if (ms === null) return '—'
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** An error from core in both languages when it carries a catalogue key, else its (masked) text. */
function describe(err: unknown): string {
  // SATUSEHAT's own answer: kind/reason, HTTP status and the OperationOutcome issues (masked like the logs).
  if (err instanceof SatusehatError) return `SATUSEHAT ${maskText(err.describe())}`
  if (err instanceof AppError && isServerMessageKey(err.key)) {
    const id = formatServerMessage('id', err.key, err.params)
    const en = formatServerMessage('en', err.key, err.params)
    return id === en ? id : `${id} / ${en}`
  }
  return maskText(err instanceof Error ? err.message : String(err))
}

function printStatus(io: OpsIo, dbFile: string, status: SyncStatus, waiting: OutboxRow[]): void {
  io.out(`Status sinkronisasi / sync status — ${dbFile}`)
  io.out('tujuan    menunggu  tertahan  dikirim  gagal  berhasil terakhir')
  io.out('target     pending   blocked  sending failed  last success')
  for (const t of status.targets) {
    io.out(`${t.target.padEnd(9)} ${String(t.pending).padStart(8)}  ${String(t.blocked).padStart(8)}  ${String(t.inFlight).padStart(7)}  ${String(t.failed).padStart(5)}  ${when(t.lastSuccessAt)}${t.failing ? '  (gagal terakhir / last send failed)' : ''}`)
  }
  io.out(`Data referensi / reference data: ${status.referenceAt === null ? 'belum pernah diambil / never fetched' : when(status.referenceAt)}`)
  if (!waiting.length) {
    io.out('Tidak ada pekerjaan yang menunggu petugas. / No job waits for a person.')
    return
  }
  io.out(`Menunggu petugas / waiting for a person (${waiting.length}):`)
  for (const r of waiting) {
    // The remote's words may quote the patient: card numbers and NIK are masked as in the logs.
    const message = r.lastErrorMessage ? `  ${maskText(r.lastErrorMessage).slice(0, 120)}` : ''
    io.out(`  #${r.id}  ${r.target}  ${r.operation}  ${r.entityId}  ${r.attempts}x  ${r.lastErrorCode ?? '—'}${message}`)
  }
  io.out('Kirim ulang / resend: npm run cli:ops -- resend <id>')
}

async function run(core: Core, command: string, rest: string[], flags: { json: boolean; from?: string; to?: string; out?: string }, io: OpsIo): Promise<number> {
  if (command === 'sync status') {
    const status = syncStatus(core.db)
    const waiting = listOutbox(core.db, { status: ['failed_permanent'], limit: 100 })
    if (flags.json) io.out(JSON.stringify({ status, waiting: waiting.map((r) => ({ id: r.id, target: r.target, operation: r.operation, entityId: r.entityId, attempts: r.attempts, lastErrorCode: r.lastErrorCode })) }, null, 2))
    else printStatus(io, core.dbFile, status, waiting)
    return 0
  }
  if (command === 'resend') {
    if (!rest.length) usage('resend: id pekerjaan belum diberikan / no job id given')
    const ids = rest.map((a) => (/^[1-9]\d{0,15}$/.test(a) ? Number(a) : usage(`resend: "${a}" bukan id pekerjaan / is not a job id`)))
    const by = `cli:${userInfo().username}`
    const { resent } = resend(core.db, ids, by)
    for (const id of ids.filter((i) => !resent.includes(i))) {
      let why: string
      try {
        why = `status ${outboxDetail(core.db, id).status}: tidak perlu dikirim ulang / nothing to resend`
      } catch (err) {
        why = describe(err)
      }
      io.err(`#${id} tidak dikirim ulang / not resent — ${why}`)
    }
    if (resent.length) {
      io.out(`Dikirim ulang / queued again: ${resent.map((i) => `#${i}`).join(', ')} (tercatat atas nama / recorded as ${by}).`)
      io.out(`Aplikasi yang berjalan mengirimnya dalam ±${POLL_INTERVAL_MS / 1000} detik; jika tidak berjalan, saat dibuka. / A running app sends it within about ${POLL_INTERVAL_MS / 1000} s; otherwise when it starts.`)
    }
    return resent.length === ids.length ? 0 : 1
  }
  if (command === 'export attempts') {
    if (rest.length) usage(`export attempts: argumen berlebih / unexpected argument "${rest[0]}"`)
    const from = localDayStart(flags.from, 'from')
    const to = localDayStart(flags.to, 'to', 1)
    if (to <= from) usage('--to tidak boleh sebelum --from / --to must not be before --from')
    // Written synchronously, line by line: the rows are read lazily and the connection stays busy until the end.
    const fd = flags.out ? openSync(resolve(flags.out), 'w') : null
    let rows = -1
    try {
      for (const line of attemptsCsv(core.db, from, to)) {
        if (fd === null) io.out(line.replace(/\r\n$/, ''))
        else writeSync(fd, line)
        rows++
      }
    } finally {
      if (fd !== null) closeSync(fd)
    }
    if (flags.out) io.err(`${rows} percobaan ditulis ke / attempts written to ${resolve(flags.out)}`)
    return 0
  }
  if (command === 'reference refresh') {
    const r = await refreshNow(core.db, core.engine)
    io.out(`Data referensi diperbarui / reference data refreshed: ${r.written.join(', ') || '—'}`)
    if (r.skipped.length) io.out(`Tidak diubah (PCare tidak memberi daftar) / kept (PCare sent no list): ${r.skipped.join(', ')}`)
    return 0
  }
  if (command.startsWith('satusehat ')) return satusehat(core, command, rest, io)
  return usage(`perintah tidak dikenal / unknown command: ${command}`)
}

/**
 * `satusehat ping|patient <nik>|get <path>` through the engine's SATUSEHAT client (settings + keychain, or the demo
 * simulator), as the outbox lane would call it. Output never holds a whole NIK or a patient's name: the NIK is shown
 * as `maskNik` does, a GET's JSON goes through the log masking (13/16-digit numbers, name fields).
 */
async function satusehat(core: Core, command: string, rest: string[], io: OpsIo): Promise<number> {
  try {
    return await satusehatCommand(core, command, rest, io)
  } catch (err) {
    // The demo simulator not answering where it was looked for: say where, and what to set.
    const demo = demoSatusehatOrigin(io)
    if (err instanceof SatusehatError && err.reason === 'network' && core.settings.get().satusehat.environment === 'demo') {
      const how = demo.fromEnv
        ? 'periksa FASKES_DEMO_SATUSEHAT_URL / check FASKES_DEMO_SATUSEHAT_URL'
        : 'jalankan "npm start" atau "npm run sim:satusehat", atau set FASKES_DEMO_SATUSEHAT_URL=http://127.0.0.1:<port> / run "npm start" or "npm run sim:satusehat", or set FASKES_DEMO_SATUSEHAT_URL=http://127.0.0.1:<port>'
      throw new Error(`simulator demo SATUSEHAT tidak menjawab di / the demo SATUSEHAT simulator does not answer at ${demo.origin}: ${how}`, { cause: err })
    }
    throw err
  }
}

async function satusehatCommand(core: Core, command: string, rest: string[], io: OpsIo): Promise<number> {
  if (!core.engine) throw new Error('SATUSEHAT: no sync engine in this core')
  const sub = command.slice('satusehat '.length)
  if (sub === 'ping') {
    if (rest.length) usage(`satusehat ping: argumen berlebih / unexpected argument "${rest[0]}"`)
    const c = await core.engine.satusehatClient()
    const r = await c.ping()
    io.out(`SATUSEHAT OK — ${c.config.fhirBase}, organisasi / organization ${c.config.orgId}${r.organizationName ? ` (${r.organizationName})` : ''}`)
    return 0
  }
  if (sub === 'patient') {
    const nik = rest[0] ?? ''
    if (rest.length !== 1 || !/^\d{16}$/.test(nik)) usage('satusehat patient: NIK 16 digit / a 16-digit NIK is required')
    const hit = await (await core.engine.satusehatClient()).patientByNik(nik)
    // total: 0 is the platform's "not in the MPI" (reference §2.2): an answer, not a failure of the command.
    io.out(hit ? `NIK ${maskNik(nik)}: Patient ${hit.id}` : `NIK ${maskNik(nik)}: tidak ada di MPI SATUSEHAT / not in SATUSEHAT's MPI (total 0)`)
    return 0
  }
  // get: a path relative to the FHIR base; never an absolute URL (the token must not go to another host).
  const path = rest[0] ?? ''
  const resourcePart = path.split('?')[0]!
  if (rest.length !== 1 || !/^[A-Za-z][A-Za-z0-9_$/.?=&|:%+,-]*$/.test(path) || resourcePart.includes('..') || resourcePart.includes(':') || resourcePart.includes('//')) {
    usage('satusehat get: path relatif ke basis FHIR, mis. Encounter/<id> / a path relative to the FHIR base, e.g. Encounter/<id>')
  }
  const r = await (await core.engine.satusehatClient()).request<unknown>('GET', path)
  // Names under name keys and in FHIR References' displays are also masked in the rest of the answer (a narrative).
  io.out(JSON.stringify(redact(r.body, namesIn(r.body)), null, 2))
  return 0
}

const COMMANDS = ['sync status', 'export attempts', 'reference refresh', 'satusehat ping', 'satusehat patient', 'satusehat get']

/**
 * The ops CLI: reads and acts on a workstation's SQLite file through the same core functions the app's IPC handlers
 * call (status, resend, reference refresh), with the keychain for credentials as the app has it. Returns the exit
 * code: 0 done, 1 the command failed (a job not resent, a remote refused), 2 bad usage or no database.
 */
export async function runOps(argv: string[], io: OpsIo): Promise<number> {
  let core: Core | null = null
  try {
    const S = { type: 'string' } as const
    const { values, positionals } = parseArgs({
      args: argv,
      options: { 'data-dir': S, from: S, to: S, out: S, json: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
    if (values.help) {
      io.out(USAGE)
      return 0
    }
    const two = positionals.slice(0, 2).join(' ')
    const command = COMMANDS.includes(two) ? two : (positionals[0] ?? '')
    const rest = positionals.slice(command.split(' ').length)
    if (!command) usage('perintah belum diberikan / no command given')
    if (command !== 'resend' && !COMMANDS.includes(command)) usage(`perintah tidak dikenal / unknown command: ${positionals.join(' ')}`)
    const dataDir = values['data-dir'] ?? io.env.FASKES_DATA_DIR
    if (!dataDir) usage('--data-dir atau FASKES_DATA_DIR wajib / is required')
    // Never a new empty database somewhere by mistake: the workstation's file must already be there.
    if (!existsSync(join(dataDir, 'faskes.db'))) {
      io.err(`Tidak ada faskes.db di / no faskes.db in ${resolve(dataDir)}`)
      return 2
    }
    // The workstation's file is encrypted with the keychain's key (io.keychain replaces only the remotes' credentials).
    core = await openCore({
      dataDir: resolve(dataDir),
      version: 'cli',
      remotes: { ...demoRemotesFromEnv({ ...io.env, FASKES_DEMO_SATUSEHAT_URL: demoSatusehatOrigin(io).origin }), ...(io.keychain ? { keychain: io.keychain } : {}) },
      // Nothing runs in the background here: the engine only builds the PCare client for `reference refresh`.
      engine: { referenceRefresh: undefined },
      keychain: !io.keychain,
      // Warnings and errors (masked) on stderr, so stdout stays the command's answer (a CSV, JSON).
      log: createLogger({ scope: 'cli', level: io.env.FASKES_LOG_LEVEL === 'debug' || io.env.FASKES_LOG_LEVEL === 'info' ? io.env.FASKES_LOG_LEVEL : 'warn', sink: (r) => io.err(JSON.stringify(r)) }),
    })
    return await run(core, command, rest, { json: values.json === true, from: values.from, to: values.to, out: values.out }, io)
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`${err.message}\n${USAGE}`)
      return 2
    }
    io.err(`GAGAL / FAILED: ${describe(err)}`)
    return 1
  } finally {
    await core?.close()
  }
}

if (require.main === module) runAsMain('ops', runOps)
