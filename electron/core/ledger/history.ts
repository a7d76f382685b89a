import type { LedgerHistoryEntry } from '../../contract'
import type { LedgerConnection } from './gateway'

/**
 * The newest `limit` (1–200) ledger entities linked to a card, newest first, and how many there are in all.
 * Evaluates `History:Recent(noKartu, limit)` (chaincode/README.md), which answers `{ total, entries }` with the
 * entries oldest first; a read on the gateway peer only, no transaction. Throws whatever the gateway throws.
 */
export async function recentLedgerEntries(ledger: LedgerConnection, noKartu: string, limit: number): Promise<{ total: number; entries: LedgerHistoryEntry[] }> {
  const bytes = await ledger.contract('History').evaluateTransaction('Recent', noKartu, String(limit))
  const { total, entries } = JSON.parse(Buffer.from(bytes).toString()) as {
    total: number
    entries: { entityType: string; entityId: string; at: string; record: { status?: string } }[]
  }
  return { total, entries: entries.reverse().map((e) => ({ type: e.entityType, id: e.entityId, status: e.record?.status ?? null, at: e.at })) }
}
