import { Metadata, status as grpc } from '@grpc/grpc-js'
import { CommitError, CommitStatusError, EndorseError, GatewayError, type ErrorDetail } from '@hyperledger/fabric-gateway'
import { describe, expect, it } from 'vitest'
import { AppError, msg } from '../errors'
import { classifyLedgerError, type LedgerErrorClass, type LedgerPhase } from './ledger-errors'

// Error shapes as @hyperledger/fabric-gateway 1.11 over @grpc/grpc-js 1.14 builds them. Messages and the metadata rule
// were measured against the local network: a status the gateway peer sent arrives with its trailers (`content-type`,
// plus `grpc-status-details-bin` when endorsers are named), one grpc-js made up itself (no connection, the client's own
// deadline) carries empty metadata. The fault of issue 11 is the first row.

type Cls = typeof GatewayError | typeof EndorseError | typeof CommitStatusError
interface Shape {
  /** The gateway peer sent this status (its trailers came back); false: grpc-js made it up locally. */
  answered: boolean
  endorsers?: ErrorDetail[]
  name?: string
}
function gatewayError(Cls: Cls, code: number, text: string, shape: Shape): GatewayError {
  const metadata = new Metadata()
  if (shape.answered) metadata.set('content-type', 'application/grpc')
  const message = `${code} ${grpc[code]}: ${text}`
  const cause = Object.assign(new Error(message), { code, details: text, metadata })
  const e = new Cls({ message, code, details: shape.endorsers ?? [], cause, transactionId: 'tx-9f2c' })
  if (shape.name) e.name = shape.name
  return e
}
const otherOrgDown: ErrorDetail = { address: 'peer0.rs.example:7051', mspId: 'RSMSP', message: 'connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:7051: connect: connection refused"' }
const suspended: ErrorDetail = { address: '127.0.0.1:9051', mspId: 'PuskesmasMSP', message: 'chaincode response 500, STATE: card 0001234567890 is SUSPENDED' }
// The chaincode's CLOCK: refusal as chaincode/src/lib/txtime.ts words it.
const clockOff: ErrorDetail = {
  address: '127.0.0.1:9051',
  mspId: 'PuskesmasMSP',
  message: "chaincode response 500, CLOCK: transaction time 2026-11-30T00:00:00.000Z is 11.0 min behind the endorsing peer's clock 2026-11-30T00:11:00.000Z (at most 10 min); check the clock of the sending computer",
}
// The peer refusing a revoked workstation's certificate (after npm run ledger:revoke; test/sync/identity.test.ts).
const creatorRefused = 'error validating proposal: access denied: channel [bpjs-main] creator org [PuskesmasMSP]'
const revoked: ErrorDetail = { address: '127.0.0.1:9051', mspId: 'PuskesmasMSP', message: creatorRefused }
const noConnection = 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:9051. Resolution note: '
const clientDeadline = 'Deadline exceeded after 15.002s,LB pick: 0.001s,remote_addr=127.0.0.1:9051'

const row = (
  name: string,
  phase: LedgerPhase,
  err: unknown,
  want: Pick<LedgerErrorClass, 'kind' | 'code' | 'offline' | 'ambiguous'> & Partial<LedgerErrorClass>,
) => ({ name, phase, err, want })

