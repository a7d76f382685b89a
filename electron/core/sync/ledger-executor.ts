import { CommitError, type Proposal, type SubmittedTransaction } from '@hyperledger/fabric-gateway'
import { AppError } from '../errors'
import type { LedgerConnection } from '../ledger/gateway'
import { canonicalJson } from '../util/canonical'
import { gate } from '../util/gate'
import { LEDGER_RECONCILE_AT_ONCE, LEDGER_STATUS_RETRY, LEDGER_SUBMIT_RETRY, ledgerRepeatDelayMs } from './backoff'
import { SendError, type Executor, type SendSuccess } from './executor'
import { classifyLedgerError, type LedgerErrorClass } from './ledger-errors'
import { parseJob, type ParsedJob } from './operations'
import type { OutboxJob } from './outbox'
import { realScheduler, sleep, type Scheduler } from './scheduler'

/** What every ledger operation stores: the chaincode argument and, for some, private-collection data. */
interface LedgerPayload {
  intent: object
  transient?: Record<string, string>
}

/** Where a ledger job's record lives once committed: the contract's `Read` of the id the intent names. */
function recordOf(job: ParsedJob<'ledger'>): { contract: string; fn: string; key: string } {
  switch (job.operation) {
    case 'Visit:Record':
      return { contract: 'Visit', fn: 'Read', key: job.payload.intent.visitId }
    case 'Visit:Correct':
      return { contract: 'Visit', fn: 'ReadCorrection', key: job.payload.intent.correctionId }
    case 'Referral:Create':
      return { contract: 'Referral', fn: 'Read', key: job.payload.intent.referralId }
    case 'Claim:Submit':
      return { contract: 'Claim', fn: 'Read', key: job.payload.intent.claimId }
  }
}

/**
 * The org a referral goes to: the chaincode's default `toMsp` (chaincode/README.md#intents-and-validation). The
 * workstation refers up to a hospital and does not send toMsp; a back-referral to a Puskesmas would have to.
 */
const REFERRAL_TO_MSP = 'RSMSP'

/**
 * The orgs whose peers endorse each ledger write, named by the sender for every operation rather than left to the
 * gateway. Every write but the referral's needs the faskes's own peer and BPJS's: a visit's or correction's clinical
 * detail goes to `clinical<Org>` (members: the org and BPJS), and a claim writes the Visit key whose key-level policy is
 * AND(BPJS, org). The channel's MAJORITY (2 of 3) is met by those two. Left to itself, the gateway may plan a
 * Puskesmas visit on Puskesmas + RS (MAJORITY alone) and then refuse the transient detail: "9 FAILED_PRECONDITION:
 * requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s):
 * [clinicalPuskesmas]; retry specifying trusted endorsing organizations" (seen in CI on a plain Visit:Record with every
 * peer up). A referral's detail is written to the implicit collections of the referring org, the receiving org and
 * BPJS, so it names the three (two when the sender is the receiving org). chaincode/README.md#which-peers-a-write-needs.
 */
export function endorsersOf(operation: ParsedJob<'ledger'>['operation'], ownMsp: string): string[] {
  switch (operation) {
    case 'Visit:Record':
    case 'Visit:Correct':
    case 'Claim:Submit':
      return [...new Set([ownMsp, 'BPJSMSP'])]
    case 'Referral:Create':
      return [...new Set([ownMsp, REFERRAL_TO_MSP, 'BPJSMSP'])]
  }
}

const decode = (bytes: Uint8Array) => (bytes.length ? JSON.parse(Buffer.from(bytes).toString('utf8')) : null)

/**
 * Ledger transactions, built and signed when they are sent, so the outbox stores intents, not signed proposals. Fabric
 * itself does not check a proposal's timestamp (the client picks it); the faskes chaincode refuses a write whose
 * timestamp is more than 10 min from the endorsing peer's clock (`CLOCK:`, chaincode/README.md#time). Signing at send
 * time keeps an offline backlog inside that window; the visit's own date is the intent's tglKunjungan.
 * Every error is classified by `classifyLedgerError` (ledger-errors.ts):
 * - endorse: a chaincode answer (INVALID, FORBIDDEN, CONFLICT, ...) is permanent, except CLOCK (transient: the next
 *   attempt is signed with the clock as it then is); otherwise nothing was ordered, so
 *   it is transient and not ambiguous: offline (pause and probe) only when the gateway peer did not answer, on the
 *   retry schedule when it answered but could not gather the endorsements (another org's peer is down);
 * - submit: the SAME signed transaction is submitted again (same tx id: a duplicate is invalidated, never applied twice)
 *   under LEDGER_SUBMIT_RETRY (backoff.ts);
 * - commit status: only the status is asked again (LEDGER_STATUS_RETRY); if it still cannot be read the job is
 *   ambiguous and the next run reads the key first;
 * - commit: an MVCC/phantom conflict is re-run from a fresh proposal (the chaincode is idempotent); any other
 *   validation failure (e.g. endorsement policy) is permanent.
 */
