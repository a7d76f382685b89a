import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { localRuntimeDir, type LedgerOrg } from '../../electron/core/ledger/profile'

/**
 * The org admin's side of the local network's Fabric CAs (issue 14): register, enrol, revoke and list client
 * identities with Fabric's own `fabric-ca-client` v1.5.15, acting as the org's registrar
 * (`network/.runtime/ca/<org>/registrar.json`, enrolled by `npm run network:up` into `.../registrar/msp`).
 * Only tools and tests use this; the app enrols with its own code and never sees the registrar.
 */

/** A workstation at a faskes, or a BPJS officer's client (the `role` attribute in the enrolment certificate). */
export type ClientRole = 'workstation' | 'bpjs'

/** What a faskes admin needs to enrol one workstation: the one-time enrolment id and secret. */
export interface Registration {
  enrollmentId: string
  secret: string
  org: LedgerOrg
  role: ClientRole
  /** The faskes code (Kode PPK) the certificate will carry; absent for role `bpjs`. */
  kdPPK?: string
}

/** One identity registered at an org's CA, as `ledger:list` shows it. */
export interface RegisteredIdentity {
  enrollmentId: string
  type: string
  maxEnrollments: number
  kdPPK?: string
  role?: string
  /** At least one of its certificates is revoked (after `ledger:revoke` the identity itself is revoked too). */
  revoked: boolean
}

/** Paths of one org's CA runtime files (written by network:up). */
export interface CaFiles {
  /** `https://localhost:<port>` */
  url: string
  caName: string
  /** PEM the CA's TLS server certificate chains to (the org's TLS CA). */
  tlsCertPath: string
  /** fabric-ca-client home of the registrar (msp/ with its enrolment certificate and key). */
  registrarHome: string
}

/** A request that breaks a registration rule (org, role, faskes code, id): the caller's mistake, not the CA's. */
export class CaRuleError extends Error {
  override name = 'CaRuleError'
}

/** Faskes code rule of the issue-14 design: 8 characters, digits and upper-case letters (e.g. `0114U163`). */
export const KDPPK_PATTERN = /^[0-9A-Z]{8}$/
const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/
const CLIENT_TIMEOUT_MS = 30_000

const orgDir = (org: LedgerOrg): string => org.toLowerCase()

/** The CA runtime files of `org`; throws with the network:up hint when the network has no CA yet. */
export function caFiles(org: LedgerOrg, runtimeDir: string = localRuntimeDir()): CaFiles {
  const dir = path.join(runtimeDir, 'ca', orgDir(org))
  const registrarPath = path.join(dir, 'registrar.json')
  if (!existsSync(registrarPath) || !existsSync(path.join(dir, 'registrar', 'msp', 'signcerts', 'cert.pem'))) {
    throw new Error(`no Fabric CA for ${org} in ${runtimeDir} (registrar missing); run npm run network:up`)
  }
  const reg = JSON.parse(readFileSync(registrarPath, 'utf8')) as { url: string; caName: string }
  return { url: reg.url, caName: reg.caName, tlsCertPath: path.join(dir, 'tls-cert.pem'), registrarHome: path.join(dir, 'registrar') }
}

let clientBin: string | undefined
/**
 * Path of `fabric-ca-client`: FABRIC_CA_BIN when set, else what `network/scripts/fabric-ca-bin.sh` prints (the
 * cached build; it builds on a cold machine).
 */
async function fabricCaClient(runtimeDir: string): Promise<string> {
  if (clientBin) return clientBin
  let dir = process.env.FABRIC_CA_BIN
  if (!dir) {
    const script = path.join(path.dirname(runtimeDir), 'scripts', 'fabric-ca-bin.sh')
    dir = (await run('bash', [script], {}, 15 * 60_000)).trim().split('\n').pop() ?? ''
  }
  const bin = path.join(dir, 'fabric-ca-client')
  if (!existsSync(bin)) throw new Error(`fabric-ca-client not found in ${dir}`)
  clientBin = bin
  return bin
}

/** Userinfo in a URL (`//id:secret@host`) must never reach a log or an error text. */
const redact = (s: string): string => s.replace(/\/\/[^/\s@]+@/g, '//<redacted>@')

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeout = CLIENT_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        // fabric-ca-client logs INFO lines on stderr; the error is its last lines.
        const tail = stderr.trim().split('\n').slice(-3).join('\n')
        reject(new Error(redact(`${path.basename(file)} ${args[0] ?? ''} failed: ${tail || err.message}`)))
      } else resolve(stdout)
    })
  })
}

