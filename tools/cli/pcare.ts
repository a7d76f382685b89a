import { createLogger, redact } from '../../electron/core/log'
import {
  buildHeaders,
  envCredentialSource,
  missingEnvCredentials,
  PCARE_BASE_URLS,
  PcareClient,
  PcareError,
  timestampOf,
  type CredentialSource,
} from '../../electron/core/pcare'
import { runAsMain } from '../lib/main'

const USAGE = `Pemakaian / usage: pcare <perintah> [opsi]
  ping                 konfigurasi + header (disamarkan) + satu panggilan referensi (kesadaran)
  get <path>           GET mentah, mis. "poli/fktp/0/10"; hasil sudah didekripsi
  peserta <noKartu>    data peserta per nomor kartu (13 digit)
Opsi / options:
  --from-env           kredensial dari variabel PCARE_* (CONS_ID, SECRET_KEY, USER_KEY, USERNAME, PASSWORD, KD_APLIKASI)
  --base-url <url>     default: PCARE_BASE_URL atau ${PCARE_BASE_URLS.production}
  --timeout-ms <n>     batas waktu total (default 30000)
  --omit-basic-prefix  diagnosa: kirim X-authorization tanpa "Basic " (mereproduksi galat StartIndex)
  --json               keluaran JSON`

/** How to fix each permanent failure, in the operator's language first. */
const HINTS: Partial<Record<PcareError['reason'], string>> = {
  unauthorized: 'Periksa cons id, secret key, user_key, username/password dan jam komputer. / Check credentials and the clock.',
  start_index: 'X-authorization harus diawali "Basic ". / X-authorization must start with "Basic ".',
  not_registered: 'Path tidak terdaftar untuk consumer ini (mis. kunjungan → kunjungan/V1). / Path not enabled for this consumer.',
  garbage_ciphertext: 'Jawaban tidak bisa didekripsi: periksa jam (NTP) dan secret key. / Check the clock and the secret key.',
  timeout: 'Server tidak menjawab dalam batas waktu. / No answer within the timeout.',
  network: 'Tidak ada koneksi ke server. / Cannot reach the server.',
}

export interface CliIo {
  env: NodeJS.ProcessEnv
  out: (line: string) => void
  err: (line: string) => void
  /** The keychain-backed source plugs in here when the credentials store provides one. */
  keychain?: CredentialSource
}

