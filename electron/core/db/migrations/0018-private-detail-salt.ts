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

/** A stored Visit:Record / Visit:Correct payload: a public intent with `detailHash` and the transient detail's text. */
interface StoredPayload {
  intent: Record<string, unknown> & { detailHash: string }
  transient: { detail: string }
}

function isDetailPayload(p: unknown): p is StoredPayload {
  const o = p as { intent?: { detailHash?: unknown }; transient?: { detail?: unknown } } | null
  return !!o && typeof o.intent === 'object' && !!o.intent && typeof o.intent.detailHash === 'string' && typeof o.transient?.detail === 'string'
}

/**
 * The visit's clinical detail and a correction's detail get a salt (issue 14, Deliver 5): their sha256 is public (the
 * intent's `detailHash`, and the plain SHA-256 Fabric writes of each private value into the block), so unsalted they
 * could be matched against guessed details; the chaincode now refuses a detail without `salt` (INVALID). Every
 * `Visit:Record` and `Visit:Correct` job not yet done (or cancelled) whose detail has no salt is rewritten: `salt`
 * (16 random bytes, hex) joins the detail, drawn once here so every later attempt sends the same bytes, and the
 * intent's `detailHash` and the row's payload hash follow. A job that may have landed unsalted is read back by its
 * key before any resend (the outbox's reconcile), so it is not sent again. A payload that is not JSON, not this shape,
 * or already salted is left as stored.
 */
export const migration: Migration = {
  version: 18,
  name: 'private-detail-salt',
  up(db) {
    const rows = db
      .prepare(`SELECT id, payload FROM outbox WHERE operation IN ('Visit:Record', 'Visit:Correct') AND status NOT IN ('done', 'cancelled') ORDER BY id`)
      .all() as { id: number; payload: string }[]
    const update = db.prepare('UPDATE outbox SET payload = ?, payload_hash = ? WHERE id = ?')
    for (const row of rows) {
      let stored: unknown
      let detail: unknown
      try {
        stored = JSON.parse(row.payload)
        detail = isDetailPayload(stored) ? JSON.parse(stored.transient.detail) : null
      } catch {
        continue
      }
      if (!isDetailPayload(stored) || !detail || typeof detail !== 'object' || Array.isArray(detail) || 'salt' in detail) continue
      const salted = canonical({ ...detail, salt: randomBytes(16).toString('hex') })
      const text = canonical({ ...stored, intent: { ...stored.intent, detailHash: sha256(salted) }, transient: { ...stored.transient, detail: salted } })
      update.run(text, sha256(text), row.id)
    }
  },
}
