import type { DB } from '../db'
import { itemNames } from '../reference/items'
import type { OutboxStatus, Target, UnsentJob } from '../../contract'

/** The chains a visit's jobs run in (see clinic/index.ts: pendaftaran → kunjungan → tindakan/obat; antrean; ledger). */
const chainsOf = (noRawat: string) => [`pcare:${noRawat}`, `antrean:${noRawat}`, `ledger:${noRawat}`]

interface Row {
  id: number
  target: Target
  operation: string
  chain_key: string
  seq: number
  status: OutboxStatus
  attempts: number
  next_attempt_at: number
  last_error_code: string | null
  last_error_message: string | null
  last_error_fields: string | null
  payload: string
}

function fieldsOf(v: string | null): { field: string; message: string }[] {
  if (!v) return []
  try {
    const f = JSON.parse(v) as unknown
    return Array.isArray(f) ? f.map((x: { field?: unknown; message?: unknown }) => ({ field: String(x.field ?? ''), message: String(x.message ?? '') })) : []
  } catch {
    return []
  }
}

function itemOf(operation: string, payload: string): string | null {
  if (operation !== 'tindakan.add' && operation !== 'obat.add') return null
  const p = JSON.parse(payload) as { kdTindakan?: unknown; kdObat?: unknown }
  const code = operation === 'tindakan.add' ? p.kdTindakan : p.kdObat
  return typeof code === 'string' ? code : null
}

/**
 * What is still unsent for each visit (noRawat), in chain order, with the reason each job waits. Visits with nothing
 * unsent are present with an empty list. Reads only SQLite (works offline); at most 200 visits per call.
 */
export function unsentForVisits(db: DB, noRawats: string[]): { noRawat: string; jobs: UnsentJob[] }[] {
  const visits = [...new Set(noRawats)].slice(0, 200)
  if (!visits.length) return []
  const chains = visits.flatMap(chainsOf)
  const rows = db
    .prepare(
      `SELECT id, target, operation, chain_key, seq, status, attempts, next_attempt_at, last_error_code, last_error_message, last_error_fields, payload
         FROM outbox WHERE chain_key IN (${chains.map(() => '?').join(',')}) AND status NOT IN ('done', 'cancelled')
        ORDER BY chain_key, seq`,
    )
    .all(...chains) as Row[]
  const codes = { tindakan: [] as string[], obat: [] as string[] }
  const items = new Map(rows.map((r) => [r.id, itemOf(r.operation, r.payload)]))
  for (const r of rows) {
    const item = items.get(r.id)
    if (item) codes[r.operation === 'tindakan.add' ? 'tindakan' : 'obat'].push(item)
  }
  const names = { tindakan: itemNames(db, 'tindakan', codes.tindakan), obat: itemNames(db, 'obat', codes.obat) }
  // The head of each chain (lowest seq still unfinished) is what every later job of that chain waits for.
  const heads = new Map<string, Row>()
  for (const r of rows) if (!heads.has(r.chain_key)) heads.set(r.chain_key, r)
  const byVisit = new Map<string, UnsentJob[]>(visits.map((v) => [v, []]))
  for (const r of rows) {
    const noRawat = r.chain_key.slice(r.chain_key.indexOf(':') + 1)
    const head = heads.get(r.chain_key)!
    const item = items.get(r.id) ?? null
    byVisit.get(noRawat)?.push({
      id: r.id,
      target: r.target,
      operation: r.operation,
      status: r.status as UnsentJob['status'],
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastErrorCode: r.last_error_code,
      lastErrorMessage: r.last_error_message,
      lastErrorFields: fieldsOf(r.last_error_fields),
      item,
      itemName: item ? (names[r.operation === 'tindakan.add' ? 'tindakan' : 'obat'].get(item) ?? null) : null,
      blockedBy:
        head.id === r.id
          ? null
          : {
              id: head.id,
              operation: head.operation,
              status: head.status,
              lastErrorCode: head.last_error_code,
              lastErrorMessage: head.last_error_message,
              item: items.get(head.id) ?? null,
            },
    })
  }
  return visits.map((noRawat) => ({ noRawat, jobs: byVisit.get(noRawat) ?? [] }))
}
