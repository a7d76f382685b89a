import { status as grpcStatus } from '@grpc/grpc-js'
import type { SyncErrorCode } from '../../contract'
import { chaincodeErrorKind, type ChaincodeErrorKind } from '../ledger/gateway'

/**
 * Where on the ledger path an error was caught:
 * - `endorse`: proposal.endorse() (the gateway peer runs the chaincode and collects the other orgs' endorsements);
 * - `submit`: transaction.submit() of an endorsed transaction to the orderers;
 * - `commitStatus`: asking the gateway for the commit status of a submitted transaction;
 * - `commit`: the commit status came back and the transaction was INVALID (the error carries the TxValidationCode);
 * - `evaluate`: a read (the reconcile read of a job's key);
 * - `probe`: the worker's cheap read that asks whether the ledger is reachable;
 * - `events`: the chain-event stream broke or could not be opened;
 * - `connect`: anything outside a gateway call (building the connection, reading the key, decoding a result).
 */
export type LedgerPhase = 'endorse' | 'submit' | 'commitStatus' | 'commit' | 'evaluate' | 'probe' | 'events' | 'connect'

/** The outcome `classifyLedgerError` gives one ledger error; the executor turns it into a SendError as it is. */
export interface LedgerErrorClass {
  /** transient: the retry schedule applies; permanent: a person has to look (the chain is held). */
  kind: 'transient' | 'permanent'
  /** Sync error code recorded on the job; the page words it (PEER_UNREACHABLE, ENDORSE_FAILED, CHAINCODE_STATE, ...). */
  code: SyncErrorCode
  /**
   * Stored beside the code, never a sentence of ours: the chaincode's own words for a business error, the transaction
   * id for an unknown commit status, else the gateway's or gRPC's text.
   */
  message: string
  /**
   * The gateway peer itself did not answer (connection refused, no route, the client's own deadline ran out): the
   * worker pauses and probes. Never set when the peer answered, even with UNAVAILABLE: the probe (a read on that same
   * peer) would then find it up while the send still fails, and pulling the job forward at every probe would spend
   * the 24 h retry budget in minutes.
   */
  offline: boolean
  /** The transaction may have reached the orderers: the next run reads the key before sending a new proposal. */
  ambiguous: boolean
  /** The same call may be repeated at once (submit of the same signed transaction, asking a commit status again). */
  repeatable: boolean
  /** Earliest retry in ms, when the schedule's first step would be too slow (an MVCC conflict is retried at once). */
  retryAfterMs?: number
  /** The faskes chaincode's error prefix, when the chaincode itself refused (chaincode/README.md#errors). */
  chaincode?: ChaincodeErrorKind
}

/** Fabric transaction validation codes that a fresh proposal can fix (fabric-protos peer.TxValidationCode). */
const MVCC_READ_CONFLICT = 11
const PHANTOM_READ_CONFLICT = 12
/** gRPC codes that, when grpc-js made them up itself (no answer from the peer), mean the peer could not be reached. */
const UNREACHABLE = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED])
/**
 * Messages the Fabric gateway writes itself (hyperledger/fabric internal/pkg/gateway api.go and registry.go): the
 * gateway peer answered, it is other peers (another org's endorser) or the endorsement plan that failed. A fallback
 * for errors whose gRPC trailers were lost on the way; normally the trailers alone tell (see peerAnswered).
 */
const GATEWAY_ANSWER =
  /failed to select a set of endorsers|failed to collect enough transaction endorsements|failed to endorse transaction|failed to find any endorsing peers|no peers available to evaluate|no endorsers found|no (?:combination of peers|peer combination)|endorsement timeout expired|evaluate timeout expired/i

/**
 * The gateway peer's answer when it cannot validate the proposal's creator (hyperledger/fabric core/endorser
 * msgvalidation.go: the cause, e.g. "The certificate has been revoked", goes to the peer's log only, so a revoked,
 * expired or foreign certificate, or one of another MSP than the settings name, all read alike). Seen on the local
 * network after `npm run ledger:revoke`: endorse "10 ABORTED: failed to endorse transaction, see attached details
 * for more info" with the detail "error validating proposal: access denied: channel [bpjs-main] creator org
 * [PuskesmasMSP]"; evaluate "9 FAILED_PRECONDITION: ..." with the same detail.
 */
const CREATOR_REFUSED = /access denied: channel \[[^\]]*\] creator org \[[^\]]*\]/

interface GatewayErrorShape {
  code?: unknown
  details?: unknown
  cause?: { metadata?: { getMap?: () => Record<string, unknown> } }
  transactionId?: unknown
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))
/** The error's numeric `code`: a gRPC status for a gateway error, a TxValidationCode for a CommitError. */
const numericCode = (err: unknown): number | undefined => {
  const code = (err as GatewayErrorShape | undefined)?.code
  return typeof code === 'number' ? code : undefined
}

/**
 * True when the error is the gateway peer's answer rather than grpc-js's own verdict. A status the server sent
 * arrives with its trailers (at least `content-type`, plus `grpc-status-details-bin` when endorsers are named in
 * `details`); one grpc-js makes up locally ("No connection established", "Deadline exceeded ... Waiting for LB
 * pick") carries empty metadata and no details. Measured against the local network with
 * @hyperledger/fabric-gateway 1.11 and @grpc/grpc-js 1.14.
 */
function peerAnswered(err: unknown): boolean {
  const e = err as GatewayErrorShape | undefined
  if (Array.isArray(e?.details) && e.details.length > 0) return true
  const metadata = e?.cause?.metadata?.getMap?.()
  if (metadata && Object.keys(metadata).length > 0) return true
  return GATEWAY_ANSWER.test(messageOf(err))
}

