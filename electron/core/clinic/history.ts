import type { HistoryEntry, Output } from '../../contract'
import type { DB } from '../db'
import { recentLedgerEntries } from '../ledger/history'
import { withTimeout, type Remotes } from './eligibility'
import { ledgerReadFailure } from './remote-code'

/** Ledger entries the patient history shows (newest first); the total is shown beside them. */
const LEDGER_HISTORY_LIMIT = 50
/** How long the page waits for the ledger read before it shows the local visits alone, with the reason. */
const LEDGER_HISTORY_TIMEOUT_MS = 4000

/**
 * The card's last 100 visits on this workstation, newest first, each with its examination when there is one; without
 * `withDiagnoses` (a role that may not see them, auth/policy.ts seesDiagnoses) every visit's diagnoses are empty.
 */
function localHistory(db: DB, noKartu: string, withDiagnoses: boolean): HistoryEntry[] {
  const rows = db
    .prepare(
      `SELECT r.no_rawat, r.tgl_daftar, r.kd_poli, r.nm_poli, r.keluhan, e.data, e.no_kunjungan, e.ledger_tx_id, e.claim_status, e.referral_status
         FROM registrations r LEFT JOIN examinations e ON e.no_rawat = r.no_rawat WHERE r.no_kartu = ? ORDER BY r.created_at DESC LIMIT 100`,
    )
    .all(noKartu) as Record<string, string | null>[]
  return rows.map((r) => ({
    noRawat: r.no_rawat!,
    tglDaftar: r.tgl_daftar!,
    kdPoli: r.kd_poli!,
    nmPoli: r.nm_poli,
    keluhan: r.keluhan ?? '',
    diagnoses: withDiagnoses && r.data ? ((JSON.parse(r.data) as { diagnoses: { kdDiag: string; nmDiag: string }[] }).diagnoses ?? []) : [],
    noKunjungan: r.no_kunjungan,
    ledgerTxId: r.ledger_tx_id,
    claimStatus: r.claim_status,
    referralStatus: r.referral_status,
  }))
}

/**
 * A card's history: the local visits, and with `ledger` the newest entries on the ledger as well. The ledger read
 * never fails the call: without an engine, or when the ledger does not answer in time or refuses, `ledgerError`
 * says why (the ledger's or the client's words, for support), `ledgerProblem` which of LedgerReadProblem it is (for
 * the page's sentence), and the local visits are still shown. `withDiagnoses` false (the
 * counter) leaves every visit's diagnoses out.
 */
export async function patientHistory(
  db: DB,
  remotes: Remotes | null,
  input: { noKartu: string; ledger: boolean },
  withDiagnoses: boolean,
): Promise<Output<'patient.history'>> {
  const local = localHistory(db, input.noKartu, withDiagnoses)
  if (!input.ledger) return { local, ledger: null, ledgerTotal: null, ledgerError: null, ledgerProblem: null }
  if (!remotes) return { local, ledger: null, ledgerTotal: null, ledgerError: 'no ledger connection in this session', ledgerProblem: 'UNREACHABLE' }
  try {
    // The newest entries only: a card used for years links hundreds of entities on the ledger.
    const { total, entries } = await withTimeout((async () => recentLedgerEntries(await remotes.ledger(), input.noKartu, LEDGER_HISTORY_LIMIT))(), LEDGER_HISTORY_TIMEOUT_MS, 'Ledger')
    return { local, ledger: entries, ledgerTotal: total, ledgerError: null, ledgerProblem: null }
  } catch (err) {
    return { local, ledger: null, ledgerTotal: null, ledgerError: err instanceof Error ? err.message : String(err), ledgerProblem: ledgerReadFailure(err).problem }
  }
}
