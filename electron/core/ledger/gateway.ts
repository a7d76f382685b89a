import { createPrivateKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import * as grpc from '@grpc/grpc-js'
import { connect, hash, signers, type Contract, type Gateway, type Network, type Signer } from '@hyperledger/fabric-gateway'
import type { LedgerProfile } from './profile'

/**
 * Per-call deadlines. Evaluate is a local peer read; endorse may involve a second org's peer; submit returns once the
 * orderer accepted; commit status waits for a block (BatchTimeout 300 ms locally, longer under load or Raft election).
 */
export interface LedgerDeadlines {
  evaluateMs: number
  endorseMs: number
  submitMs: number
  commitStatusMs: number
}
const DEFAULT_DEADLINES: LedgerDeadlines = { evaluateMs: 5_000, endorseMs: 15_000, submitMs: 5_000, commitStatusMs: 60_000 }

export interface LedgerConnection {
  profile: LedgerProfile
  gateway: Gateway
  network: Network
  /** Contract `faskes` addressed by its class, e.g. contract('Card') for `Card:Issue`. */
  contract(name: string): Contract
  /** Closes the gateway and its gRPC channel. */
  close(): void
}

/**
 * Who signs: a private key (PKCS#8 or SEC1 PEM) for the profile's certificate, or an enrolled identity's own
 * certificate with a signer (ledger/enrolment.ts identitySigner: keychain key or PKCS#11 token); `close` is called
 * when the connection closes.
 */
export type LedgerSigner = string | Buffer | { certPem: string; sign: Signer; close?(): void }

/**
 * Connect to the profile's gateway peer as the profile's identity, signing with `key` (see LedgerSigner).
 * The key is passed in, not read here: in the app it comes from the OS keychain or a token.
 */
export async function connectLedger(profile: LedgerProfile, key: LedgerSigner, deadlines: Partial<LedgerDeadlines> = {}): Promise<LedgerConnection> {
  const d = { ...DEFAULT_DEADLINES, ...deadlines }
  const material = (pem: string | undefined, file: string | undefined) => (pem !== undefined ? Buffer.from(pem) : readFile(file!))
  const identity = typeof key === 'object' && !Buffer.isBuffer(key) ? key : null
  const [tlsCa, cert] = await Promise.all([material(profile.tlsCaPem, profile.tlsCaCertPath), identity ? Buffer.from(identity.certPem) : material(profile.certPem, profile.certPath)])
  const options: grpc.ClientOptions = {
    // Keep idle connections alive across NAT/firewall timeouts without tripping the peer's ping policy (>= 60 s).
    'grpc.keepalive_time_ms': 120_000,
    'grpc.keepalive_timeout_ms': 20_000,
  }
  if (profile.hostAlias) options['grpc.ssl_target_name_override'] = profile.hostAlias
  const client = new grpc.Client(profile.peerEndpoint, grpc.credentials.createSsl(tlsCa), options)
  let gateway: Gateway
  try {
    gateway = connect({
      client,
      identity: { mspId: profile.mspId, credentials: cert },
      signer: identity ? identity.sign : signers.newPrivateKeySigner(createPrivateKey(key as string | Buffer)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + d.evaluateMs }),
      endorseOptions: () => ({ deadline: Date.now() + d.endorseMs }),
      submitOptions: () => ({ deadline: Date.now() + d.submitMs }),
      commitStatusOptions: () => ({ deadline: Date.now() + d.commitStatusMs }),
    })
  } catch (err) {
    client.close()
    identity?.close?.()
    throw err
  }
  const network = gateway.getNetwork(profile.channel)
  return {
    profile,
    gateway,
    network,
    contract: (name) => network.getContract(profile.chaincode, name),
    close: () => {
      gateway.close()
      client.close()
      identity?.close?.()
    },
  }
}

/**
 * Machine prefixes the faskes chaincode puts in front of its error messages (chaincode/README.md#errors). `CLOCK`: the
 * proposal timestamp (this computer's clock at send time) is more than 10 min from the endorsing peer's clock.
 */
export type ChaincodeErrorKind = 'INVALID' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'STATE' | 'CLOCK'

/**
 * Find the chaincode's error prefix in a gateway error (EndorseError / GatewayError details carry
 * "chaincode response 500, <message>"), or undefined when the failure was not a chaincode business error.
 */
export function chaincodeErrorKind(err: unknown): ChaincodeErrorKind | undefined {
  const texts: string[] = []
  if (err instanceof Error) texts.push(err.message)
  const details = (err as { details?: { message?: string }[] } | undefined)?.details
  if (Array.isArray(details)) for (const x of details) if (x?.message) texts.push(x.message)
  for (const t of texts) {
    const m = /(?:^|[\s,:])(INVALID|FORBIDDEN|NOT_FOUND|CONFLICT|STATE|CLOCK):/.exec(t)
    if (m) return m[1] as ChaincodeErrorKind
  }
  return undefined
}
