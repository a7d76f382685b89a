import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createLogger, type Logger } from '../../electron/core/log'
import type * as T from '../../electron/core/pcare/types'
import { encryptPayload, expectedSignature, sameText } from './crypto'
import * as seed from './seed'
import { closeNow, listenLocal, loadSimState, saveSimState } from '../lib/sim'
import { emptyState, type SimState } from './state'

/** Obviously fake credentials; the simulator accepts only these unless a test passes others. */
export interface SimCredentials {
  consId: string
  secretKey: string
  userKey: string
  antreanUserKey: string
  username: string
  password: string
  kdAplikasi: string
}
export const SIM_CREDENTIALS: SimCredentials = {
  consId: '99999',
  secretKey: 'sim-secret-not-real',
  userKey: 'sim-user-key-not-real',
  antreanUserKey: 'sim-antrean-key-not-real',
  username: 'sim-user',
  password: 'sim-pass-not-real',
  kdAplikasi: '095',
}

export type FaultMode = 'none' | '503' | 'html500' | 'slow' | 'garbage' | 'jvalue' | 'skew' | 'reset'
export const FAULT_MODES: readonly FaultMode[] = ['none', '503', 'html500', 'slow', 'garbage', 'jvalue', 'skew', 'reset']

export interface Fault {
  mode: FaultMode
  /** How many matching requests to affect; unlimited when absent. */
  count?: number
  /** Only requests whose path (after the service base) starts with this, e.g. 'pendaftaran'. */
  pathPrefix?: string
  /** Apply the write before failing (an ambiguous failure). Default: true for slow/garbage, false otherwise. */
  commit?: boolean
  /** slow: delay before answering (default: options.slowMs). */
  delayMs?: number
  /** skew: how far the simulator's clock runs ahead of the client's (default 3600 s). */
  offsetSeconds?: number
  /** 503: the Retry-After value in seconds (default 2). */
  retryAfterSeconds?: number
}

export interface SimOptions {
  /** 0 picks a free port. The host is always 127.0.0.1. */
  port?: number
  credentials?: Partial<SimCredentials>
  /** JSON file that keeps the state across restarts. */
  statePath?: string
  /** Accepted |server clock − X-timestamp| in seconds (the real tolerance is unknown). */
  skewWindowSeconds?: number
  /** Answer a missing `Basic ` prefix with 400 "StartIndex cannot be less than zero" instead of 401. */
  startIndexQuirk?: boolean
  /** Reproduce the .NET 500 JValue answer for a kunjungan body carrying `rujukLanjut: null`. */
  jvalueOnNullRujukLanjut?: boolean
  /** Antrean ref lists as {list:[…]} (ssecd, jkn-rust) or a bare array (Khanza). */
  antreanRefShape?: 'list' | 'array'
  /**
   * Shape of every create answer (pendaftaran, kunjungan, tindakan, obat): 'documented' = one object for pendaftaran
   * and tindakan, an array for kunjungan and obat (KH, ML); 'array' and 'object' = that shape for all (TD types the
   * kunjungan answer as one object); 'none' = the write is applied but the answer carries no id.
   */
  createdShape?: 'documented' | 'array' | 'object' | 'none'
  /** `GET obat/kunjungan` items: the drug nested as `obat: {kdObat, nmObat, sedia}` (ML, TD; default) or flat. */
  obatListShape?: 'nested' | 'flat'
  /** `tglKunjungan` in `GET kunjungan/peserta` (and rujukan): PCare's request format (default) or ISO; both are seen. */
  tglKunjunganFormat?: 'dd-MM-yyyy' | 'yyyy-MM-dd'
  /** Cards whose holder has not done the Mobile JKN health screening: `antrean/add` refuses them (code 201). */
  skriningBelum?: string[]
  /** How `antrean/add` refuses a repeat: 201 "… sudah terdaftar …" (KH) or 208 "Terdapat duplikasi Kode Booking". */
  antreanDuplicate?: 'terdaftar' | 'duplikasi'
  /** Doctors' schedule per Antrean kodepoli (ref/dokter); defaults to the demo schedule in seed.ts. */
  jadwalDokter?: Record<string, T.AntreanDokter[]>
  slowMs?: number
  now?: () => number
  logger?: Logger
}

type Opts = Required<Omit<SimOptions, 'credentials' | 'statePath' | 'port' | 'logger'>>

export interface Simulator {
  readonly port: number
  readonly url: string
  readonly pcareBaseUrl: string
  readonly antreanBaseUrl: string
  readonly credentials: SimCredentials
  state(): SimState
  stats(): SimStats
  setFault(fault: Fault): void
  setOptions(opts: Partial<Opts>): void
  reset(): void
  close(): Promise<void>
}

export interface SimStats {
  requests: number
  byRoute: Record<string, number>
}

const PCARE_PREFIX = '/pcare-rest'
const ANTREAN_PREFIX = '/antreanfktp'
/** Each service also under its development name (docs/pcare.md#hosts), so a client's dev URLs can be tested. */
const SERVICE_PREFIXES: ReadonlyArray<[string, Service]> = [
  [PCARE_PREFIX, 'pcare'],
  [`${PCARE_PREFIX}-dev`, 'pcare'],
  [ANTREAN_PREFIX, 'antrean'],
  [`${ANTREAN_PREFIX}_dev`, 'antrean'],
]
const NOT_REGISTERED = 'Unauthorized! You are not registered for this service!'
const JVALUE_MESSAGE = 'Cannot access child value on Newtonsoft.Json.Linq.JValue.'
const START_INDEX_MESSAGE = 'StartIndex cannot be less than zero.\r\nParameter name: startIndex'

const IIS_500 = `<!DOCTYPE html><html><head><title>Runtime Error</title></head><body>
<h1>Server Error in '/' Application.</h1><h2><i>Runtime Error</i></h2>
<p>An application error occurred on the server. The current custom error settings for this application prevent
the details of the application error from being viewed remotely (for security reasons).</p></body></html>`
const HTML_404 = `<!DOCTYPE html><html><head><title>404 - File or directory not found.</title></head>
<body><h2>404 - File or directory not found.</h2><p>The resource you are looking for might have been removed.</p></body></html>`

type Service = 'pcare' | 'antrean'
type FieldMsg = { field: string; message: string }

interface Reply {
  status: number
  code: number
  message: string
  response: unknown
  encrypt: boolean
  mutated?: boolean
}

class Answer extends Error {
  constructor(readonly reply: Reply) {
    super(reply.message)
  }
}

