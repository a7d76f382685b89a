import type { NamedSyncErrorCode } from '../../electron/contract'
import { formatServerMessage, isServerMessageKey } from '../../electron/contract/messages'
import { translator, type Locale, type MessageKey } from './i18n'

/**
 * The sentence for every sync error code (contract/sync-errors.ts), as a locale key: a code added to the contract
 * without one here does not compile. The texts live in locales/id.ts and en.ts as `reason.<CODE>`; the chaincode's
 * refusals share sentences that quote its own words (CONFLICT, STATE and CLOCK have their own). The COMMIT_INVALID_<n> family is worded by reasonText.
 */
export const REASON_KEYS: Record<NamedSyncErrorCode, MessageKey> = {
  NETWORK: 'reason.NETWORK',
  TIMEOUT: 'reason.TIMEOUT',
  HTTP5XX: 'reason.HTTP5XX',
  RATE_LIMITED: 'reason.RATE_LIMITED',
  GATEWAY_HTML: 'reason.GATEWAY_HTML',
  BAD_BODY: 'reason.BAD_BODY',
  GARBAGE_CIPHERTEXT: 'reason.GARBAGE_CIPHERTEXT',
  UNAUTHORIZED: 'reason.UNAUTHORIZED',
  CLOCK_SKEW: 'reason.CLOCK_SKEW',
  NOT_REGISTERED: 'reason.NOT_REGISTERED',
  NOT_FOUND: 'reason.NOT_FOUND',
  VALIDATION: 'reason.VALIDATION',
  PRECONDITION: 'reason.PRECONDITION',
  JVALUE: 'reason.JVALUE',
  START_INDEX: 'reason.START_INDEX',
  DUPLICATE: 'reason.DUPLICATE',
  SCREENING_REQUIRED: 'reason.SCREENING_REQUIRED',
  BAD_REQUEST: 'reason.BAD_REQUEST',
  REJECTED: 'reason.REJECTED',
  HTTP4XX: 'reason.HTTP4XX',
  PEER_UNREACHABLE: 'reason.PEER_UNREACHABLE',
  ENDORSE_FAILED: 'reason.ENDORSE_FAILED',
  SUBMIT_FAILED: 'reason.SUBMIT_FAILED',
  COMMIT_STATUS_UNKNOWN: 'reason.COMMIT_STATUS_UNKNOWN',
  MVCC_CONFLICT: 'reason.MVCC_CONFLICT',
  LEDGER_ERROR: 'reason.LEDGER_ERROR',
  CHAINCODE_INVALID: 'reason.CHAINCODE',
  CHAINCODE_FORBIDDEN: 'reason.CHAINCODE',
  CHAINCODE_NOT_FOUND: 'reason.CHAINCODE',
  CHAINCODE_CONFLICT: 'reason.CHAINCODE_CONFLICT',
  CHAINCODE_STATE: 'reason.CHAINCODE_STATE',
  CHAINCODE_CLOCK: 'reason.CHAINCODE_CLOCK',
  IDENTITY_REFUSED: 'reason.IDENTITY_REFUSED',
  IDENTITY_KDPPK_MISMATCH: 'reason.IDENTITY_KDPPK_MISMATCH',
  NO_KUNJUNGAN: 'reason.NO_KUNJUNGAN',
  WAITING_NO_URUT: 'reason.WAITING_NO_URUT',
  NO_SCHEDULE_DOCTOR: 'reason.NO_SCHEDULE_DOCTOR',
  UNKNOWN_OPERATION: 'reason.UNKNOWN_OPERATION',
  BAD_PAYLOAD: 'reason.BAD_PAYLOAD',
  RECONCILE_INCOMPLETE: 'reason.RECONCILE_INCOMPLETE',
  UNCONFIGURED: 'reason.UNCONFIGURED',
  UNEXPECTED: 'reason.UNEXPECTED',
  RETRY_LIMIT: 'reason.RETRY_LIMIT',
  VERIFY_REJECTED: 'reason.VERIFY_REJECTED',
  WITHDRAWN: 'reason.WITHDRAWN',
  CANCELLED: 'reason.CANCELLED',
  RESEND_REQUESTED: 'reason.RESEND_REQUESTED',
  SATUSEHAT_NETWORK: 'reason.SATUSEHAT_NETWORK',
  SATUSEHAT_TIMEOUT: 'reason.SATUSEHAT_TIMEOUT',
  SATUSEHAT_HTTP5XX: 'reason.SATUSEHAT_HTTP5XX',
  SATUSEHAT_RATE_LIMITED: 'reason.SATUSEHAT_RATE_LIMITED',
  SATUSEHAT_TOKEN_WAIT: 'reason.SATUSEHAT_TOKEN_WAIT',
  SATUSEHAT_BAD_CREDENTIALS: 'reason.SATUSEHAT_BAD_CREDENTIALS',
  SATUSEHAT_UNAUTHORIZED: 'reason.SATUSEHAT_UNAUTHORIZED',
  SATUSEHAT_WRONG_ORG: 'reason.SATUSEHAT_WRONG_ORG',
  SATUSEHAT_DUPLICATE: 'reason.SATUSEHAT_DUPLICATE',
  SATUSEHAT_INVALID: 'reason.SATUSEHAT_INVALID',
  SATUSEHAT_NOT_FOUND: 'reason.SATUSEHAT_NOT_FOUND',
  SATUSEHAT_BAD_BODY: 'reason.SATUSEHAT_BAD_BODY',
  SATUSEHAT_HTTP4XX: 'reason.SATUSEHAT_HTTP4XX',
  SATUSEHAT_PATIENT_NOT_IN_MPI: 'reason.SATUSEHAT_PATIENT_NOT_IN_MPI',
  SATUSEHAT_NO_NIK: 'reason.SATUSEHAT_NO_NIK',
  SATUSEHAT_UNMAPPED: 'reason.SATUSEHAT_UNMAPPED',
  SATUSEHAT_TIME_NOT_SENDABLE: 'reason.SATUSEHAT_TIME_NOT_SENDABLE',
  HUB_UNREACHABLE: 'reason.HUB_UNREACHABLE',
  HUB_REFUSED: 'reason.HUB_REFUSED',
}

