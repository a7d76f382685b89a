import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { localNetworkProfile, localRuntimeDir, type LedgerOrg } from '../../electron/core/ledger/profile'
import { type ProcessIo, runAsMain } from '../lib/main'
import { filterIdentities, kdppkArg, UsageError } from './args'
import { CaRuleError, caFiles, type ClientRole, listClients, registerClient, revokeClient } from './ca'

const USAGE = `Pemakaian / usage (admin organisasi / org admin, jaringan lokal / local network):
  npm run ledger:register -- --org <RS|Puskesmas> --kdppk <Kode PPK> [--id <enrolment id>]
  npm run ledger:register -- --org BPJS [--role bpjs] [--id <enrolment id>]
      daftarkan workstation (--kdppk wajib: 8 angka/huruf, huruf kecil ditulis besar); mencetak id dan rahasia
      enrolmen sekali pakai, isian Pengaturan, dan kedua sertifikat TLS sebagai PEM untuk ditempel
      register a workstation (--kdppk required: 8 digits/letters, lowercase is upper-cased); prints the one-time
      enrolment id and secret, the Settings fields, and both TLS certificates as PEM to paste
  npm run ledger:revoke -- --org <org> --id <enrolment id> [--reason keycompromise]
      cabut di CA, buat CRL, pasang di MSP organisasi pada kedua channel, tunggu sampai ter-commit; yang sudah
      dicabut tidak dicabut lagi, CRL-nya dipastikan ada di channel (keluar 0)
      revoke at the CA, generate the CRL, put it into the org's MSP on both channels, wait until committed; an id
      revoked already is not revoked again, its CRL is made sure to be in the channel (exit 0)
  npm run ledger:list -- --org <org> [--kdppk <Kode PPK>] [--id <enrolment id>] [--json]
      daftar identitas terdaftar / registered identities
Kode keluar / exit codes: 0 berhasil / done, 1 gagal / failed, 2 pemakaian salah / bad usage.`

const ORGS: readonly LedgerOrg[] = ['BPJS', 'RS', 'Puskesmas']

function orgOf(v: string | boolean | undefined): LedgerOrg {
  const org = ORGS.find((o) => o.toLowerCase() === String(v ?? '').toLowerCase())
  if (!org) throw new UsageError(`--org must be one of ${ORGS.join(', ')}`)
  return org
}

/** Runs network/scripts/channel-crl.sh, passing its lines through; resolves with its exit code. */
function channelCrl(org: LedgerOrg, crlPath: string, io: ProcessIo): Promise<number> {
  const script = path.join(path.dirname(localRuntimeDir()), 'scripts', 'channel-crl.sh')
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, org, crlPath], { stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = (write: (l: string) => void) => (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(write)
    child.stdout.on('data', lines(io.out))
    child.stderr.on('data', lines(io.err))
    child.on('error', reject)
    // Bounded by the script itself (fetch retries, 60 s commit wait); this is a backstop.
    const timer = setTimeout(() => child.kill('SIGTERM'), 5 * 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code ?? 1)
    })
  })
}

/**
 * The org admin's command line for workstation identities on the local network (register, revoke, list): see USAGE.
 * Returns the exit code: 0 done, 1 the CA or the channel refused, 2 bad usage.
 */
