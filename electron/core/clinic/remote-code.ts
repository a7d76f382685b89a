import { AppError } from '../errors'
import { PcareError } from '../pcare'
import { DeadlineError } from './eligibility'

/**
 * Why an interactive PCare read gave no live answer, as a code the page turns into words of its language
 * (renderer/src/reasons.ts): PCare's own reason upper-cased as the sync worker stores it (NETWORK, JVALUE…),
 * TIMEOUT when our deadline passed first, UNCONFIGURED when no PCare is set up (no simulator, no credentials),
 * UNEXPECTED for anything else. The raw message stays beside it for support.
 */
export function pcareErrorCode(err: unknown): string {
  if (err instanceof PcareError) return err.reason.toUpperCase()
  if (err instanceof DeadlineError) return 'TIMEOUT'
  if (err instanceof AppError && err.code === 'UNAVAILABLE') return 'UNCONFIGURED'
  return 'UNEXPECTED'
}