const isNamed = (code: string): code is NamedSyncErrorCode => Object.prototype.hasOwnProperty.call(REASON_KEYS, code)
const COMMIT_INVALID = /^COMMIT_INVALID_(\d+)$/

/** Codes whose stored message is PCare's own answer (metaData.message), not a sentence of ours. */
const PCARE_WORDS = new Set<string>([
  'JVALUE',
  'VALIDATION',
  'PRECONDITION',
  'DUPLICATE',
  'NOT_FOUND',
  'NOT_REGISTERED',
  'BAD_REQUEST',
  'REJECTED',
  'HTTP4XX',
  'UNAUTHORIZED',
] satisfies NamedSyncErrorCode[])

/** PCare's own words for a refusal, to be shown first and as said; null when the failure carries none. */
export function pcareWords(code: string | null, message: string | null): string | null {
  return code && PCARE_WORDS.has(code) && message?.trim() ? message.trim() : null
}

/** SATUSEHAT refusals whose stored message is the platform's OperationOutcome (core SatusehatError.describe()). */
const SATUSEHAT_WORDS = new Set<string>([
  'SATUSEHAT_INVALID',
  'SATUSEHAT_DUPLICATE',
  'SATUSEHAT_NOT_FOUND',
  'SATUSEHAT_HTTP4XX',
  'SATUSEHAT_WRONG_ORG',
  'SATUSEHAT_BAD_CREDENTIALS',
  'SATUSEHAT_UNAUTHORIZED',
] satisfies NamedSyncErrorCode[])

/**
 * SATUSEHAT's own words for a refusal (the OperationOutcome issues with their paths and RuleNumbers), without the
 * `kind/reason HTTP n:` head describe() puts first; null when the failure carries none.
 */
export function satusehatWords(code: string | null, message: string | null): string | null {
  if (!code || !SATUSEHAT_WORDS.has(code) || !message?.trim()) return null
  return message.trim().replace(/^(transient|permanent)\/\w+( HTTP \d+)?: /, '')
}

/**
 * The remote's own words for a refusal of a job of `target`, shown as said: PCare's (pcareWords) or the chaincode's
 * answer (CHAINCODE_*); null when the failure carries none (its stored message is then a technical detail).
 */
export function remoteWords(target: string, code: string | null, message: string | null): string | null {
  if (target === 'pcare') return pcareWords(code, message)
  if (target === 'satusehat') return satusehatWords(code, message)
  if (target === 'ledger') return code?.startsWith('CHAINCODE_') && message?.trim() ? message.trim() : null
  return null
}

/**
 * A sync error code as a sentence an admin can act on, in `locale`. The stored message is quoted only where it is
 * the remote's words (a chaincode refusal) or an admin's note (a cancel); a code this version does not know (an old
 * database) falls back to its stored message.
 */
export function reasonText(locale: Locale, code: string | null, message: string | null): string {
  if (!code) return message ?? ''
  const t = translator(locale)
  const words = message?.trim() ?? ''
  // The admin's own reason for a cancel is kept with it; show it rather than only "cancelled".
  if (code === 'CANCELLED' && words) return `${t('reason.CANCELLED')} ${words}`
  if (code === 'CHAINCODE_STATE') return t('reason.CHAINCODE_STATE', { message: words }).trim()
  // A clock refusal is ours to word (the fix is on this computer); the chaincode's words with both times stay stored.
  if (code === 'CHAINCODE_CLOCK') return t('reason.CHAINCODE_CLOCK')
  // What is missing, as core named it (worker.ts stores the catalogue key: remote.fabricNoIdentity, ledger.kdPPKUnset…).
  // The key's parameters are not stored: a placeholder goes with the brackets around it.
  if (code === 'UNCONFIGURED' && isServerMessageKey(words)) return formatServerMessage(locale, words).replace(/\s*\(?\{\w+\}\)?/g, '')
  // The hub's refusal of a desk's replay: its catalogue key (hub/offline.ts), worded here without its parameters.
  if (code === 'HUB_REFUSED') {
    const said = isServerMessageKey(words) ? formatServerMessage(locale, words).replace(/\s*\(?\{\w+\}\)?/g, '') : words
    return t('reason.HUB_REFUSED', { message: said }).replace(/:\s*$/, '.')
  }
  // The chaincode's own words inside ours; a kind with its own sentence (CONFLICT: the same id already on the ledger
  // with other content, so the words say what to check) uses it, the others the general one.
  if (code.startsWith('CHAINCODE_')) return t(isNamed(code) ? REASON_KEYS[code] : 'reason.CHAINCODE', { message: words || code })
  const invalid = COMMIT_INVALID.exec(code)
  if (invalid) return t('reason.COMMIT_INVALID', { n: invalid[1]! })
  if (isNamed(code)) return t(REASON_KEYS[code])
  return message ?? code
}