const rows = [
  // The fault: the gateway peer answers, but the endorsement policy cannot be met (another org's peer is down). The
  // probe reads from that same peer and finds it up, so this must not be `offline`: it follows the retry schedule.
  row('endorse: peer answers UNAVAILABLE "failed to select a set of endorsers"', 'endorse',
    gatewayError(EndorseError, grpc.UNAVAILABLE, 'failed to select a set of endorsers that satisfy the endorsement policy due to unavailability of peers: [peer0.rs.example:7051]', { answered: true }),
    { kind: 'transient', code: 'ENDORSE_FAILED', offline: false, ambiguous: false }),
  row('endorse: the same answer with its trailers lost is still an answer (gateway text)', 'endorse',
    gatewayError(EndorseError, grpc.UNAVAILABLE, 'failed to select a set of endorsers that satisfy the endorsement policy', { answered: false }),
    { kind: 'transient', code: 'ENDORSE_FAILED', offline: false, ambiguous: false }),
  row('endorse: ABORTED "failed to collect enough transaction endorsements" naming the down peer', 'endorse',
    gatewayError(EndorseError, grpc.ABORTED, 'failed to collect enough transaction endorsements, see attached details for more info', { answered: true, endorsers: [otherOrgDown] }),
    { kind: 'transient', code: 'ENDORSE_FAILED', offline: false, ambiguous: false }),
  row('endorse: the gateway peer itself is down (no connection)', 'endorse',
    gatewayError(EndorseError, grpc.UNAVAILABLE, noConnection, { answered: false }),
    { kind: 'transient', code: 'PEER_UNREACHABLE', offline: true, ambiguous: false }),
  row("endorse: the client's own deadline ran out with no answer", 'endorse',
    gatewayError(EndorseError, grpc.DEADLINE_EXCEEDED, clientDeadline, { answered: false }),
    { kind: 'transient', code: 'PEER_UNREACHABLE', offline: true, ambiguous: false }),
  row("endorse: the gateway's own endorsement timeout (it answered)", 'endorse',
    gatewayError(EndorseError, grpc.DEADLINE_EXCEEDED, 'endorsement timeout expired while collecting endorsements', { answered: true }),
    { kind: 'transient', code: 'ENDORSE_FAILED', offline: false, ambiguous: false }),
  row('endorse: the chaincode refuses (STATE in the details)', 'endorse',
    gatewayError(EndorseError, grpc.ABORTED, 'failed to endorse transaction, see attached details for more info', { answered: true, endorsers: [suspended] }),
    { kind: 'permanent', code: 'CHAINCODE_STATE', offline: false, ambiguous: false, chaincode: 'STATE', message: 'STATE: card 0001234567890 is SUSPENDED' }),
  row("endorse: the chaincode refuses this computer's clock (CLOCK): transient, the next proposal is signed afresh", 'endorse',
    gatewayError(EndorseError, grpc.ABORTED, 'failed to endorse transaction, see attached details for more info', { answered: true, endorsers: [clockOff] }),
    { kind: 'transient', code: 'CHAINCODE_CLOCK', offline: false, ambiguous: false, chaincode: 'CLOCK', message: clockOff.message.replace('chaincode response 500, ', '') }),
  row('endorse: the peer refuses the workstation certificate (revoked): permanent IDENTITY_REFUSED with the peer\'s words', 'endorse',
    gatewayError(EndorseError, grpc.ABORTED, 'failed to endorse transaction, see attached details for more info', { answered: true, endorsers: [revoked] }),
    { kind: 'permanent', code: 'IDENTITY_REFUSED', offline: false, ambiguous: false, message: creatorRefused }),
  row('submit: orderers down (SubmitError): ambiguous, repeated in place, never offline', 'submit',
    gatewayError(GatewayError, grpc.UNAVAILABLE, 'failed to send transaction to orderer', { answered: true, name: 'SubmitError' }),
    { kind: 'transient', code: 'SUBMIT_FAILED', offline: false, ambiguous: true, repeatable: true }),
  row('submit: even with no answer from the gateway peer it is not offline (the probe reads a peer)', 'submit',
    gatewayError(GatewayError, grpc.UNAVAILABLE, noConnection, { answered: false, name: 'SubmitError' }),
    { kind: 'transient', code: 'SUBMIT_FAILED', offline: false, ambiguous: true, repeatable: true }),
  row('submit: anything but a SubmitError is not repeated in place', 'submit', new Error('socket hang up'),
    { kind: 'transient', code: 'SUBMIT_FAILED', offline: false, ambiguous: true, repeatable: false }),
  row('commit status: not known yet; the message is the transaction id', 'commitStatus',
    gatewayError(CommitStatusError, grpc.DEADLINE_EXCEEDED, clientDeadline, { answered: false }),
    { kind: 'transient', code: 'COMMIT_STATUS_UNKNOWN', offline: false, ambiguous: true, repeatable: true, message: 'tx-9f2c' }),
  row('commit: MVCC read conflict is re-run at once', 'commit', new CommitError({ code: 11, transactionId: 'tx-9f2c' }),
    { kind: 'transient', code: 'MVCC_CONFLICT', offline: false, ambiguous: false, retryAfterMs: 0 }),
  row('commit: phantom read conflict is re-run at once', 'commit', new CommitError({ code: 12, transactionId: 'tx-9f2c' }),
    { kind: 'transient', code: 'MVCC_CONFLICT', offline: false, ambiguous: false, retryAfterMs: 0 }),
  row('commit: ENDORSEMENT_POLICY_FAILURE (10) is permanent', 'commit', new CommitError({ code: 10, transactionId: 'tx-9f2c' }),
    { kind: 'permanent', code: 'COMMIT_INVALID_10', offline: false, ambiguous: false }),
  row('evaluate: the key is not there (chaincode NOT_FOUND)', 'evaluate',
    gatewayError(GatewayError, grpc.UNKNOWN, 'evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: Visit v-1 does not exist', { answered: true }),
    { kind: 'transient', code: 'LEDGER_ERROR', offline: false, ambiguous: false, chaincode: 'NOT_FOUND' }),
  row('evaluate: the peer refuses the workstation certificate (a reconcile read): permanent IDENTITY_REFUSED', 'evaluate',
    gatewayError(GatewayError, grpc.FAILED_PRECONDITION, `evaluate call to endorser returned error: ${creatorRefused}`, { answered: true, endorsers: [revoked] }),
    { kind: 'permanent', code: 'IDENTITY_REFUSED', offline: false, ambiguous: false }),
  row('probe: a refused certificate is still an answer: the ledger is up, the jobs say why they fail', 'probe',
    gatewayError(GatewayError, grpc.FAILED_PRECONDITION, `evaluate call to endorser returned error: ${creatorRefused}`, { answered: true, endorsers: [revoked] }),
    { kind: 'transient', code: 'LEDGER_ERROR', offline: false, ambiguous: false }),
  row('evaluate: no connection to the gateway peer', 'evaluate', gatewayError(GatewayError, grpc.UNAVAILABLE, noConnection, { answered: false }),
    { kind: 'transient', code: 'PEER_UNREACHABLE', offline: true, ambiguous: false }),
  row('evaluate: the peer answers it has no peer for the chaincode', 'evaluate',
    gatewayError(GatewayError, grpc.FAILED_PRECONDITION, 'no peers available to evaluate chaincode faskes in channel bpjs-main', { answered: true }),
    { kind: 'transient', code: 'LEDGER_ERROR', offline: false, ambiguous: false }),
  row('probe: a chaincode answer means the ledger is up', 'probe',
    gatewayError(GatewayError, grpc.UNKNOWN, 'evaluate call to endorser returned error: chaincode response 500, NOT_FOUND: Card 0000000000000 does not exist', { answered: true }),
    { kind: 'transient', code: 'CHAINCODE_NOT_FOUND', offline: false, ambiguous: false }),
  row('probe: an UNAVAILABLE the peer sent means it is up', 'probe',
    gatewayError(GatewayError, grpc.UNAVAILABLE, 'failed to find any endorsing peers for org(s): RSMSP', { answered: true }),
    { kind: 'transient', code: 'LEDGER_ERROR', offline: false, ambiguous: false }),
  row('probe: no connection means down', 'probe', gatewayError(GatewayError, grpc.UNAVAILABLE, noConnection, { answered: false }),
    { kind: 'transient', code: 'PEER_UNREACHABLE', offline: true, ambiguous: false }),
  row('probe: no connection could be built (nothing configured) means down', 'probe', new AppError('UNAVAILABLE', msg('remote.ledgerUnconfigured')),
    { kind: 'transient', code: 'PEER_UNREACHABLE', offline: true, ambiguous: false }),
  row('events: the stream could not reach the peer', 'events', gatewayError(GatewayError, grpc.UNAVAILABLE, noConnection, { answered: false }),
    { kind: 'transient', code: 'PEER_UNREACHABLE', offline: true, ambiguous: false }),
  row('connect: a local failure outside any gateway call', 'connect', new Error('ENOENT: no such file or directory, open priv_sk'),
    { kind: 'transient', code: 'LEDGER_ERROR', offline: false, ambiguous: false }),
]

describe('classifyLedgerError', () => {
  it.each(rows)('$name', ({ phase, err, want }) => {
    expect(classifyLedgerError(err, phase)).toMatchObject(want)
  })

  it('is offline on a send exactly when the probe would find the ledger down, so a probe never pulls a job forward into the same failure', () => {
    // Every gRPC-shaped input of the table, seen by the endorse path and by the probe: the two must agree.
    const grpcErrors = rows.map((r) => r.err).filter((e): e is GatewayError => e instanceof GatewayError)
    expect(grpcErrors.length).toBeGreaterThanOrEqual(10)
    for (const e of grpcErrors) {
      expect(classifyLedgerError(e, 'endorse').offline, e.message).toBe(classifyLedgerError(e, 'probe').offline)
      expect(classifyLedgerError(e, 'evaluate').offline, e.message).toBe(classifyLedgerError(e, 'probe').offline)
    }
  })
})
