import { parseArgs } from 'node:util'
import { contract, Role } from '../../electron/contract'
import { formatServerMessage, isServerMessageKey } from '../../electron/contract/messages'

/**
 * Argument handling of `npm run hub`, `npm run hub:admin` and `npm run desk` (tools/hub/main.ts), kept apart from
 * the commands so it is tested in-process (args.test.ts). Every message a faskes admin can cause is Indonesian first,
 * then English, as the ledger CLIs say theirs (tools/ledger/admin.ts).
 */

/** A command line the admin got wrong: main.ts prints the message with the command's usage and exits 2. */
export class UsageError extends Error {}

/** The three programs of tools/hub/main.ts (its first argument, set by the package.json scripts). */
export type HubCommand = 'hub' | 'admin' | 'desk'

const EXIT_CODES = 'Kode keluar / exit codes: 0 berhasil / done, 1 gagal / failed, 2 pemakaian salah / bad usage.'

/** `--help` text of each program (also printed under a usage error). */
export const USAGE: Record<HubCommand, string> = {
  hub: `Pemakaian / usage: npm run hub -- --host <alamat LAN PC ini / LAN address> [--port 8443] [--data-dir FOLDER]
                     [--backup-dir FOLDER] [--backup-every MENIT/MIN] [--backup-keep N]
  Menjalankan hub faskes: meja di LAN bekerja melaluinya. Mencetak baris "Hub siap" dengan alamat dan sidik jari
  untuk dibacakan ke meja saat pemasangan. --backup-dir: salinan cadangan otomatis (setiap 5 menit, 24 terakhir).
  Runs the faskes hub: the desks on the LAN work through it. Prints a "Hub ready" line with the address and the
  fingerprint to read out to desks at pairing. --backup-dir: automatic backup copies (every 5 min, the last 24).
  Panduan / guide: docs/hub.md
${EXIT_CODES}`,
  admin: `Pemakaian / usage: npm run hub:admin -- <perintah / command> [--data-dir FOLDER]
  code                      kode pemasangan meja baru (sekali pakai, 10 menit) / a one-time pairing code for a new desk
  desks                     daftar meja / the paired desks
  revoke ID_MEJA            cabut meja (ID dari "desks") / revoke a desk (id from "desks")
  add-user NAMA PERAN       pengguna baru; kata sandi satu baris di stdin / a new user; password as one line on stdin
                            PERAN / ROLE: counter (loket / registration), clinician (dokter/perawat), admin
  export-key --out BERKAS   berkas kunci untuk pemulihan / the key file a restore needs
  restore SALINAN --key-file BERKAS --data-dir FOLDER_BARU   pulihkan cadangan / restore a backup copy
  Dijalankan di PC hub, pada folder data hub (boleh saat hub berjalan). / Run on the hub PC, on its data folder
  (the hub may be running). Panduan / guide: docs/hub.md
${EXIT_CODES}`,
  desk: `Pemakaian / usage: npm run desk -- [--port N] [--data-dir FOLDER]
  Menjalankan meja: aplikasi di http://127.0.0.1:PORT, dipasangkan ke hub dari halamannya sendiri.
  Runs a desk: the app at http://127.0.0.1:PORT, paired with the hub from its own page. Guide: docs/hub.md
${EXIT_CODES}`,
}

/** The parsed command line of main.ts: which program, its flags (parseArgs strings), positionals, and --help. */
export interface HubArgs {
  command: HubCommand
  values: {
    host?: string
    port?: string
    'data-dir'?: string
    'backup-dir'?: string
    'backup-every'?: string
    'backup-keep'?: string
    out?: string
    'key-file'?: string
  }
  positionals: string[]
  help: boolean
}

/**
 * Parses `argv` (after the script: the program name first). UsageError for an unknown program or flag, a flag
 * without its value, or an unexpected positional (hub and desk take none).
 */
