import { AppError } from '../errors'
import type { LedgerReadProblem, SyncErrorCode } from '../../contract'
import { PcareError, syncCodeOf } from '../pcare'
import { classifyLedgerError } from '../sync/ledger-errors'

/** The remote did not answer within an interactive deadline (withTimeout in eligibility.ts). */
export class DeadlineError extends Error {
  override name = 'DeadlineError'
}

/**
 * Why an interactive PCare read gave no live answer, as a code the page turns into words of its language
 * (renderer/src/reasons.ts): PCare's own reason upper-cased as the sync worker stores it (NETWORK, JVALUE…),
 * TIMEOUT when our deadline passed first, UNCONFIGURED when no PCare is set up (no simulator, no credentials),
 * UNEXPECTED for anything else. The raw message stays beside it for support.
 */
export function pcareErrorCode(err: unknown): SyncErrorCode {
  if (err instanceof PcareError) return syncCodeOf(err.reason)
  if (err instanceof DeadlineError) return 'TIMEOUT'
  if (err instanceof AppError && err.code === 'UNAVAILABLE') return 'UNCONFIGURED'
  return 'UNEXPECTED'
}

/**
 * Why an interactive ledger read failed, by the one ledger classification (sync/ledger-errors.ts, phase evaluate).
 * `problem`: the peer refusing the certificate, the chaincode's FORBIDDEN, another chaincode refusal (OTHER), or no
 * answer from the chaincode at all (UNREACHABLE: transport error, no connection, our deadline); anything but
 * UNREACHABLE means the ledger answered, as the card check reports its reachability. `notFound`: the chaincode's
 * NOT_FOUND (a problem OTHER), which a read of a key that may not exist takes as an answer.
 */
export function ledgerReadFailure(err: unknown): { problem: LedgerReadProblem; notFound: boolean } {
  if (err instanceof DeadlineError) return { problem: 'UNREACHABLE', notFound: false }
  const c = classifyLedgerError(err, 'evaluate')
  const notFound = c.chaincode === 'NOT_FOUND'
  if (c.code === 'IDENTITY_REFUSED') return { problem: 'IDENTITY_REFUSED', notFound }
  if (c.chaincode === 'FORBIDDEN') return { problem: 'FORBIDDEN', notFound }
  return { problem: c.chaincode ? 'OTHER' : 'UNREACHABLE', notFound }
}

/**
 * True when PCare (or Antrean FKTP, same transport) did not answer at all (NETWORK, TIMEOUT), or cannot be asked
 * because no address or credentials are saved (UNCONFIGURED), as opposed to answering with a refusal.
 */
export function pcareUnreachable(err: unknown): boolean {
  const code = pcareErrorCode(err)
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'UNCONFIGURED'
}
