import type { Settings, SyncStatus, Target } from '../../contract'
import type { DB } from '../db'
import { prepared } from '../db/statements'
import { kdppkMismatch } from '../ledger/enrolment'
import { referenceStamp } from '../reference/auto'
import { SettingsStore } from '../settings'

/**
 * Per remote: reachable at the last call or probe, false when not, null or absent when not yet known; `unconfigured`
 * names the remotes that lack what a send needs (engine satusehatConfigured).
 */
export type Connectivity = Partial<Record<Target, boolean | null>> & { unconfigured?: readonly Target[] }

/** One target's outbox numbers as the status bar shows them (the counting fields of a SyncStatus target). */
export type OutboxCounts = Pick<SyncStatus['targets'][number], 'pending' | 'blocked' | 'inFlight' | 'failed' | 'lastSuccessAt' | 'failing'>

/** A target without outbox rows. */
const NO_JOBS: OutboxCounts = { pending: 0, blocked: 0, inFlight: 0, failed: 0, lastSuccessAt: null, failing: false }

/**
 * The status bar's counting, per target, read from the outbox itself so it survives restarts and cannot drift from
 * the truth; the faskes's lanes (syncStatus) and a desk's hub lane (hub/offline.ts deskHubStatus) both use it. A job
 * queued behind a permanent failure of its chain counts as `blocked`, not `pending`: nothing will send it until a
 * person acts, so the bar must not say it is sending. `failing`: the newest outcome is a failed send (5xx, timeout,
 * refused credentials), reachable or not. Targets without rows are absent (`countsOf` gives their zeros). Runs on
 * every status poll (2 s), hence compiled once per connection.
 */
export function outboxCounts(db: DB): Map<string, OutboxCounts> {
  const counts = prepared(
    db,
    `SELECT target,
            sum(status IN ('pending', 'failed_transient')) AS waiting,
            sum(status = 'in_flight') AS in_flight,
            sum(status = 'failed_permanent') AS failed,
            max(CASE WHEN status = 'done' THEN done_at END) AS last_success,
            -- An Antrean job waiting for PCare's noUrut, or for the patient's Mobile JKN screening (Antrean answered),
            -- is not a failing remote; refused credentials and the retry limit are, though they wait for a person (a
            -- refused record is the record's problem, not the link's).
            max(CASE WHEN (status = 'failed_transient' AND coalesce(last_error_code, '') NOT IN ('WAITING_NO_URUT', 'SCREENING_REQUIRED'))
                        OR (status = 'failed_permanent' AND last_error_code IN ('UNAUTHORIZED', 'NOT_REGISTERED', 'RETRY_LIMIT'))
                     THEN updated_at END) AS last_transient
       FROM outbox GROUP BY target`,
  ).all() as { target: string; waiting: number; in_flight: number; failed: number; last_success: number | null; last_transient: number | null }[]
  // Apart, so the chain lookup runs for the few waiting rows (status index) and not for every row ever sent.
  const blocked = new Map(
    (
      prepared(
        db,
        `SELECT o.target, count(*) AS n FROM outbox o
          WHERE o.status IN ('pending', 'failed_transient')
            AND EXISTS (SELECT 1 FROM outbox p WHERE p.chain_key = o.chain_key AND p.seq < o.seq AND p.status = 'failed_permanent')
          GROUP BY o.target`,
      ).all() as { target: string; n: number }[]
    ).map((r) => [r.target, r.n]),
  )
  return new Map(
    counts.map((c): [string, OutboxCounts] => [
      c.target,
      {
        pending: c.waiting - (blocked.get(c.target) ?? 0),
        blocked: blocked.get(c.target) ?? 0,
        inFlight: c.in_flight,
        failed: c.failed,
        lastSuccessAt: c.last_success,
        failing: c.last_transient != null && (c.last_success == null || c.last_transient > c.last_success),
      },
    ]),
  )
}

/** One target's counts from `outboxCounts`, zeros when it has no rows. */
export function countsOf(counts: Map<string, OutboxCounts>, target: string): OutboxCounts {
  return counts.get(target) ?? NO_JOBS
}

/**
 * Status-bar numbers (outboxCounts) per lane. `online` comes from the connectivity monitor (last call or probe), not
 * from the DB.
 */
export function syncStatus(db: DB, connectivity: Connectivity = {}): SyncStatus {
  const byTarget = outboxCounts(db)
  // Read once per poll: the ledger identity checks and the SATUSEHAT switch all come from it.
  const settings = new SettingsStore(db).get()
  const refusedAt = identityRefusedAt(db, settings.ledger.identity, countsOf(byTarget, 'ledger').lastSuccessAt)
  const mismatch = kdppkMismatch(settings)
  // SATUSEHAT is shown once it is enabled or has jobs (a faskes without its onboarding never sees it).
  const shown = settings.satusehat.enabled || byTarget.has('satusehat') ? (['ledger', 'pcare', 'antrean', 'satusehat'] as const) : (['ledger', 'pcare', 'antrean'] as const)
  const targets = shown.map((target) => ({
    target,
    online: connectivity[target] ?? null,
    ...(connectivity.unconfigured?.includes(target) ? { unconfigured: true } : {}),
    ...countsOf(byTarget, target),
    identityRefusedAt: target === 'ledger' ? refusedAt : null,
    ...(target === 'ledger' && mismatch ? { kdppkMismatch: true } : {}),
  }))
  return { targets, referenceAt: referenceStamp(db) }
}

/**
 * When the ledger peer last refused this workstation's certificate (IDENTITY_REFUSED: revoked at the CA, expired, or
 * another MSP), in ms; null when that is older than the current enrolment (`identity.enrolledAt`) or than the newest
 * ledger success, or never happened. The peer still answers, so connectivity alone would show "connected" while
 * nothing can be sent until an admin enrols again. Only failed rows are read (outbox_target_status index): a
 * resent job clears its error and fails again at once while the refusal lasts. Runs on every status poll (2 s): its
 * statement is compiled once per connection.
 */
function identityRefusedAt(db: DB, identity: Settings['ledger']['identity'], lastSuccess: number | null): number | null {
  const row = prepared(
    db,
    `SELECT max(updated_at) AS at FROM outbox WHERE target = 'ledger' AND status IN ('failed_permanent', 'failed_transient') AND last_error_code = 'IDENTITY_REFUSED'`,
  ).get() as { at: number | null }
  if (row.at == null) return null
  const enrolledAt = identity.kind === 'none' ? null : identity.enrolledAt
  if (enrolledAt != null && enrolledAt >= row.at) return null
  if (lastSuccess != null && lastSuccess >= row.at) return null
  return row.at
}
