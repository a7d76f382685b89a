import { createHash, randomBytes } from 'node:crypto'
import type { Migration } from '../types'

/** Canonical JSON (keys sorted), as the outbox stores payloads. A copy of util/canonical.ts: a migration is frozen. */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sort((v as Record<string, unknown>)[k])]))
        : v
  return JSON.stringify(sort(value))
}
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

interface OldReferralIntent {
  referralId: string
  noKartu: string
  visitId: string
  fromPPK: string
  toPPK: string
  reason: string
  doctor: string
}

function isOldReferral(p: unknown): p is { intent: OldReferralIntent } {
  const i = (p as { intent?: Record<string, unknown> } | null)?.intent
  return !!i && typeof i === 'object' && ['referralId', 'noKartu', 'visitId', 'fromPPK', 'toPPK', 'reason', 'doctor'].every((k) => typeof i[k] === 'string')
}

/**
 * Referral reason and doctor leave the ledger intent (issue 14, Deliver 5): the chaincode now takes a `detailHash` in
 * the public intent and the detail as transient `{doctor, reason, salt}` (electron/core/sync/operations.ts). Every
 * `Referral:Create` job not yet done (or cancelled) that still holds reason and doctor in its intent is rewritten to
 * that shape, with a random salt drawn once here, so every later attempt sends the same bytes and a replay stays
 * idempotent on the chaincode. Its payload hash is updated with it (re-queueing the same examination is refused
 * anyway: it is saved once). A payload that is not JSON, or not the old shape, is left for parseJob to judge.
 */
export const migration: Migration = {
  version: 13,
  name: 'referral-detail',
  up(db) {
    const rows = db
      .prepare(`SELECT id, payload FROM outbox WHERE operation = 'Referral:Create' AND status NOT IN ('done', 'cancelled') ORDER BY id`)
      .all() as { id: number; payload: string }[]
    const update = db.prepare('UPDATE outbox SET payload = ?, payload_hash = ? WHERE id = ?')
    for (const row of rows) {
      let stored: unknown
      try {
        stored = JSON.parse(row.payload)
      } catch {
        continue
      }
      if (!isOldReferral(stored)) continue
      const { reason, doctor, ...rest } = stored.intent
      const detail = canonical({ reason, doctor, salt: randomBytes(16).toString('hex') })
      const text = canonical({
        intent: { referralId: rest.referralId, noKartu: rest.noKartu, visitId: rest.visitId, fromPPK: rest.fromPPK, toPPK: rest.toPPK, detailHash: sha256(detail) },
        transient: { detail },
      })
      update.run(text, sha256(text), row.id)
    }
  },
}