export function parseHubArgs(argv: string[]): HubArgs {
  const [command, ...rest] = argv
  if (command !== 'hub' && command !== 'admin' && command !== 'desk') {
    throw new UsageError(`Program tidak dikenal / unknown program: ${command ?? '(none)'}; pakai / use npm run hub, npm run hub:admin or npm run desk`)
  }
  let parsed
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'backup-dir': { type: 'string' },
        'backup-every': { type: 'string' },
        'backup-keep': { type: 'string' },
        out: { type: 'string' },
        'key-file': { type: 'string' },
      },
    })
  } catch (err) {
    // node:util names the flag in English ("Unknown option '--hots'"); the admin gets the Indonesian gist first.
    throw new UsageError(`Pilihan tidak dikenal atau tanpa nilai / ${(err as Error).message}`)
  }
  const { help, ...values } = parsed.values
  if (command !== 'admin' && parsed.positionals.length > 0) {
    throw new UsageError(`Argumen tidak dikenal / unexpected argument: ${parsed.positionals[0]}`)
  }
  return { command, values, positionals: parsed.positionals, help: help === true }
}

/** The TCP port: `--port`, else 8443 for the hub and 0 (any free one) for a desk. UsageError outside 0..65535. */
export function portArg(command: HubCommand, v: string | undefined): number {
  const port = Number(v ?? (command === 'hub' ? '8443' : '0'))
  if (v !== undefined && v.trim() === '') throw new UsageError('--port kosong / is empty')
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port harus angka 0..65535 / must be 0..65535 (got ${v})`)
  return port
}

/** `--host` of `npm run hub`: required (the address desks type, so the hub must listen on it). */
export function hostArg(v: string | undefined): string {
  if (!v?.trim()) {
    throw new UsageError('--host wajib: alamat LAN PC ini, mis. 192.168.1.10 (127.0.0.1 untuk uji) / --host is required: the LAN address of this PC, e.g. 192.168.1.10')
  }
  return v.trim()
}

const ROLE_WORDS = 'counter (loket / registration), clinician (dokter/perawat / doctor or nurse), admin'

/**
 * `hub:admin add-user NAME ROLE`: checked by the same rules as Pengaturan's users.create (contract) before the core
 * opens, so a wrong role is said before anyone types a password and the database never answers "CHECK constraint
 * failed". UsageError in both languages.
 */
export function newUserArgs(name: string | undefined, role: string | undefined): { username: string; role: Role } {
  if (!name || !role) throw new UsageError(`add-user butuh NAMA dan PERAN / needs NAME and ROLE: ${ROLE_WORDS}`)
  const r = Role.safeParse(role)
  if (!r.success) throw new UsageError(`Peran "${role}" tidak dikenal; pilih / unknown role "${role}"; choose: ${ROLE_WORDS}`)
  const username = userCreate.shape.username.safeParse(name)
  if (!username.success) throw new UsageError(bothLanguages(username.error.issues[0].message))
  return { username: username.data, role: r.data }
}

/** The new user's password (the first line of stdin): the users.create rule (at least 10 characters). UsageError. */
export function passwordArg(password: string): string {
  const p = userCreate.shape.password.safeParse(password)
  if (!p.success) throw new UsageError(`${bothLanguages(p.error.issues[0].message)} (stdin, satu baris / one line)`)
  return p.data
}

const userCreate = contract['users.create'].input

/** A contract validation message key in Indonesian, then English (a plain message as it is). */
function bothLanguages(m: string): string {
  return isServerMessageKey(m) ? `${formatServerMessage('id', m)} / ${formatServerMessage('en', m)}` : m
}

/** An epoch-ms time as this PC's local "YYYY-MM-DD HH:MM" (what the admin's clock shows), for `hub:admin desks`. */
export function localTime(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/**
 * A failure of a hub command in words for the faskes admin (Indonesian, then English), for the ones an admin can
 * cause: the port taken or the host not this PC's (hub), a code asked before the hub's first start. Others: their
 * own message (core's keyed errors are Indonesian already; their English is added).
 */
export function plainError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { key?: unknown; params?: Record<string, string | number> }
  if (e?.code === 'EADDRINUSE') return 'Port sudah dipakai: hub sudah berjalan, atau pilih --port lain / the port is in use: the hub runs already, or choose another --port'
  if (e?.code === 'EADDRNOTAVAIL') return '--host bukan alamat PC ini (lihat ip addr / ipconfig) / --host is not an address of this PC'
  if (e?.code === 'EACCES' && e.syscall === 'listen') return 'Port di bawah 1024 butuh hak admin: pakai --port 8443 / a port below 1024 needs root: use --port 8443'
  if (typeof e?.key === 'string' && isServerMessageKey(e.key)) return `${formatServerMessage('id', e.key, e.params)} / ${formatServerMessage('en', e.key, e.params)}`
  return err instanceof Error ? err.message : String(err)
}