const ok = (response: unknown, code = 200, message = 'OK'): Reply => ({
  status: 200,
  code,
  message,
  response,
  encrypt: response !== null && response !== undefined,
})
const created = (response: unknown): Reply => ({ ...ok(response, 201, 'CREATED'), mutated: true })
const fail = (status: number, message: string, response: unknown = null): Answer =>
  new Answer({ status, code: status, message, response, encrypt: false })
const preconditionFailed = (fields: FieldMsg[]): Answer => fail(412, 'PRECONDITION_FAILED', fields)

const DATE_PCARE = /^(0[1-9]|[12]\d|3[01])-(0[1-9]|1[0-2])-\d{4}$/
const DATE_ANTREAN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

type Spec = Record<string, 'string' | 'optstring' | 'int' | 'number' | 'bool' | 'date' | 'card'>

/** Field-level validation answering like PCare's 412: every problem at once, as {field, message}. */
function validate(body: Record<string, unknown>, spec: Spec): FieldMsg[] {
  const out: FieldMsg[] = []
  for (const [field, kind] of Object.entries(spec)) {
    const v = body[field]
    if (kind === 'optstring') {
      if (v !== null && v !== undefined && typeof v !== 'string') out.push({ field, message: `${field} harus berupa teks` })
      continue
    }
    if (v === undefined || v === null || v === '') {
      out.push({ field, message: `${field} tidak boleh kosong` })
    } else if (kind === 'int' && !Number.isInteger(v)) out.push({ field, message: `${field} harus berupa bilangan bulat` })
    else if (kind === 'number' && typeof v !== 'number') out.push({ field, message: `${field} harus berupa angka` })
    else if (kind === 'bool' && typeof v !== 'boolean') out.push({ field, message: `${field} harus true/false` })
    else if (kind === 'string' && typeof v !== 'string') out.push({ field, message: `${field} harus berupa teks` })
    else if (kind === 'date' && !(typeof v === 'string' && DATE_PCARE.test(v))) {
      out.push({ field, message: `${field} harus berformat dd-MM-yyyy` })
    } else if (kind === 'card' && !(typeof v === 'string' && /^\d{13}$/.test(v))) {
      out.push({ field, message: 'Nomor kartu harus 13 digit' })
    }
  }
  return out
}

function page<X>(items: X[], start: string, limit: string): T.PcareList<X> {
  if (!/^-?\d+$/.test(start) || !/^-?\d+$/.test(limit)) throw fail(400, 'Parameter paging harus berupa angka')
  const s = Number(start)
  const l = Number(limit)
  if (s < 0) throw fail(400, START_INDEX_MESSAGE)
  if (l <= 0) throw preconditionFailed([{ field: 'limit', message: 'limit harus lebih dari 0' }])
  return { count: items.length, list: items.slice(s, s + l) }
}

function all<X>(items: X[]): T.PcareList<X> {
  return { count: items.length, list: items }
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1'
}

interface Ctx {
  service: Service
  method: string
  segs: string[]
  body: Record<string, unknown>
}

type Handler = (p: Record<string, string>, ctx: Ctx) => Reply