async function run(argv: string[], io: ProcessIo): Promise<number> {
  let command: string | undefined
  let values: Record<string, string | boolean | undefined>
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        org: { type: 'string' },
        kdppk: { type: 'string' },
        id: { type: 'string' },
        role: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    })
    values = parsed.values
    command = parsed.positionals[0]
    if (values.help || !command) {
      io.out(USAGE)
      return values.help ? 0 : 2
    }
    if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument ${parsed.positionals[1]}`)
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  try {
    const org = orgOf(values.org)
    switch (command) {
      case 'register': {
        const role = values.role as ClientRole | undefined
        if (role !== undefined && role !== 'workstation' && role !== 'bpjs') throw new UsageError('--role must be workstation or bpjs')
        const kdPPK = kdppkArg(values.kdppk)
        if ((role ?? (org === 'BPJS' ? 'bpjs' : 'workstation')) === 'workstation' && kdPPK === undefined) {
          throw new UsageError('--kdppk <Kode PPK> wajib untuk workstation / is required for a workstation')
        }
        const reg = await registerClient(org, { kdPPK, role, enrollmentId: values.id as string | undefined })
        const ca = caFiles(org)
        const peer = localNetworkProfile(org, { user: 'Admin' })
        io.out(`Terdaftar / registered at ${ca.caName}: ${reg.role}${reg.kdPPK ? ` for Kode PPK ${reg.kdPPK}` : ''}`)
        io.out(`  Enrolment id      : ${reg.enrollmentId}`)
        io.out(`  Enrolment secret  : ${reg.secret}   (sekali pakai / one-time: berikan langsung ke admin faskes / hand it to the faskes admin directly)`)
        io.out('Isian Pengaturan → Ledger / Settings fields:')
        io.out(`  CA URL                 : ${ca.url}`)
        io.out(`  CA TLS certificate     : ${ca.tlsCertPath}`)
        io.out(`  Peer endpoint          : ${peer.peerEndpoint}`)
        io.out(`  Peer TLS CA certificate: ${peer.tlsCaCertPath}`)
        io.out(`  TLS server name        : ${peer.hostAlias ?? '(none)'}`)
        io.out(`  Channel                : ${peer.channel}`)
        io.out(`  MSP id                 : ${peer.mspId}`)
        // Pengaturan takes both certificates as pasted PEM text, not as paths on the org admin's machine.
        io.out('CA TLS certificate (PEM, tempel ke Pengaturan / paste into Settings):')
        io.out(readFileSync(ca.tlsCertPath, 'utf8').trimEnd())
        if (peer.tlsCaCertPath) {
          io.out('Peer TLS CA certificate (PEM, tempel ke Pengaturan / paste into Settings):')
          io.out(readFileSync(peer.tlsCaCertPath, 'utf8').trimEnd())
        }
        return 0
      }
      case 'revoke': {
        if (typeof values.id !== 'string') throw new UsageError('--id is required')
        const { crl, alreadyRevoked } = await revokeClient(org, values.id, typeof values.reason === 'string' ? values.reason : undefined)
        io.out(
          alreadyRevoked
            ? `Sudah dicabut sebelumnya / already revoked at ${caFiles(org).caName}: ${values.id}; CRL dipastikan ada di channel / making sure the CRL is in the channel`
            : `Dicabut di CA / revoked at ${caFiles(org).caName}: ${values.id}; CRL dibuat / CRL generated`,
        )
        const dir = mkdtempSync(path.join(tmpdir(), 'faskes-crl-'))
        try {
          writeFileSync(path.join(dir, 'crl.pem'), crl)
          const code = await channelCrl(org, path.join(dir, 'crl.pem'), io)
          if (code !== 0) {
            io.err('CRL belum masuk konfigurasi channel / the CRL did not reach the channel config; run ledger:revoke again')
            return 1
          }
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
        io.out(`Peer menolak ${values.id} mulai sekarang / the peers refuse ${values.id} from now on`)
        return 0
      }
      case 'list': {
        const ids = filterIdentities(await listClients(org), { kdPPK: kdppkArg(values.kdppk), id: typeof values.id === 'string' ? values.id : undefined })
        if (values.json) {
          io.out(JSON.stringify(ids, null, 2))
          return 0
        }
        io.out(`${'ENROLMENT ID'.padEnd(28)} ${'ROLE'.padEnd(12)} ${'KDPPK'.padEnd(9)} ${'MAX'.padEnd(4)} STATE`)
        for (const i of ids) {
          io.out(`${i.enrollmentId.padEnd(28)} ${(i.role ?? '-').padEnd(12)} ${(i.kdPPK ?? '-').padEnd(9)} ${String(i.maxEnrollments).padEnd(4)} ${i.revoked ? 'revoked' : 'active'}`)
        }
        return 0
      }
      default:
        throw new UsageError(`unknown command ${command}`)
    }
  } catch (err) {
    // A broken registration rule (org, role, code, id) is bad usage too; a CA or channel refusal is a failure.
    if (err instanceof UsageError || err instanceof CaRuleError) {
      io.err(`${err.message}\n${USAGE}`)
      return 2
    }
    io.err((err as Error).message)
    return 1
  }
}

runAsMain('ledger', run)