export function ledgerExecutor(connection: () => Promise<LedgerConnection>, scheduler: Scheduler = realScheduler): Executor {
  async function send(job: OutboxJob): Promise<SendSuccess> {
    const parsed = parseJob('ledger', job)
    const [contractName, fn] = parsed.operation.split(':')
    const p: LedgerPayload = parsed.payload
    const conn = await connection()
    const contract = conn.contract(contractName)
    const proposal = contract.newProposal(fn, {
      arguments: [canonicalJson(p.intent)],
      transientData: p.transient ? Object.fromEntries(Object.entries(p.transient).map(([k, v]) => [k, Buffer.from(v)])) : undefined,
      endorsingOrganizations: endorsersOf(parsed.operation, conn.profile.mspId),
    })
    const request = { contract: contractName, fn, intent: p.intent, transientKeys: Object.keys(p.transient ?? {}) }
    const committed = await runLedgerTransaction(proposal, request, scheduler)
    const record = decode(committed.payload)
    const result = { txId: committed.txId, blockNumber: committed.blockNumber, record }
    return { result, request, response: result }
  }

  const reconcileGate = gate(LEDGER_RECONCILE_AT_ONCE)
  async function reconcile(job: OutboxJob): Promise<SendSuccess | null> {
    const spec = recordOf(parseJob('ledger', job))
    const conn = await connection()
    try {
      const record = decode(await conn.contract(spec.contract).evaluateTransaction(spec.fn, spec.key))
      return record ? { result: { txId: null, record }, response: { record, via: `${spec.contract}:${spec.fn}` } } : null
    } catch (err) {
      const c = classifyLedgerError(err, 'evaluate')
      if (c.chaincode === 'NOT_FOUND') return null
      throw sendError(c)
    }
  }

  return {
    target: 'ledger',
    send: (job) => send(job).catch((err) => Promise.reject(asSendError(err))),
    reconcile: (job) => reconcileGate(() => reconcile(job)).catch((err) => Promise.reject(asSendError(err))),
    apply(d, job, result) {
      const r = result as { txId: string | null; record?: { status?: string } }
      const now = Date.now()
      if (job.operation === 'Visit:Record') d.prepare('UPDATE examinations SET ledger_tx_id = coalesce(?, ledger_tx_id), updated_at = ? WHERE ledger_visit_id = ?').run(r.txId, now, job.entityId)
      if (job.operation === 'Referral:Create') d.prepare('UPDATE examinations SET referral_status = ?, updated_at = ? WHERE referral_id = ?').run(r.record?.status ?? 'CREATED', now, job.entityId)
      if (job.operation === 'Claim:Submit') d.prepare('UPDATE examinations SET claim_status = ?, updated_at = ? WHERE claim_id = ?').run(r.record?.status ?? 'SUBMITTED', now, job.entityId)
    },
    async probe() {
      try {
        const conn = await connection()
        await conn.contract('Card').evaluateTransaction('ReadStatus', '0000000000000')
        return true
      } catch (err) {
        // Up whenever the gateway peer answered, even with an error: the same rule that keeps a send's failure from
        // being `offline` while this probe succeeds (ledger-errors.ts).
        return !classifyLedgerError(err, 'probe').offline
      }
    },
  }
}

/** A committed ledger transaction: its id, block and the chaincode's answer (bytes). */
export interface CommittedTx {
  txId: string
  blockNumber: string
  payload: Uint8Array
}

/**
 * One proposal to a committed transaction, with the phases and in-place repeats described at `ledgerExecutor`:
 * endorse, submit (the same signed transaction repeated under LEDGER_SUBMIT_RETRY), commit status (asked again under
 * LEDGER_STATUS_RETRY). Throws a classified SendError (`request` is kept on it for the admin's detail panel).
 */
export async function runLedgerTransaction(proposal: Proposal, request: unknown, scheduler: Scheduler = realScheduler): Promise<CommittedTx> {
  let transaction
  try {
    transaction = await proposal.endorse()
  } catch (err) {
    throw sendError(classifyLedgerError(err, 'endorse'), request)
  }

  let submitted: SubmittedTransaction | undefined
  for (let i = 1; !submitted; i++) {
    try {
      submitted = await transaction.submit()
    } catch (err) {
      // The orderer may or may not have it (ambiguous): the next run reads the key before sending a new proposal.
      const c = classifyLedgerError(err, 'submit')
      if (!c.repeatable || i >= LEDGER_SUBMIT_RETRY.tries) throw sendError(c, request)
      await sleep(scheduler, ledgerRepeatDelayMs(LEDGER_SUBMIT_RETRY, i))
    }
  }

  let status
  for (let i = 1; !status; i++) {
    try {
      status = await submitted.getStatus()
    } catch (err) {
      const c = classifyLedgerError(err, 'commitStatus')
      if (!c.repeatable || i >= LEDGER_STATUS_RETRY.tries) throw sendError({ ...c, message: submitted.getTransactionId() }, request)
      await sleep(scheduler, ledgerRepeatDelayMs(LEDGER_STATUS_RETRY, i))
    }
  }
  if (!status.successful) {
    const e = new CommitError({ code: status.code, transactionId: status.transactionId, message: `Transaction ${status.transactionId} failed to commit with status code ${status.code}` })
    throw sendError(classifyLedgerError(e, 'commit'), request)
  }
  return { txId: status.transactionId, blockNumber: status.blockNumber.toString(), payload: submitted.getResult() }
}

/** A classified ledger error as the worker takes it. */
function sendError(c: LedgerErrorClass, request?: unknown): SendError {
  return new SendError(c.kind, c.code, c.message, { offline: c.offline, ambiguous: c.ambiguous, retryAfterMs: c.retryAfterMs, request })
}

/**
 * Anything that escaped a phase's own handling (building the connection, decoding a result). When no connection can
 * be built because nothing is configured (the engine's AppError UNAVAILABLE: no peer address, no Fabric identity) it
 * passes unchanged, so the worker records it as it does PCare's: a transient UNCONFIGURED, the ledger offline and
 * probed, never a LEDGER_ERROR per job.
 */
function asSendError(err: unknown): unknown {
  if (err instanceof SendError || (err instanceof AppError && err.code === 'UNAVAILABLE')) return err
  return sendError(classifyLedgerError(err, 'connect'))
}