export async function startSimulator(options: SimOptions = {}): Promise<Simulator> {
  const creds: SimCredentials = { ...SIM_CREDENTIALS, ...(options.credentials ?? {}) }
  const log = options.logger ?? createLogger({ scope: 'pcare-sim', level: 'warn' })
  const opts: Opts = {
    skewWindowSeconds: options.skewWindowSeconds ?? 300,
    startIndexQuirk: options.startIndexQuirk ?? false,
    jvalueOnNullRujukLanjut: options.jvalueOnNullRujukLanjut ?? false,
    antreanRefShape: options.antreanRefShape ?? 'list',
    createdShape: options.createdShape ?? 'documented',
    obatListShape: options.obatListShape ?? 'nested',
    tglKunjunganFormat: options.tglKunjunganFormat ?? 'dd-MM-yyyy',
    skriningBelum: options.skriningBelum ?? [],
    antreanDuplicate: options.antreanDuplicate ?? 'terdaftar',
    jadwalDokter: options.jadwalDokter ?? seed.ANTREAN_DOKTER,
    slowMs: options.slowMs ?? 35_000,
    now: options.now ?? Date.now,
  }
  let state = loadSimState(options.statePath, emptyState)
  let fault: Fault & { remaining: number } = { mode: 'none', remaining: Infinity }
  let stats: SimStats = { requests: 0, byRoute: {} }
  const peserta = seed.loadPeserta()
  const pending = new Set<NodeJS.Timeout>()

  const persist = (): void => saveSimState(options.statePath, state)
  const duplicate = (op: string, fields: FieldMsg[]): Answer => {
    state.duplicatesRejected[op] = (state.duplicatesRejected[op] ?? 0) + 1
    persist()
    return preconditionFailed(fields)
  }

  /* ---------- PCare handlers ---------- */

  /** A create answer in the shape opts.createdShape asks for; `documented` is this endpoint's documented shape. */
  const createdAs = (documented: 'array' | 'object', entries: FieldMsg[]): Reply => {
    const shape = opts.createdShape === 'documented' ? documented : opts.createdShape
    if (shape === 'none') return { ...ok(null, 201, 'CREATED'), mutated: true }
    return created(shape === 'array' ? entries : entries[0])
  }

  const findPeserta = (no: string, by: 'noka' | 'nik'): Reply => {
    const digits = by === 'nik' ? 16 : 13
    if (!new RegExp(`^\\d{${digits}}$`).test(no)) {
      throw preconditionFailed([{ field: by === 'nik' ? 'nik' : 'noKartu', message: `Nomor harus ${digits} digit` }])
    }
    const p = peserta.find((x) => (by === 'nik' ? x.noKTP === no : x.noKartu === no))
    return p ? ok(p) : ok(null, 204, 'NO_CONTENT')
  }

  const kunjunganOf = (no: string) => {
    const k = state.kunjungan.find((x) => x.noKunjungan === no)
    if (!k) throw preconditionFailed([{ field: 'noKunjungan', message: 'Data kunjungan tidak ditemukan' }])
    return k
  }

  const ref = <X>(items: X[], key: keyof X, value: unknown, label: string): X => {
    const hit = items.find((x) => x[key] === value)
    if (!hit) throw fail(424, `Kode ${label} ${String(value)} tidak ditemukan`)
    return hit
  }

  const pendaftaranView = (p: (typeof state.pendaftaran)[number]) => {
    const ps = peserta.find((x) => x.noKartu === p.noKartu)
    const poli = seed.POLI.find((x) => x.kdPoli === p.kdPoli)!
    const tkpNames: Record<string, string> = { '10': 'RJTP', '20': 'RITP', '50': 'Promotif' }
    return {
      noUrut: p.noUrut,
      tgldaftar: p.tglDaftar,
      providerPelayanan: seed.SIM_PROVIDER,
      peserta: { noKartu: p.noKartu, nama: ps?.nama ?? '', sex: ps?.sex ?? 'L', tglLahir: ps?.tglLahir ?? '' },
      poli,
      keluhan: p.body.keluhan,
      status: p.noKunjungan ? 'Sudah dilayani' : 'Belum dilayani',
      sistole: p.body.sistole,
      diastole: p.body.diastole,
      beratBadan: p.body.beratBadan,
      tinggiBadan: p.body.tinggiBadan,
      respRate: p.body.respRate,
      heartRate: p.body.heartRate,
      tkp: { kdTkp: p.body.kdTkp, nmTkp: tkpNames[p.body.kdTkp] ?? '' },
    }
  }

  /** A visit's day (stored dd-MM-yyyy) as opts.tglKunjunganFormat writes it. */
  const tglKunjungan = (dmy: string): string => {
    const [dd, mm, yyyy] = dmy.split('-')
    return opts.tglKunjunganFormat === 'yyyy-MM-dd' ? `${yyyy}-${mm}-${dd}` : dmy
  }

  const diag = (kd: string | null) => {
    const d = kd ? seed.DIAGNOSA.find((x) => x.kdDiag === kd) : undefined
    return d ? { kdDiag: d.kdDiag, nmDiag: d.nmDiag } : null
  }

  const kunjunganBodySpec: Spec = {
    noKartu: 'card', tglDaftar: 'date', kdPoli: 'string', keluhan: 'string', kdSadar: 'string', sistole: 'int',
    diastole: 'int', beratBadan: 'number', tinggiBadan: 'number', respRate: 'int', heartRate: 'int',
    kdStatusPulang: 'string', tglPulang: 'date', kdDokter: 'string', kdDiag1: 'string', kdDiag2: 'optstring',
    kdDiag3: 'optstring', kdTacc: 'int',
  }

  const checkKunjunganRefs = (b: T.KunjunganInput): void => {
    ref(seed.DOKTER, 'kdDokter', b.kdDokter, 'dokter')
    ref(seed.KESADARAN, 'kdSadar', b.kdSadar, 'kesadaran')
    ref([...seed.STATUS_PULANG.false, ...seed.STATUS_PULANG.true], 'kdStatusPulang', b.kdStatusPulang, 'status pulang')
    for (const kd of [b.kdDiag1, b.kdDiag2, b.kdDiag3]) if (kd) ref(seed.DIAGNOSA, 'kdDiag', kd, 'diagnosa')
    ref(seed.ALERGI['01'], 'kdAlergi', b.alergiMakan, 'alergi makanan')
    ref(seed.ALERGI['02'], 'kdAlergi', b.alergiUdara, 'alergi udara')
    ref(seed.ALERGI['03'], 'kdAlergi', b.alergiObat, 'alergi obat')
    ref(seed.PROGNOSA, 'kdPrognosa', b.kdPrognosa, 'prognosa')
    if (b.kdPoliRujukInternal) ref(seed.POLI, 'kdPoli', b.kdPoliRujukInternal, 'poli')
  }

  const kunjunganWrite = (ctx: Ctx, edit: boolean): Reply => {
    const b = ctx.body as unknown as T.KunjunganInput
    if (opts.jvalueOnNullRujukLanjut && 'rujukLanjut' in ctx.body && ctx.body.rujukLanjut === null) {
      throw fail(500, JVALUE_MESSAGE, [])
    }
    const problems = validate(ctx.body, edit ? { noKunjungan: 'string', ...kunjunganBodySpec } : kunjunganBodySpec)
    if (problems.length) throw preconditionFailed(problems)
    if (edit) {
      const k = kunjunganOf(b.noKunjungan!)
      checkKunjunganRefs(b)
      k.body = b
      return { ...ok(null), mutated: true }
    }
    const p = state.pendaftaran.find((x) => x.noKartu === b.noKartu && x.tglDaftar === b.tglDaftar && x.kdPoli === b.kdPoli)
    if (!p) throw preconditionFailed([{ field: 'noKartu', message: 'Belum melakukan pendaftaran pada poli tersebut.' }])
    checkKunjunganRefs(b)
    if (p.noKunjungan) {
      throw duplicate('kunjungan', [{ field: 'noKunjungan', message: `Data kunjungan sudah ada untuk pendaftaran ini (${p.noKunjungan})` }])
    }
    state.seq.kunjungan += 1
    const [, mm, yyyy] = b.tglDaftar.split('-')
    const noKunjungan = `${seed.SIM_PROVIDER.kdProvider}${mm}${yyyy.slice(2)}Y${String(state.seq.kunjungan).padStart(6, '0')}`
    state.kunjungan.push({ noKunjungan, noKartu: b.noKartu, tglDaftar: b.tglDaftar, kdPoli: b.kdPoli, body: b })
    p.noKunjungan = noKunjungan
    return createdAs('array', [{ field: 'noKunjungan', message: noKunjungan }])
  }

  const pcareRoutes: Array<[string, string, Handler]> = [
    ['GET', 'peserta/:no', (p) => findPeserta(p.no, 'noka')],
    ['GET', 'peserta/:jenis/:no', (p) => {
      const jenis = p.jenis.toLowerCase()
      if (jenis !== 'noka' && jenis !== 'nik') throw fail(404, NOT_REGISTERED)
      return findPeserta(p.no, jenis)
    }],
    ['GET', 'diagnosa/:kw/:start/:limit', (p) => {
      const kw = p.kw.toLowerCase()
      const hits = seed.DIAGNOSA.filter((d) => d.kdDiag.toLowerCase().startsWith(kw) || d.nmDiag.toLowerCase().includes(kw))
      return ok(page(hits, p.start, p.limit))
    }],
    ['GET', 'dokter/:start/:limit', (p) => ok(page(seed.DOKTER, p.start, p.limit))],
    ['GET', 'poli/fktp/:start/:limit', (p) => ok(page(seed.POLI, p.start, p.limit))],
    ['GET', 'kesadaran', () => ok(all(seed.KESADARAN))],
    ['GET', 'statuspulang/rawatInap/:ri', (p) => {
      const key = p.ri.toLowerCase()
      if (key !== 'true' && key !== 'false') throw preconditionFailed([{ field: 'rawatInap', message: 'harus true atau false' }])
      return ok(all(seed.STATUS_PULANG[key]))
    }],
    ['GET', 'provider/:start/:limit', (p) => ok(page(seed.PROVIDER, p.start, p.limit))],
    ['GET', 'alergi/jenis/:jenis', (p) => ok(all(seed.ALERGI[p.jenis as T.JenisAlergi] ?? []))],
    ['GET', 'prognosa', () => ok(all(seed.PROGNOSA))],
    ['GET', 'spesialis', () => ok(all(seed.SPESIALIS))],
    ['GET', 'spesialis/sarana', () => ok(all(seed.SARANA))],
    ['GET', 'spesialis/khusus', () => ok(all(seed.KHUSUS))],
    ['GET', 'spesialis/:kd/subspesialis', (p) => ok(all(seed.SUBSPESIALIS[p.kd.toUpperCase()] ?? []))],
    ['GET', 'spesialis/rujuk/subspesialis/:sub/sarana/:sarana/tglEstRujuk/:tgl', (p) => {
      if (!DATE_PCARE.test(p.tgl)) throw preconditionFailed([{ field: 'tglEstRujuk', message: 'harus berformat dd-MM-yyyy' }])
      const takes = (kdppk: string) => {
        const subs = seed.FASKES_RUJUKAN_SUBSPESIALIS[kdppk] ?? []
        return subs === 'all' || subs.includes(p.sub)
      }
      return ok(all(seed.FASKES_RUJUKAN.filter((f) => takes(f.kdppk))))
    }],
    ['GET', 'spesialis/rujuk/khusus/:kd/noKartu/:no/tglEstRujuk/:tgl', (p) => {
      if (!DATE_PCARE.test(p.tgl)) throw preconditionFailed([{ field: 'tglEstRujuk', message: 'harus berformat dd-MM-yyyy' }])
      ref(seed.KHUSUS, 'kdKhusus', p.kd.toUpperCase(), 'khusus')
      return ok(all(seed.FASKES_RUJUKAN_KHUSUS))
    }],
    ['GET', 'spesialis/rujuk/khusus/:kd/subspesialis/:sub/noKartu/:no/tglEstRujuk/:tgl', (p) => {
      if (!DATE_PCARE.test(p.tgl)) throw preconditionFailed([{ field: 'tglEstRujuk', message: 'harus berformat dd-MM-yyyy' }])
      const kd = p.kd.toUpperCase()
      ref(seed.KHUSUS, 'kdKhusus', kd, 'khusus')
      if (!seed.KHUSUS_WITH_SUBSPESIALIS.includes(kd)) throw preconditionFailed([{ field: 'kdKhusus', message: `${kd} tidak memakai sub-spesialis` }])
      return ok(all(seed.FASKES_RUJUKAN_KHUSUS))
    }],
    ['GET', 'obat/dpho/:kw/:start/:limit', (p) => {
      const kw = p.kw.toLowerCase()
      return ok(page(seed.OBAT_DPHO.filter((o) => o.kdObat.startsWith(kw) || o.nmObat.toLowerCase().includes(kw)), p.start, p.limit))
    }],
    ['GET', 'tindakan/kdTkp/:tkp/:start/:limit', (p) => {
      const list = seed.TINDAKAN[p.tkp as T.KdTkp]
      if (!list) throw preconditionFailed([{ field: 'kdTkp', message: 'kdTkp harus 10, 20 atau 50' }])
      return ok(page(list, p.start, p.limit))
    }],

    ['POST', 'pendaftaran', (_p, ctx) => {
      const b = ctx.body as unknown as T.PendaftaranInput
      const problems = validate(ctx.body, {
        kdProviderPeserta: 'string', tglDaftar: 'date', noKartu: 'card', kdPoli: 'string', kunjSakit: 'bool',
        sistole: 'int', diastole: 'int', beratBadan: 'number', tinggiBadan: 'number', respRate: 'int',
        heartRate: 'int', kdTkp: 'string',
      })
      if (problems.length) throw preconditionFailed(problems)
      if (!['10', '20', '50'].includes(b.kdTkp)) throw preconditionFailed([{ field: 'kdTkp', message: 'kdTkp harus 10, 20 atau 50' }])
      ref(seed.POLI, 'kdPoli', b.kdPoli, 'poli')
      if (!peserta.some((x) => x.noKartu === b.noKartu)) {
        throw preconditionFailed([{ field: 'noKartu', message: 'Peserta tidak ditemukan' }])
      }
      if (state.pendaftaran.some((x) => x.noKartu === b.noKartu && x.tglDaftar === b.tglDaftar && x.kdPoli === b.kdPoli)) {
        throw duplicate('pendaftaran', [{ field: 'noKartu', message: 'Peserta sudah terdaftar pada poli tersebut di tanggal yang sama' }])
      }
      const letter = ({ '001': 'A', '002': 'B', '003': 'C' } as Record<string, string>)[b.kdPoli] ?? 'D'
      const seqKey = `${b.tglDaftar}|${b.kdPoli}`
      state.seq.noUrut[seqKey] = (state.seq.noUrut[seqKey] ?? 0) + 1
      const noUrut = `${letter}${state.seq.noUrut[seqKey]}`
      state.pendaftaran.push({ noUrut, tglDaftar: b.tglDaftar, noKartu: b.noKartu, kdPoli: b.kdPoli, body: b, noKunjungan: null })
      return createdAs('object', [{ field: 'noUrut', message: noUrut }])
    }],
    ['GET', 'pendaftaran/noUrut/:noUrut/tglDaftar/:tgl', (p) => {
      const hit = state.pendaftaran.find((x) => x.noUrut.toLowerCase() === p.noUrut.toLowerCase() && x.tglDaftar === p.tgl)
      return hit ? ok(pendaftaranView(hit)) : ok(null, 204, 'NO_CONTENT')
    }],
    ['GET', 'pendaftaran/tglDaftar/:tgl/:start/:limit', (p) => {
      if (!DATE_PCARE.test(p.tgl)) throw preconditionFailed([{ field: 'tglDaftar', message: 'harus berformat dd-MM-yyyy' }])
      return ok(page(state.pendaftaran.filter((x) => x.tglDaftar === p.tgl).map(pendaftaranView), p.start, p.limit))
    }],
    ['DELETE', 'pendaftaran/peserta/:no/tglDaftar/:tgl/noUrut/:noUrut/kdPoli/:kdPoli', (p) => {
      const i = state.pendaftaran.findIndex(
        (x) => x.noKartu === p.no && x.tglDaftar === p.tgl && x.noUrut.toLowerCase() === p.noUrut.toLowerCase() && x.kdPoli === p.kdPoli,
      )
      // Khanza treats 304 on delete as "already gone" (UNCONFIRMED wording; the code is what matters).
      if (i < 0) return ok(null, 304, 'NOT_MODIFIED')
      if (state.pendaftaran[i].noKunjungan) {
        throw preconditionFailed([{ field: 'noUrut', message: 'Pendaftaran sudah memiliki kunjungan, hapus kunjungan dahulu' }])
      }
      state.pendaftaran.splice(i, 1)
      return { ...ok(null), mutated: true }
    }],

    // The bare path is what production now refuses for add/edit (docs/pcare.md#kunjungan).
    ['POST', 'kunjungan', () => { throw fail(404, NOT_REGISTERED) }],
    ['PUT', 'kunjungan', () => { throw fail(404, NOT_REGISTERED) }],
    ['POST', 'kunjungan/v1', (_p, ctx) => kunjunganWrite(ctx, false)],
    ['PUT', 'kunjungan/v1', (_p, ctx) => kunjunganWrite(ctx, true)],
    ['GET', 'kunjungan/peserta/:no', (p) => {
      const list = state.kunjungan.filter((k) => k.noKartu === p.no).map((k) => {
        const b = k.body
        const ps = peserta.find((x) => x.noKartu === k.noKartu)
        const dok = seed.DOKTER.find((d) => d.kdDokter === b.kdDokter) ?? null
        const sadar = seed.KESADARAN.find((s) => s.kdSadar === b.kdSadar) ?? null
        const pulang = [...seed.STATUS_PULANG.false, ...seed.STATUS_PULANG.true].find((s) => s.kdStatusPulang === b.kdStatusPulang) ?? null
        const poli = seed.POLI.find((x) => x.kdPoli === k.kdPoli)!
        return {
          noKunjungan: k.noKunjungan, tglKunjungan: tglKunjungan(k.tglDaftar), providerPelayanan: seed.SIM_PROVIDER,
          peserta: { noKartu: k.noKartu, nama: ps?.nama ?? '', hubunganKeluarga: ps?.hubunganKeluarga ?? null, sex: ps?.sex ?? null,
            tglLahir: ps?.tglLahir ?? null, tglMulaiAktif: null, tglAkhirBerlaku: null, kdPpkPst: null, kdPpkGigi: null,
            jnsKelas: null, jnsPeserta: null, golDarah: null, noHP: null, noKTP: null, asuransi: null },
          poli: { kdPoli: poli.kdPoli, nmPoli: poli.nmPoli }, progProlanis: null, keluhan: b.keluhan,
          diagnosa1: diag(b.kdDiag1), diagnosa2: diag(b.kdDiag2), diagnosa3: diag(b.kdDiag3), kesadaran: sadar,
          sistole: b.sistole, diastole: b.diastole, beratBadan: b.beratBadan, tinggiBadan: b.tinggiBadan,
          respRate: b.respRate, heartRate: b.heartRate, catatan: null, rujukBalik: 0, providerAsalRujuk: null,
          providerRujukLanjut: b.rujukLanjut ? seed.FASKES_RUJUKAN.find((f) => f.kdppk === b.rujukLanjut!.kdppk) ?? null : null,
          pemFisikLain: null, dokter: dok, statusPulang: pulang, tkp: { kdTkp: '10', nmTkp: 'RJTP' },
          poliRujukInternal: null, poliRujukLanjut: null, tglPulang: b.tglPulang,
        }
      })
      return ok(all(list))
    }],
    ['GET', 'kunjungan/rujukan/:no', (p) => {
      const k = kunjunganOf(p.no)
      const r = k.body.rujukLanjut
      if (!r) return ok(null, 204, 'NO_CONTENT')
      const ps = peserta.find((x) => x.noKartu === k.noKartu)
      const faskes = seed.FASKES_RUJUKAN.find((f) => f.kdppk === r.kdppk) ?? seed.FASKES_RUJUKAN[0]
      const poli = seed.POLI.find((x) => x.kdPoli === k.kdPoli)!
      const dok = seed.DOKTER.find((d) => d.kdDokter === k.body.kdDokter)!
      return ok({
        noRujukan: k.noKunjungan, ppk: { kdPPK: faskes.kdppk, nmPPK: faskes.nmppk, alamat: faskes.alamatPpk, kc: null },
        tglKunjungan: tglKunjungan(k.tglDaftar), poli: { kdPoli: poli.kdPoli, nmPoli: poli.nmPoli }, nokaPst: k.noKartu,
        nmPst: ps?.nama ?? '', tglLahir: ps?.tglLahir ?? '', pisa: '1', ketPisa: 'Peserta', sex: ps?.sex ?? '',
        diag1: diag(k.body.kdDiag1), diag2: diag(k.body.kdDiag2), diag3: diag(k.body.kdDiag3), catatan: '',
        dokter: dok, tacc: k.body.kdTacc > 0 ? { nmTacc: String(k.body.kdTacc), alasanTacc: k.body.alasanTacc ?? '' } : null,
        infoDenda: null,
      })
    }],
    ['DELETE', 'kunjungan/:no', (p) => {
      const k = kunjunganOf(p.no)
      state.kunjungan = state.kunjungan.filter((x) => x !== k)
      state.tindakan = state.tindakan.filter((x) => x.noKunjungan !== k.noKunjungan)
      state.obat = state.obat.filter((x) => x.noKunjungan !== k.noKunjungan)
      for (const pd of state.pendaftaran) if (pd.noKunjungan === k.noKunjungan) pd.noKunjungan = null
      return { ...ok(null), mutated: true }
    }],

    ['POST', 'tindakan', (_p, ctx) => {
      const b = ctx.body as unknown as T.TindakanInput
      const problems = validate(ctx.body, { noKunjungan: 'string', kdTindakan: 'string', biaya: 'number', hasil: 'int' })
      if (problems.length) throw preconditionFailed(problems)
      kunjunganOf(b.noKunjungan)
      ref(Object.values(seed.TINDAKAN).flat(), 'kdTindakan', b.kdTindakan, 'tindakan')
      if (state.tindakan.some((t) => t.noKunjungan === b.noKunjungan && t.body.kdTindakan === b.kdTindakan)) {
        throw duplicate('tindakan', [{ field: 'kdTindakan', message: 'Tindakan sudah ada pada kunjungan ini' }])
      }
      state.seq.tindakan += 1
      state.tindakan.push({ kdTindakanSK: state.seq.tindakan, noKunjungan: b.noKunjungan, body: b })
      return createdAs('object', [{ field: 'kdTindakanSK', message: String(state.seq.tindakan) }])
    }],
    ['GET', 'tindakan/kunjungan/:no', (p) => {
      kunjunganOf(p.no)
      const list = state.tindakan.filter((t) => t.noKunjungan === p.no).map((t) => ({
        kdTindakanSK: t.kdTindakanSK, kdTindakan: t.body.kdTindakan,
        nmTindakan: Object.values(seed.TINDAKAN).flat().find((x) => x.kdTindakan === t.body.kdTindakan)?.nmTindakan ?? '',
        biaya: t.body.biaya, keterangan: t.body.keterangan, hasil: t.body.hasil,
      }))
      return ok(all(list))
    }],
    ['DELETE', 'tindakan/:sk/kunjungan/:no', (p) => {
      kunjunganOf(p.no)
      const i = state.tindakan.findIndex((t) => String(t.kdTindakanSK) === p.sk && t.noKunjungan === p.no)
      if (i < 0) throw preconditionFailed([{ field: 'kdTindakanSK', message: 'Data tindakan tidak ditemukan' }])
      state.tindakan.splice(i, 1)
      return { ...ok(null), mutated: true }
    }],
    ['POST', 'obat/kunjungan', (_p, ctx) => {
      const b = ctx.body as unknown as T.ObatInput
      const problems = validate(ctx.body, {
        noKunjungan: 'string', racikan: 'bool', obatDPHO: 'bool', kdObat: 'string', signa1: 'number', signa2: 'number',
        jmlObat: 'number', jmlPermintaan: 'number',
      })
      if (problems.length) throw preconditionFailed(problems)
      kunjunganOf(b.noKunjungan)
      if (b.obatDPHO) ref(seed.OBAT_DPHO, 'kdObat', b.kdObat, 'obat')
      if (state.obat.some((o) => o.noKunjungan === b.noKunjungan && o.body.kdObat === b.kdObat && o.body.racikan === b.racikan)) {
        throw duplicate('obat', [{ field: 'kdObat', message: 'Obat sudah ada pada kunjungan ini' }])
      }
      state.seq.obat += 1
      state.obat.push({ kdObatSK: state.seq.obat, noKunjungan: b.noKunjungan, body: b })
      return createdAs('array', [{ field: 'kdObatSK', message: String(state.seq.obat) }, { field: 'kdRacikan', message: b.kdRacikan ?? '' }])
    }],
    ['GET', 'obat/kunjungan/:no', (p) => {
      kunjunganOf(p.no)
      const list = state.obat.filter((o) => o.noKunjungan === p.no).map((o) => {
        const dpho = seed.OBAT_DPHO.find((x) => x.kdObat === o.body.kdObat)
        const drug = { kdObat: o.body.kdObat, nmObat: dpho?.nmObat ?? o.body.nmObatNonDPHO }
        const line = {
          kdObatSK: o.kdObatSK, signa1: o.body.signa1, signa2: o.body.signa2, jmlObat: o.body.jmlObat,
          jmlPermintaan: o.body.jmlPermintaan, racikan: o.body.racikan, kdRacikan: o.body.kdRacikan,
        }
        return opts.obatListShape === 'flat' ? { ...line, ...drug } : { ...line, obat: { ...drug, sedia: dpho?.sedia ?? 0 } }
      })
      return ok(all(list))
    }],
    ['DELETE', 'obat/:sk/kunjungan/:no', (p) => {
      kunjunganOf(p.no)
      const i = state.obat.findIndex((o) => String(o.kdObatSK) === p.sk && o.noKunjungan === p.no)
      if (i < 0) throw preconditionFailed([{ field: 'kdObatSK', message: 'Data obat tidak ditemukan' }])
      state.obat.splice(i, 1)
      return { ...ok(null), mutated: true }
    }],
  ]

  /* ---------- Antrean FKTP handlers (rejections are code 201 with HTTP 200, like the real service) ---------- */

  const rejectAntrean = (message: string, code = 201): Answer => new Answer({ status: 200, code, message, response: null, encrypt: false })
  const antreanList = <X>(items: X[]): unknown => (opts.antreanRefShape === 'array' ? items : { list: items })
  const antreanDate = (d: string): void => {
    if (!DATE_ANTREAN.test(d)) throw rejectAntrean('Format tanggal tidak sesuai, format yang benar yyyy-mm-dd')
  }
  const findAntrean = (b: Record<string, unknown>) => {
    const a = state.antrean.find(
      (x) => x.tanggalperiksa === b.tanggalperiksa && x.kodepoli === b.kodepoli && x.nomorkartu === b.nomorkartu && x.status !== 'batal',
    )
    if (!a) throw rejectAntrean('Data antrean tidak ditemukan')
    return a
  }

  const antreanRoutes: Array<[string, string, Handler]> = [
    ['GET', 'ref/poli/tanggal/:tgl', (p) => {
      antreanDate(p.tgl)
      return ok(antreanList(seed.ANTREAN_POLI))
    }],
    ['GET', 'ref/dokter/kodepoli/:kp/tanggal/:tgl', (p) => {
      antreanDate(p.tgl)
      return ok(antreanList(opts.jadwalDokter[p.kp] ?? []))
    }],
    ['POST', 'antrean/add', (_p, ctx) => {
      const b = ctx.body as unknown as T.AntreanAddInput
      if (typeof b.nomorkartu !== 'string' || !(b.nomorkartu === '' || /^\d{13}$/.test(b.nomorkartu))) {
        throw rejectAntrean('Nomor kartu tidak valid')
      }
      if (typeof b.nik !== 'string' || !/^\d{16}$/.test(b.nik)) throw rejectAntrean('NIK tidak valid')
      antreanDate(String(b.tanggalperiksa))
      if (!seed.ANTREAN_POLI.some((x) => x.kodepoli === b.kodepoli)) throw rejectAntrean('Poli tidak ditemukan')
      if (!Number.isInteger(b.kodedokter) || !Number.isInteger(b.angkaantrean)) {
        throw rejectAntrean('kodedokter dan angkaantrean harus berupa angka')
      }
      const dup = state.antrean.find(
        (x) => x.tanggalperiksa === b.tanggalperiksa && x.kodepoli === b.kodepoli && x.status !== 'batal' &&
          (b.nomorkartu ? x.nomorkartu === b.nomorkartu : x.nik === b.nik),
      )
      if (dup) {
        state.duplicatesRejected.antrean = (state.duplicatesRejected.antrean ?? 0) + 1
        persist()
        throw opts.antreanDuplicate === 'duplikasi'
          ? rejectAntrean('Terdapat duplikasi Kode Booking', 208)
          : rejectAntrean('Peserta sudah terdaftar di antrean poli pada tanggal tersebut')
      }
      if (b.nomorkartu && opts.skriningBelum.includes(b.nomorkartu)) {
        throw rejectAntrean('Anda belum melakukan skrining kesehatan, silakan melakukan skrining kesehatan terlebih dahulu melalui aplikasi Mobile JKN')
      }
      state.antrean.push({ tanggalperiksa: b.tanggalperiksa, kodepoli: b.kodepoli, nomorkartu: b.nomorkartu, nik: b.nik, body: b, status: 'menunggu' })
      return { ...ok(null, 200, 'Ok.'), mutated: true }
    }],
    ['POST', 'antrean/panggil', (_p, ctx) => {
      if (ctx.body.status !== 1 && ctx.body.status !== 2) throw rejectAntrean('Status harus 1 (hadir) atau 2 (tidak hadir)')
      if (!Number.isInteger(ctx.body.waktu)) throw rejectAntrean('waktu harus epoch milidetik')
      const a = findAntrean(ctx.body)
      a.status = ctx.body.status === 1 ? 'hadir' : 'tidak_hadir'
      return { ...ok(null, 200, 'Ok.'), mutated: true }
    }],
    ['POST', 'antrean/batal', (_p, ctx) => {
      if (typeof ctx.body.alasan !== 'string' || ctx.body.alasan === '') throw rejectAntrean('Alasan batal harus diisi')
      const a = findAntrean(ctx.body)
      a.status = 'batal'
      return { ...ok(null, 200, 'Ok.'), mutated: true }
    }],
  ]

  const compile = (routes: Array<[string, string, Handler]>) =>
    routes.map(([method, pattern, handler]) => ({ method, pattern, parts: pattern.split('/'), handler }))
  const compiled = { pcare: compile(pcareRoutes), antrean: compile(antreanRoutes) }

  /** Literal segments compare case-insensitively: clients disagree on `noUrut`/`nourut`, `V1`/`v1`. */
  const route = (ctx: Ctx): { pattern: string; reply: () => Reply } | null => {
    for (const r of compiled[ctx.service]) {
      if (r.method !== ctx.method || r.parts.length !== ctx.segs.length) continue
      const params: Record<string, string> = {}
      const hit = r.parts.every((part, i) => {
        if (part.startsWith(':')) {
          params[part.slice(1)] = ctx.segs[i]
          return ctx.segs[i] !== ''
        }
        return part.toLowerCase() === ctx.segs[i].toLowerCase()
      })
      if (hit) return { pattern: `${r.method} ${r.pattern}`, reply: () => r.handler(params, ctx) }
    }
    return null
  }

  /* ---------- Authentication ---------- */

  const authenticate = (req: IncomingMessage, service: Service, skewSeconds: number): Answer | null => {
    const h = (name: string): string | undefined => {
      const v = req.headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const consId = h('x-cons-id')
    const ts = h('x-timestamp')
    const sig = h('x-signature')
    const userKey = h('user_key')
    if (!consId || !ts || !sig) return fail(401, 'Header X-cons-id, X-timestamp dan X-signature harus diisi')
    if (consId !== creds.consId) return fail(401, 'Cons ID tidak terdaftar')
    if (!/^\d{1,12}$/.test(ts)) return fail(401, 'X-timestamp tidak valid')
    const serverNow = Math.floor(opts.now() / 1000) + skewSeconds
    if (Math.abs(serverNow - Number(ts)) > opts.skewWindowSeconds) return fail(401, 'X-timestamp di luar batas waktu; periksa jam komputer')
    if (!sameText(sig, expectedSignature(creds.consId, creds.secretKey, ts))) return fail(401, 'Signature tidak valid')
    const expectedKey = service === 'pcare' ? creds.userKey : creds.antreanUserKey
    if (!userKey || !sameText(userKey, expectedKey)) return fail(401, 'user_key tidak valid')
    const auth = h('x-authorization')
    if (service === 'antrean' && auth === undefined) return null
    if (!auth) return fail(401, 'X-authorization harus diisi')
    if (!auth.startsWith('Basic ')) return opts.startIndexQuirk ? fail(400, START_INDEX_MESSAGE) : fail(401, 'X-authorization harus diawali "Basic "')
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8')
    const parts = decoded.split(':')
    if (parts.length !== 3) return fail(401, 'Format X-authorization harus username:password:kdAplikasi')
    if (parts[2] !== creds.kdAplikasi) return fail(401, 'Kode aplikasi tidak terdaftar')
    if (!sameText(parts[0], creds.username) || !sameText(parts[1], creds.password)) return fail(401, 'Username atau Password salah')
    return null
  }

  /* ---------- HTTP plumbing ---------- */

  const sendJson = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void => {
    const text = JSON.stringify(body)
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra })
    res.end(text)
  }
  const sendHtml = (res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), ...extra })
    res.end(html)
  }
  const envelope = (service: Service, reply: Reply, response: unknown): unknown => ({
    [service === 'pcare' ? 'metaData' : 'metadata']: { code: reply.code, message: reply.message },
    response,
  })

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > 5_000_000) {
          reject(new Error('body too large'))
          req.destroy()
        } else chunks.push(c)
      })
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', reject)
    })

  const takeFault = (subPath: string): (Fault & { remaining: number }) | null => {
    if (fault.mode === 'none' || fault.remaining <= 0) return null
    if (fault.pathPrefix && !subPath.toLowerCase().startsWith(fault.pathPrefix.toLowerCase())) return null
    fault.remaining -= 1
    const taken = { ...fault }
    if (fault.remaining <= 0) fault = { mode: 'none', remaining: Infinity }
    return taken
  }

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        pending.delete(t)
        resolve()
      }, ms)
      pending.add(t)
    })

  const admin = async (req: IncomingMessage, res: ServerResponse, path: string, raw: string): Promise<void> => {
    let body: Record<string, unknown> = {}
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON' })
      }
    }
    if (req.method === 'GET' && path === '/__sim/state') return sendJson(res, 200, { ...state, stats, fault: { ...fault, remaining: Number.isFinite(fault.remaining) ? fault.remaining : null } })
    if (req.method === 'GET' && path === '/__sim/health') return sendJson(res, 200, { ok: true })
    if (req.method === 'POST' && path === '/__sim/faults') {
      const mode = body.mode as FaultMode
      if (!FAULT_MODES.includes(mode)) return sendJson(res, 400, { error: `mode must be one of ${FAULT_MODES.join(', ')}` })
      sim.setFault(body as unknown as Fault)
      return sendJson(res, 200, { fault: body })
    }
    if (req.method === 'DELETE' && path === '/__sim/faults') {
      sim.setFault({ mode: 'none' })
      return sendJson(res, 200, { fault: { mode: 'none' } })
    }
    if (req.method === 'POST' && path === '/__sim/reset') {
      sim.reset()
      return sendJson(res, 200, { reset: true })
    }
    if (req.method === 'POST' && path === '/__sim/options') {
      const allowed = [
        'skewWindowSeconds', 'startIndexQuirk', 'jvalueOnNullRujukLanjut', 'antreanRefShape', 'createdShape', 'obatListShape',
        'tglKunjunganFormat', 'skriningBelum', 'antreanDuplicate', 'jadwalDokter', 'slowMs',
      ]
      const unknown = Object.keys(body).filter((k) => !allowed.includes(k))
      if (unknown.length) return sendJson(res, 400, { error: `unknown options: ${unknown.join(', ')}` })
      sim.setOptions(body as Partial<Opts>)
      return sendJson(res, 200, { options: { ...opts, now: undefined } })
    }
    return sendJson(res, 404, { error: 'unknown admin endpoint' })
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403).end()
      return
    }
    const raw = await readBody(req)
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (path.startsWith('/__sim/')) return admin(req, res, path, raw)

    stats.requests += 1
    const served = SERVICE_PREFIXES.find(([prefix]) => path.startsWith(`${prefix}/`))
    // A wrong service name gets the gateway's HTML 404, as on the real host.
    if (!served) return sendHtml(res, 404, HTML_404)
    const [prefix, service] = served
    const subPath = path.slice(prefix.length + 1)
    let segs: string[]
    try {
      segs = subPath.split('/').map(decodeURIComponent)
    } catch {
      return sendJson(res, 400, envelope(service, { status: 400, code: 400, message: 'Path tidak valid', response: null, encrypt: false }, null))
    }
    const method = (req.method ?? 'GET').toUpperCase()
    const f = takeFault(subPath)
    const commit = f ? (f.commit ?? (f.mode === 'slow' || f.mode === 'garbage')) : false
    log.info('request', { service, method, path: subPath, fault: f?.mode ?? 'none' })

    if (f?.mode === 'reset') {
      req.socket.destroy()
      return
    }
    const sendFault = (mode: FaultMode): boolean => {
      if (mode === '503') {
        sendJson(res, 503, envelope(service, { status: 503, code: 503, message: 'Service Unavailable', response: null, encrypt: false }, null), {
          'Retry-After': String(f?.retryAfterSeconds ?? 2),
        })
        return true
      }
      if (mode === 'html500') {
        sendHtml(res, 500, IIS_500)
        return true
      }
      if (mode === 'jvalue') {
        sendJson(res, 500, envelope(service, { status: 500, code: 500, message: JVALUE_MESSAGE, response: [], encrypt: false }, []))
        return true
      }
      return false
    }
    if (f && !commit && sendFault(f.mode)) return

    const timestamp = String(req.headers['x-timestamp'] ?? '')
    let reply: Reply
    let pattern = 'unmatched'
    try {
      const denied = authenticate(req, service, f?.mode === 'skew' ? (f.offsetSeconds ?? 3600) : 0)
      if (denied) throw denied
      let body: Record<string, unknown> = {}
      if (method === 'POST' || method === 'PUT') {
        // The server reads the raw body as JSON whatever the Content-Type (docs/pcare.md#content-type).
        let parsed: unknown
        try {
          parsed = JSON.parse(raw)
        } catch {
          throw fail(500, JVALUE_MESSAGE, [])
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail(500, JVALUE_MESSAGE, [])
        body = parsed as Record<string, unknown>
      }
      const ctx: Ctx = { service, method, segs, body }
      const r = route(ctx)
      if (!r) throw fail(404, NOT_REGISTERED)
      pattern = r.pattern
      reply = r.reply()
      if (reply.mutated) persist()
    } catch (err) {
      if (!(err instanceof Answer)) throw err
      reply = err.reply
    }
    stats.byRoute[pattern] = (stats.byRoute[pattern] ?? 0) + 1

    if (f && sendFault(f.mode)) return
    if (f?.mode === 'slow') {
      await delay(f.delayMs ?? opts.slowMs)
      if (res.destroyed || res.writableEnded) return
    }
    if (f?.mode === 'garbage' && reply.status === 200) {
      // Valid base64 of random-looking bytes: decodes, but not with this request's key.
      const junk = Buffer.from(`garbage-${timestamp}-`.repeat(8)).toString('base64')
      return sendJson(res, 200, envelope(service, reply, junk))
    }
    const response = reply.encrypt ? encryptPayload(reply.response, creds.consId, creds.secretKey, timestamp) : reply.response
    sendJson(res, reply.status, envelope(service, reply, response))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('simulator crashed on a request', { err })
      if (!res.headersSent) sendHtml(res, 500, IIS_500)
      else res.destroy()
    })
  })
  const { port, url } = await listenLocal(server, options.port)

  const sim: Simulator = {
    port,
    url,
    pcareBaseUrl: `${url}${PCARE_PREFIX}`,
    antreanBaseUrl: `${url}${ANTREAN_PREFIX}`,
    credentials: creds,
    state: () => structuredClone(state),
    stats: () => structuredClone(stats),
    setFault: (f) => {
      fault = { ...f, remaining: f.mode === 'none' ? Infinity : (f.count ?? Infinity) }
    },
    setOptions: (o) => Object.assign(opts, o),
    reset: () => {
      state = emptyState()
      stats = { requests: 0, byRoute: {} }
      fault = { mode: 'none', remaining: Infinity }
      persist()
    },
    close: async () => {
      for (const t of pending) clearTimeout(t)
      pending.clear()
      await closeNow(server)
    },
  }
  return sim
}
