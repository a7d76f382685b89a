import type { LedgerHistoryEntry, LedgerReadProblem } from '../../electron/contract'
import type { Locale, MessageKey, Translate } from './i18n'
import { dateTime } from './time'

/** The card check's "Status kartu di ledger" when the read failed: one staff sentence per LedgerReadProblem. */
export const LEDGER_PROBLEM_COUNTER: Record<LedgerReadProblem, MessageKey> = {
  IDENTITY_REFUSED: 'counter.ledger.identityRefused',
  FORBIDDEN: 'counter.ledger.forbidden',
  UNREACHABLE: 'counter.ledger.unreachable',
  OTHER: 'counter.ledger.unreadable',
}

/** "Catatan di ledger" when the history read failed: one staff sentence per LedgerReadProblem. */
export const LEDGER_PROBLEM_HISTORY: Record<LedgerReadProblem, MessageKey> = {
  IDENTITY_REFUSED: 'exam.ledgerIdentityRefused',
  FORBIDDEN: 'exam.ledgerForbidden',
  UNREACHABLE: 'exam.ledgerUnavailable',
  OTHER: 'exam.ledgerOther',
}

// The chaincode's entity types and statuses (chaincode/src/lib/store.ts EntityType; the contracts' *Status types).
const ENTITY: Record<string, MessageKey> = {
  Card: 'ledger.entity.Card',
  Visit: 'ledger.entity.Visit',
  Referral: 'ledger.entity.Referral',
  MedicalRecord: 'ledger.entity.MedicalRecord',
  Claim: 'ledger.entity.Claim',
  Correction: 'ledger.entity.Correction',
}
const STATUS: Record<string, MessageKey> = {
  ACTIVE: 'ledger.status.ACTIVE',
  SUSPENDED: 'ledger.status.SUSPENDED',
  REPLACED: 'ledger.status.REPLACED',
  RECORDED: 'ledger.status.RECORDED',
  ANCHORED: 'ledger.status.ANCHORED',
  CREATED: 'ledger.status.CREATED',
  ACCEPTED: 'ledger.status.ACCEPTED',
  COMPLETED: 'ledger.status.COMPLETED',
  CANCELLED: 'ledger.status.CANCELLED',
  SUBMITTED: 'ledger.status.SUBMITTED',
  APPROVED: 'ledger.status.APPROVED',
  REJECTED: 'ledger.status.REJECTED',
}

/**
 * A ledger history entry in staff words: what it is ("Kunjungan"), its status ("tercatat"), and when, in the app's time
 * format (time.ts dateTime, local time); `at` is the chaincode's ISO transaction time. A type or status this version
 * does not know (a newer chaincode) is shown as the ledger wrote it; a missing or unreadable time is null.
 */
export function ledgerEntryWords(t: Translate, locale: Locale, e: LedgerHistoryEntry): { what: string; status: string | null; at: string | null } {
  const ms = e.at === null ? NaN : Date.parse(e.at)
  return {
    what: ENTITY[e.type] ? t(ENTITY[e.type]) : e.type,
    status: e.status === null ? null : STATUS[e.status] ? t(STATUS[e.status]) : e.status,
    at: Number.isNaN(ms) ? null : dateTime(locale, ms),
  }
}