/** The gateway peer could not be reached at all: a gRPC UNAVAILABLE or DEADLINE_EXCEEDED with no answer from it. */
function unreachable(err: unknown): boolean {
  const code = numericCode(err)
  return code !== undefined && UNREACHABLE.has(code) && !peerAnswered(err)
}

/** The peer refused the workstation's certificate itself (CREATOR_REFUSED in the message or an endorser's detail). */
function creatorRefused(err: unknown): string | null {
  const details = (err as { details?: { message?: string }[] } | undefined)?.details ?? []
  return [messageOf(err), ...details.map((d) => d.message ?? '')].find((t) => CREATOR_REFUSED.test(t)) ?? null
}

/** The chaincode's own sentence from a gateway error ("chaincode response 500, STATE: ..." -> "STATE: ..."). */
function chaincodeMessage(err: unknown): string {
  const details = (err as { details?: { message?: string }[] }).details ?? []
  const text = [messageOf(err), ...details.map((d) => d.message ?? '')].find((t) => /(INVALID|FORBIDDEN|NOT_FOUND|CONFLICT|STATE|CLOCK):/.test(t)) ?? messageOf(err)
  return text.replace(/^.*?chaincode response \d+, /, '')
}

const transient = (code: SyncErrorCode, message: string, extra: Partial<LedgerErrorClass> = {}): LedgerErrorClass => ({
  kind: 'transient',
  code,
  message,
  offline: false,
  ambiguous: false,
  repeatable: false,
  ...extra,
})

/**
 * The one classification of ledger errors (pure: it reads the error, nothing else). Rules, by phase:
 * - a chaincode business error (INVALID:, FORBIDDEN:, NOT_FOUND:, CONFLICT:, STATE:) at endorse is permanent
 *   CHAINCODE_<kind>; on a read it is reported with `chaincode` set (a reconcile takes NOT_FOUND as "not there");
 * - CLOCK: at endorse (this computer's clock more than 10 min from the peer's) is a transient CHAINCODE_CLOCK: the
 *   next attempt builds a fresh proposal with the clock as it then is, so a corrected clock passes without an admin,
 *   and a clock left wrong ends in RETRY_LIMIT after the 24 h budget like any other transient failure;
 * - `offline` only when the gateway peer itself did not answer (see `unreachable`); a peer that answers UNAVAILABLE
 *   ("failed to select a set of endorsers": another org's peer is down) is a transient ENDORSE_FAILED on the schedule;
 * - submit and commit status are ambiguous (the orderers may have the transaction) and never offline: the probe asks
 *   a peer, which answers while the orderers are down;
 * - commit: an MVCC or phantom read conflict is re-run from a fresh proposal at once; any other validation code is
 *   permanent COMMIT_INVALID_<code>;
 * - probe: `offline` means the ledger is down for the worker (no answer from the peer, or no connection could be built);
 * - the peer refusing the workstation's certificate (CREATOR_REFUSED) at endorse or on a read is a permanent
 *   IDENTITY_REFUSED: no retry can pass until an admin enrols the workstation again, then resends. A probe still
 *   counts as up (the peer answered).
 */
export function classifyLedgerError(err: unknown, phase: LedgerPhase): LedgerErrorClass {
  const message = messageOf(err)
  const chaincode = chaincodeErrorKind(err)
  const refused = creatorRefused(err)
  if (refused && (phase === 'endorse' || phase === 'evaluate')) return { ...transient('IDENTITY_REFUSED', refused), kind: 'permanent' }
  switch (phase) {
    case 'endorse':
      if (chaincode === 'CLOCK') return transient('CHAINCODE_CLOCK', chaincodeMessage(err), { chaincode })
      if (chaincode) return { ...transient(`CHAINCODE_${chaincode}`, chaincodeMessage(err)), kind: 'permanent', chaincode }
      if (unreachable(err)) return transient('PEER_UNREACHABLE', message, { offline: true })
      return transient('ENDORSE_FAILED', message)
    case 'submit':
      // Not `offline`: the worker's probe asks a peer, which still answers while the orderers are down, so an
      // offline/online flip would pull every job forward at each probe and burn the retry budget in minutes.
      return transient('SUBMIT_FAILED', message, {
        ambiguous: true,
        repeatable: (err as Error | undefined)?.name === 'SubmitError',
      })
    case 'commitStatus': {
      const txId = (err as GatewayErrorShape | undefined)?.transactionId
      return transient('COMMIT_STATUS_UNKNOWN', typeof txId === 'string' ? txId : message, {
        ambiguous: true,
        repeatable: (err as Error | undefined)?.name === 'CommitStatusError',
      })
    }
    case 'commit': {
      const code = numericCode(err)
      // Nothing was applied; the same intent on a fresh proposal is safe. Retry soon, not after a backoff step.
      if (code === MVCC_READ_CONFLICT || code === PHANTOM_READ_CONFLICT) return transient('MVCC_CONFLICT', message, { retryAfterMs: 0 })
      if (code === undefined) return transient('LEDGER_ERROR', message)
      return { ...transient(`COMMIT_INVALID_${code}`, message), kind: 'permanent' }
    }
    case 'probe':
      if (chaincode) return transient(`CHAINCODE_${chaincode}`, chaincodeMessage(err), { chaincode })
      if (numericCode(err) === undefined || unreachable(err)) return transient('PEER_UNREACHABLE', message, { offline: true })
      return transient('LEDGER_ERROR', message)
    case 'evaluate':
    case 'events':
    case 'connect':
      if (chaincode) return transient('LEDGER_ERROR', chaincodeMessage(err), { chaincode })
      if (unreachable(err)) return transient('PEER_UNREACHABLE', message, { offline: true })
      return transient('LEDGER_ERROR', message)
  }
}