function parse(argv: string[]): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = []
  const flags: Record<string, string | true> = {}
  const valued = new Set(['base-url', 'timeout-ms'])
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a.startsWith('--')) {
      const name = a.slice(2)
      if (valued.has(name)) {
        if (argv[i + 1] === undefined) throw new Error(`--${name} butuh nilai / needs a value`)
        flags[name] = argv[++i]
      } else flags[name] = true
    } else positional.push(a)
  }
  return { positional, flags }
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (e) {
    io.err(String((e as Error).message))
    return 2
  }
  const [command, arg] = args.positional
  if (!command || args.flags.help || !['ping', 'get', 'peserta'].includes(command)) {
    io.err(USAGE)
    return command || args.flags.help ? (args.flags.help ? 0 : 2) : 2
  }
  if ((command === 'get' || command === 'peserta') && !arg) {
    io.err(`${command}: argumen kurang / missing argument\n${USAGE}`)
    return 2
  }

  const source = args.flags['from-env'] ? envCredentialSource(io.env) : io.keychain
  if (!source) {
    io.err('Kredensial keychain belum tersedia di CLI ini; jalankan dengan --from-env. / No keychain source here; use --from-env.')
    return 2
  }
  const creds = await source.pcare()
  if (!creds) {
    const missing = args.flags['from-env'] ? missingEnvCredentials(io.env) : []
    io.err(`Kredensial PCare tidak lengkap (${source.description})${missing.length ? `: ${missing.join(', ')}` : ''}`)
    return 2
  }
  const timeout = Number(args.flags['timeout-ms'] ?? 30_000)
  if (!(timeout > 0)) {
    io.err('--timeout-ms harus angka positif / must be a positive number')
    return 2
  }
  const baseUrl = (typeof args.flags['base-url'] === 'string' ? args.flags['base-url'] : io.env.PCARE_BASE_URL) || PCARE_BASE_URLS.production
  let client: PcareClient
  try {
    client = new PcareClient({
      credentials: creds,
      config: {
        baseUrl,
        ...(io.env.PCARE_ANTREAN_BASE_URL ? { antreanBaseUrl: io.env.PCARE_ANTREAN_BASE_URL } : {}),
        timeouts: { headersMs: Math.min(10_000, timeout), totalMs: timeout },
        omitBasicPrefix: args.flags['omit-basic-prefix'] === true,
      },
      logger: createLogger({ scope: 'cli', level: 'error', sink: () => {} }),
    })
  } catch (e) {
    io.err(`Konfigurasi salah / bad config: ${(e as Error).message}`)
    return 2
  }
  const json = args.flags.json === true
  const print = (value: unknown): void => io.out(JSON.stringify(redact(value), null, 2))

  try {
    if (command === 'ping') {
      const cfg = client.config
      const headers = buildHeaders('pcare', creds, timestampOf(Date.now()), 'GET', cfg)
      const shown = redact(headers) as Record<string, string>
      shown['X-authorization'] = headers['X-authorization']?.startsWith('Basic ') ? 'Basic [REDACTED]' : '[REDACTED, tanpa "Basic "]'
      io.out('Konfigurasi / config:')
      io.out(`  base URL          ${cfg.baseUrl}`)
      io.out(`  kunjungan path    ${cfg.kunjunganPath}`)
      io.out(`  POST content type ${cfg.postContentType}`)
      io.out(`  timeouts          headers ${cfg.timeouts.headersMs} ms, total ${cfg.timeouts.totalMs} ms`)
      io.out(`  kredensial        ${source.description}; kdAplikasi ${creds.kdAplikasi}`)
      io.out('Header / headers:')
      for (const [k, v] of Object.entries(shown)) io.out(`  ${k.padEnd(16)} ${v}`)
      const started = performance.now()
      const r = await client.request<{ count: number }>('GET', 'kesadaran')
      const ms = Math.round(performance.now() - started)
      io.out(`OK: kesadaran → metaData ${r.metaCode} ${r.message}, ${r.response?.count ?? 0} baris, ${ms} ms (dekripsi berhasil / decrypted)`)
      return 0
    }
    if (command === 'get') {
      const r = await client.request('GET', arg)
      if (json) print(r)
      else {
        io.out(`metaData ${r.metaCode} ${r.message} (HTTP ${r.httpStatus})`)
        print(r.response)
      }
      return 0
    }
    const p = await client.getPeserta(arg)
    if (!p) {
      io.out(`Peserta tidak ditemukan / not found (kartu ${arg.replace(/\d(?=\d{4})/g, '*')})`)
      return 1
    }
    if (json) print(p)
    else {
      const rows: Array<[string, unknown]> = [
        ['noKartu', p.noKartu], ['nama', p.nama], ['NIK', p.noKTP], ['jenis kelamin', p.sex], ['tgl lahir', p.tglLahir],
        ['status', `${p.ketAktif} (aktif: ${p.aktif})`], ['kelas', p.jnsKelas?.nama], ['jenis peserta', p.jnsPeserta?.nama],
        ['FKTP terdaftar', `${p.kdProviderPst?.kdProvider ?? ''} ${p.kdProviderPst?.nmProvider ?? ''}`],
        ['berlaku', `${p.tglMulaiAktif} s/d ${p.tglAkhirBerlaku}`], ['tunggakan', p.tunggakan],
      ]
      for (const [k, v] of rows) io.out(`${k.padEnd(15)} ${String(redact(String(v ?? '')))}`)
    }
    return 0
  } catch (e) {
    if (!(e instanceof PcareError)) throw e
    io.err(`GAGAL / FAILED: ${e.describe()}`)
    const hint = e.reason === 'unauthorized' && /Basic/.test(e.message) ? HINTS.start_index : HINTS[e.reason]
    if (hint) io.err(`Saran / hint: ${hint}`)
    return 1
  }
}

if (require.main === module) runAsMain('pcare', runCli)
