import { existsSync } from 'node:fs'
import path from 'node:path'
import type { FabricOrg } from '../../contract'

/**
 * Where and as whom the workstation talks to Fabric. Holds only public material (paths to certificates);
 * the private key is never part of a profile: in the app it comes from the OS keychain, in tests and tools from their own CA enrolment.
 */
export interface LedgerProfile {
  org: LedgerOrg
  mspId: string
  /** host:port of the gateway peer. Use a host name (localhost), not an IP: grpc-js warns on IP TLS targets. */
  peerEndpoint: string
  /** TLS server name to verify the peer against when it differs from the dialled host (ssl_target_name_override). */
  hostAlias?: string
  /** File of the PEM of the TLS CA that signed the peer's TLS cert (or the PEM itself in tlsCaPem). */
  tlsCaCertPath?: string
  tlsCaPem?: string
  /** File of the client's enrolment (signing) certificate (or the PEM in certPem; an enrolled identity brings its own). */
  certPath?: string
  certPem?: string
  channel: string
  chaincode: string
}

/** A faskes org the settings may name (declared in the contract), or BPJS, which the network and tests also act as. */
export type LedgerOrg = FabricOrg | 'BPJS'
/**
 * The only cryptogen client identity left: the org Admin, for lifecycle and seeding tools (network scripts). Every
 * client identity of the app and the tests comes from the org's Fabric CA (ledger/enrolment.ts, test/helpers).
 */
export type LocalUser = 'Admin'

const ORGS: Record<LedgerOrg, { domain: string; port: number }> = {
  BPJS: { domain: 'bpjs.local', port: 7051 },
  RS: { domain: 'rs.local', port: 8051 },
  Puskesmas: { domain: 'puskesmas.local', port: 9051 },
}

/** The chaincode the workstation calls, on the local network and on a real one. */
export const LEDGER_CHAINCODE = 'faskes'

export class LocalNetworkMissingError extends Error {
  override name = 'LocalNetworkMissingError'
}

/**
 * The generated state of the local dev network (network/.runtime). FASKES_NETWORK_RUNTIME overrides; otherwise
 * search upwards from `from` (default: the working directory) for network/.runtime.
 */
export function localRuntimeDir(from: string = process.cwd()): string {
  const env = process.env.FASKES_NETWORK_RUNTIME
  if (env) return path.resolve(env)
  let dir = path.resolve(from)
  for (;;) {
    const candidate = path.join(dir, 'network', '.runtime')
    if (existsSync(candidate)) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new LocalNetworkMissingError(
    'Jaringan Fabric lokal belum dibuat (network/.runtime tidak ditemukan). Jalankan: npm run network:up / ' +
      'Local Fabric network not found (no network/.runtime). Run: npm run network:up',
  )
}

function userDir(runtimeDir: string, org: LedgerOrg, user: LocalUser): string {
  const { domain } = ORGS[org]
  return path.join(runtimeDir, 'crypto', 'peerOrganizations', domain, 'users', `${user}@${domain}`, 'msp')
}

/**
 * Profile for the org Admin's cryptogen identity of the local network (lifecycle and seeding tools only; the app and
 * the tests sign with CA-enrolled identities and use localPeerProfile). The files exist only after `npm run network:up`.
 */
export function localNetworkProfile(
  org: LedgerOrg,
  options: { channel?: string; user?: LocalUser; runtimeDir?: string } = {},
): LedgerProfile {
  const runtimeDir = options.runtimeDir ?? localRuntimeDir()
  const user = options.user ?? 'Admin'
  const { domain, port } = ORGS[org]
  const msp = userDir(runtimeDir, org, user)
  const profile: LedgerProfile = {
    org,
    mspId: `${org}MSP`,
    peerEndpoint: `localhost:${port}`,
    hostAlias: `peer0.${domain}`,
    tlsCaCertPath: path.join(runtimeDir, 'crypto', 'peerOrganizations', domain, 'tlsca', `tlsca.${domain}-cert.pem`),
    certPath: path.join(msp, 'signcerts', `${user}@${domain}-cert.pem`),
    channel: options.channel ?? 'bpjs-main',
    chaincode: LEDGER_CHAINCODE,
  }
  for (const p of [profile.tlsCaCertPath!, profile.certPath!]) {
    if (!existsSync(p)) throw new LocalNetworkMissingError(`Identitas ${user}@${domain} tidak ada / missing: ${p}. Run: npm run network:up`)
  }
  return profile
}

/**
 * The local network's gateway peer of `org` without a client identity: the demo path brings its own, enrolled at the
 * org's CA (ledger/enrolment.ts ensureDemoIdentity). Throws LocalNetworkMissingError before network:up.
 */
export function localPeerProfile(org: LedgerOrg, options: { channel: string; mspId?: string; runtimeDir: string }): LedgerProfile {
  const { domain, port } = ORGS[org]
  const tlsCaCertPath = path.join(options.runtimeDir, 'crypto', 'peerOrganizations', domain, 'tlsca', `tlsca.${domain}-cert.pem`)
  if (!existsSync(tlsCaCertPath)) throw new LocalNetworkMissingError(`TLS CA ${domain} tidak ada / missing: ${tlsCaCertPath}. Run: npm run network:up`)
  return {
    org,
    mspId: options.mspId ?? `${org}MSP`,
    peerEndpoint: `localhost:${port}`,
    hostAlias: `peer0.${domain}`,
    tlsCaCertPath,
    channel: options.channel,
    chaincode: LEDGER_CHAINCODE,
  }
}
