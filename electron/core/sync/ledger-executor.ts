import { status as grpcStatus } from '@grpc/grpc-js'
import { CommitError, CommitStatusError, EndorseError, type SubmittedTransaction } from '@hyperledger/fabric-gateway'
import { chaincodeErrorKind, type LedgerConnection } from '../ledger/gateway'
import { canonicalJson } from '../util/canonical'
import { SendError, type Executor, type SendSuccess } from './executor'
import { parseJob, type ParsedJob } from './operations'
import type { OutboxJob } from './outbox'

/** What every ledger operation stores: the chaincode argument and, for some, private-collection data. */
interface LedgerPayload {
  intent: object
  transient?: Record<string, string>
}
/** Fabric transaction validation codes that a fresh proposal can fix (fabric-protos TxValidationCode). */
const MVCC_READ_CONFLICT = 11
const PHANTOM_READ_CONFLICT = 12
const UNREACHABLE = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED])
const SUBMIT_TRIES = 3
const STATUS_TRIES = 3

/** Where a ledger job's record lives once committed: the contract's `Read` of the id the intent names. */
function recordOf(job: ParsedJob<'ledger'>): { contract: string; fn: string; key: string } {
  switch (job.operation) {
    case 'Visit:Record':
      return { contract: 'Visit', fn: 'Read', key: job.payload.intent.visitId }
    case 'Referral:Create':
      return { contract: 'Referral', fn: 'Read', key: job.payload.intent.referralId }
    case 'Claim:Submit':
      return { contract: 'Claim', fn: 'Read', key: job.payload.intent.claimId }
  }
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const decode = (bytes: Uint8Array) => (bytes.length ? JSON.parse(Buffer.from(bytes).toString('utf8')) : null)

/**
 * Ledger transactions, built and signed when they are sent (peers refuse proposals older than ~15 min, so the outbox
 * stores intents, not signed proposals). Each gateway error kind gets its own treatment:
 * - endorse: a chaincode answer (INVALID, FORBIDDEN, CONFLICT, ...) is permanent; an unreachable or slow peer is
 *   transient and nothing was ordered, so it is not ambiguous;
 * - submit: the SAME signed transaction is submitted again (same tx id: a duplicate is invalidated, never applied twice);
 * - commit status: only the status is asked again; if it still cannot be read the job is ambiguous and the next run
 *   reads the key first;
 * - commit: an MVCC/phantom conflict is re-run from a fresh proposal (the chaincode is idempotent); any other
 *   validation failure (e.g. endorsement policy) is permanent.
 */
export function ledgerExecutor(connection: () => Promise<LedgerConnection>): Executor {
  async function send(job: OutboxJob): Promise<SendSuccess> {
    const parsed = parseJob('ledger', job)
    const [contractName, fn] = parsed.operation.split(':')
    const p: LedgerPayload = parsed.payload
    const conn = await connection()
    const contract = conn.contract(contractName)
    const proposal = contract.newProposal(fn, {
      arguments: [canonicalJson(p.intent)],
      transientData: p.transient ? Object.fromEntries(Object.entries(p.transient).map(([k, v]) => [k, Buffer.from(v)])) : undefined,
    })
    const request = { contract: contractName, fn, intent: p.intent, transientKeys: Object.keys(p.transient ?? {}) }
    let transaction
    try {
      transaction = await proposal.endorse()
    } catch (err) {
      const kind = chaincodeErrorKind(err)
      if (kind) throw new SendError('permanent', `CHAINCODE_${kind}`, chaincodeMessage(err), { request })
      const code = (err as { code?: number }).code
      if (err instanceof EndorseError && code !== undefined && UNREACHABLE.has(code)) {
        throw new SendError('transient', 'PEER_UNREACHABLE', `Peer tidak dapat dihubungi: ${err.message}`, { offline: true, request })
      }
      throw new SendError('transient', 'ENDORSE_FAILED', err instanceof Error ? err.message : String(err), { request })
    }

    let submitted: SubmittedTransaction | undefined
    for (let i = 1; !submitted; i++) {
      try {
        submitted = await transaction.submit()
      } catch (err) {
        if ((err as Error).name !== 'SubmitError' || i >= SUBMIT_TRIES) {
          // The orderer may or may not have it: next run reads the key before sending a new proposal.
          // Not `offline`: the worker's probe asks a peer, which still answers while the orderers are down, so an
          // offline/online flip would pull every job forward at each probe and burn the retry budget in minutes.
          // The backoff schedule is the right pace for an ordering outage.
          throw new SendError('transient', 'SUBMIT_FAILED', `Orderer tidak menerima transaksi: ${(err as Error).message}`, {
            ambiguous: true,
            request,
          })
        }
        await sleep(250 * i)
      }
    }

    let status
    for (let i = 1; !status; i++) {
      try {
        status = await submitted.getStatus()
      } catch (err) {
        if (!(err instanceof CommitStatusError) || i >= STATUS_TRIES) {
          throw new SendError('transient', 'COMMIT_STATUS_UNKNOWN', `Status transaksi ${submitted.getTransactionId()} belum diketahui`, {
            ambiguous: true,
            request,
          })
        }
        await sleep(250 * i)
      }
    }
    if (!status.successful) {
      const e = new CommitError({ code: status.code, transactionId: status.transactionId, message: `Transaction ${status.transactionId} failed to commit with status code ${status.code}` })
      if (e.code === MVCC_READ_CONFLICT || e.code === PHANTOM_READ_CONFLICT) {
        // Nothing was applied; the same intent on a fresh proposal is safe. Retry soon, not after a backoff step.
        throw new SendError('transient', 'MVCC_CONFLICT', e.message, { retryAfterMs: 0, request })
      }
      throw new SendError('permanent', `COMMIT_INVALID_${e.code}`, `Transaksi ditolak saat validasi (kode ${e.code}).`, { request })
    }
    const record = decode(submitted.getResult())
    const result = { txId: status.transactionId, blockNumber: status.blockNumber.toString(), record }
    return { result, request, response: result }
  }

  async function reconcile(job: OutboxJob): Promise<SendSuccess | null> {
    const spec = recordOf(parseJob('ledger', job))
    const conn = await connection()
    try {
      const record = decode(await conn.contract(spec.contract).evaluateTransaction(spec.fn, spec.key))
      return record ? { result: { txId: null, record }, response: { record, via: `${spec.contract}:${spec.fn}` } } : null
    } catch (err) {
      if (chaincodeErrorKind(err) === 'NOT_FOUND') return null
      throw err
    }
  }

  return {
    target: 'ledger',
    send: (job) => send(job).catch((err) => Promise.reject(asSendError(err))),
    reconcile: (job) => reconcile(job).catch((err) => Promise.reject(asSendError(err))),
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
        const code = (err as { code?: number }).code
        return chaincodeErrorKind(err) !== undefined || (code !== undefined && !UNREACHABLE.has(code))
      }
    },
  }
}

function asSendError(err: unknown): SendError {
  if (err instanceof SendError) return err
  const code = (err as { code?: number }).code
  const message = err instanceof Error ? err.message : String(err)
  if (code !== undefined && UNREACHABLE.has(code)) return new SendError('transient', 'PEER_UNREACHABLE', message, { offline: true })
  return new SendError('transient', 'LEDGER_ERROR', message)
}

function chaincodeMessage(err: unknown): string {
  const details = (err as { details?: { message?: string }[] }).details ?? []
  const text = [err instanceof Error ? err.message : '', ...details.map((d) => d.message ?? '')].find((t) => /(INVALID|FORBIDDEN|NOT_FOUND|CONFLICT|STATE):/.test(t)) ?? String(err)
  return text.replace(/^.*?chaincode response \d+, /, '')
}