/** Runs `fabric-ca-client <args>` as the registrar of `org`. */
async function asRegistrar(org: LedgerOrg, args: string[], runtimeDir: string): Promise<string> {
  const ca = caFiles(org, runtimeDir)
  const bin = await fabricCaClient(runtimeDir)
  return run(bin, [...args, '-H', ca.registrarHome, '-u', ca.url, '--caname', ca.caName, '--tls.certfiles', ca.tlsCertPath], {})
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
function randomBase32(n: number): string {
  return [...randomBytes(n)].map((b) => BASE32[b & 31]).join('')
}

/**
 * Registers a client identity at `org`'s CA as its registrar: type `client`, attributes `role` and (for a
 * workstation) `kdPPK` put into the enrolment certificate (`:ecert`), `maxEnrollments` 1 by default so the secret
 * works once. Enrolment id `ws-<kdppk lowercase>-<6 base32>` (workstation) or `bpjs-<6 base32>` unless given.
 * Workstations belong to a faskes org (RS, Puskesmas) and need a faskes code; role `bpjs` only to BPJS, without one.
 * The secret is generated by the CA (so it never appears in a process list). Throws CaRuleError on a broken rule,
 * Error on a CA refusal.
 */
export async function registerClient(
  org: LedgerOrg,
  opts: { kdPPK?: string; role?: ClientRole; enrollmentId?: string; maxEnrollments?: number; unchecked?: boolean },
  runtimeDir: string = localRuntimeDir(),
): Promise<Registration> {
  const role = opts.role ?? (org === 'BPJS' ? 'bpjs' : 'workstation')
  // `unchecked` (tests only) skips the org/role/code rules, so a test can make the identities the chaincode must refuse.
  if (opts.unchecked) {
    if (opts.kdPPK !== undefined && !/^[0-9A-Za-z]{1,16}$/.test(opts.kdPPK)) throw new CaRuleError('kdPPK must be 1-16 letters or digits')
  } else if (role === 'workstation') {
    if (org === 'BPJS') throw new CaRuleError('a workstation belongs to a faskes org (RS or Puskesmas), not BPJS')
    if (!opts.kdPPK || !KDPPK_PATTERN.test(opts.kdPPK)) throw new CaRuleError(`--kdppk must be 8 digits or capital letters (got ${opts.kdPPK ?? 'none'})`)
  } else {
    if (org !== 'BPJS') throw new CaRuleError('role bpjs is only for BPJS identities')
    if (opts.kdPPK) throw new CaRuleError('a BPJS client carries no faskes code')
  }
  const enrollmentId = opts.enrollmentId ?? (role === 'workstation' ? `ws-${(opts.kdPPK ?? 'none').toLowerCase()}-${randomBase32(6)}` : `bpjs-${randomBase32(6)}`)
  if (!ID_PATTERN.test(enrollmentId)) throw new CaRuleError(`--id must match ${ID_PATTERN.source} (got ${enrollmentId})`)
  const maxEnrollments = opts.maxEnrollments ?? 1
  const attrs = [...(opts.kdPPK ? [`kdPPK=${opts.kdPPK}:ecert`] : []), `role=${role}:ecert`].join(',')
  const out = await asRegistrar(
    org,
    ['register', '--id.name', enrollmentId, '--id.type', 'client', '--id.maxenrollments', String(maxEnrollments), '--id.attrs', attrs],
    runtimeDir,
  )
  const secret = /^Password: (\S+)$/m.exec(out)?.[1]
  if (!secret) throw new Error('fabric-ca-client register printed no password')
  return { enrollmentId, secret, org, role, ...(opts.kdPPK ? { kdPPK: opts.kdPPK } : {}) }
}

/**
 * Enrols `enrollmentId` with its secret at `org`'s CA with fabric-ca-client (key pair and CSR made by the client in
 * a temporary home, deleted afterwards), asking for the `kdPPK` and `role` attributes explicitly so an identity
 * registered without them fails here. `attrs` lists the attribute names to require (default both).
 * Returns the enrolment certificate and the PKCS#8 private key, both PEM.
 */
export async function enrolClient(
  org: LedgerOrg,
  enrollmentId: string,
  secret: string,
  attrs: string[] = ['kdPPK', 'role'],
  runtimeDir: string = localRuntimeDir(),
): Promise<{ certPem: string; keyPem: string }> {
  const ca = caFiles(org, runtimeDir)
  const bin = await fabricCaClient(runtimeDir)
  const home = mkdtempSync(path.join(tmpdir(), 'faskes-enrol-'))
  try {
    const { protocol, host } = new URL(ca.url)
    // The secret travels in the environment (FABRIC_CA_CLIENT_URL), not in argv. No trailing slash: fabric-ca-client
    // turns `https://id:pw@host:port/` into the host `%2F`.
    const url = `${protocol}//${encodeURIComponent(enrollmentId)}:${encodeURIComponent(secret)}@${host}`
    await run(bin, ['enroll', '-H', home, '--caname', ca.caName, '--tls.certfiles', ca.tlsCertPath, '--enrollment.attrs', attrs.join(',')], {
      FABRIC_CA_CLIENT_URL: url,
    })
    const keystore = path.join(home, 'msp', 'keystore')
    const keyFile = readdirSync(keystore).find((f) => f.endsWith('_sk'))
    if (!keyFile) throw new Error('fabric-ca-client wrote no private key')
    return {
      certPem: readFileSync(path.join(home, 'msp', 'signcerts', 'cert.pem'), 'utf8'),
      keyPem: readFileSync(path.join(keystore, keyFile), 'utf8'),
    }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

/**
 * Revokes `enrollmentId` at `org`'s CA (the identity and every certificate it holds; reason `keyCompromise` or
 * another RFC 5280 name) unless a certificate of it is revoked already (`alreadyRevoked`: a second `ledger:revoke`),
 * then generates the CA's CRL of every revoked certificate. Returns that CRL PEM, which must then reach the channel
 * config (network/scripts/channel-crl.sh) before peers refuse the identity. The CRL comes from a `gencrl` of its own:
 * `revoke --gencrl` writes an empty file when the call revoked nothing new (measured with fabric-ca-client 1.5.15).
 * Throws CaRuleError for an id the CA does not know.
 */
export async function revokeClient(
  org: LedgerOrg,
  enrollmentId: string,
  reason = 'keycompromise',
  runtimeDir: string = localRuntimeDir(),
): Promise<{ crl: string; alreadyRevoked: boolean }> {
  if (!ID_PATTERN.test(enrollmentId)) throw new CaRuleError(`--id must match ${ID_PATTERN.source} (got ${enrollmentId})`)
  if (enrollmentId === 'admin') throw new CaRuleError('refusing to revoke the registrar itself')
  const known = (await listClients(org, runtimeDir)).find((i) => i.enrollmentId === enrollmentId)
  if (!known) throw new CaRuleError(`${caFiles(org, runtimeDir).caName} has no identity ${enrollmentId} (see npm run ledger:list)`)
  if (!known.revoked) await asRegistrar(org, ['revoke', '-e', enrollmentId, '-r', reason], runtimeDir)
  await asRegistrar(org, ['gencrl'], runtimeDir)
  return { crl: readFileSync(path.join(caFiles(org, runtimeDir).registrarHome, 'msp', 'crls', 'crl.pem'), 'utf8'), alreadyRevoked: known.revoked }
}

/** Every identity registered at `org`'s CA except the registrar, with its attributes and whether it is revoked. */
export async function listClients(org: LedgerOrg, runtimeDir: string = localRuntimeDir()): Promise<RegisteredIdentity[]> {
  const out = await asRegistrar(org, ['identity', 'list'], runtimeDir)
  // Certificates revoked at any time: their subjects' CN is the enrolment id.
  const revokedOut = await asRegistrar(org, ['certificate', 'list', '--revocation', '2000-01-01T00:00:00Z::2999-01-01T00:00:00Z'], runtimeDir)
  const revoked = new Set([...revokedOut.matchAll(/Subject: .*CN=([^,\s]+)/g)].map((m) => m[1]))
  const ids: RegisteredIdentity[] = []
  for (const line of out.split('\n')) {
    const m = /^Name: ([^,]+), Type: ([^,]+), Affiliation: [^,]*, Max Enrollments: (-?\d+), Attributes: \[(.*)\]$/.exec(line)
    if (!m || m[1] === 'admin') continue
    const attr = (name: string): string | undefined => new RegExp(`\\{Name:${name} Value:(\\S*) ECert:`).exec(m[4])?.[1]
    const kdPPK = attr('kdPPK')
    const role = attr('role')
    ids.push({ enrollmentId: m[1], type: m[2], maxEnrollments: Number(m[3]), ...(kdPPK ? { kdPPK } : {}), ...(role ? { role } : {}), revoked: revoked.has(m[1]) })
  }
  return ids
}
