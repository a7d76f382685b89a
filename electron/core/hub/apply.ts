import { z } from 'zod'
import { contract, type Result, type Role } from '../../contract'
import type { Core } from '../app'
import { recordExamination, registerVisit } from '../clinic'
import { withVisitVersion } from '../clinic/version'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { AppError, msg } from '../errors'
import { parseChannelInput } from '../ipc/dispatch'
import type { Logger } from '../log'
import { realScheduler, type Scheduler } from '../sync/scheduler'

/**
 * What a desk may do while its hub is away, replayed here from the desk's outbox (docs/hub.md "Offline"), and who may:
 * - `registration.create`: the counter registers; a clinician starts the visit at the poli from the patient's card or
 *   the slip's QR (issue 16, Deliver 4); both merge with a visit already active for the card, poli and day.
 * - `examination.save`: as online.
 * Everything else needs the hub's (or PCare's) live answer and is refused at the desk while the hub is away.
 */
export const DESK_APPLY_ROLES = {
  'registration.create': ['counter', 'clinician', 'admin'],
  'examination.save': ['clinician', 'admin'],
} as const satisfies Record<string, readonly Role[]>
/** A channel a desk may replay from its outbox. */
export type DeskApplyChannel = keyof typeof DESK_APPLY_ROLES

/** Oldest desk time a replay may carry: older is taken as a wrong desk clock and the hub's time is used instead. */
const MAX_OFFLINE_AGE_MS = 24 * 60 * 60 * 1000

/** One replayed desk call, POST /apply at the hub (server.ts). */
export const DeskApplyRequest = z.object({
  /** `desk:<deskId>:<deskSeq>`: the desk's outbox sequence makes it unique per call; it must name the calling desk. */
  key: z.string().regex(/^desk:[\w-]{1,80}:\d{1,12}$/),
  channel: z.enum(Object.keys(DESK_APPLY_ROLES) as [DeskApplyChannel, ...DeskApplyChannel[]]),
  input: z.unknown(),
  /** The hub user who was signed in at the desk when the call was made; the desk vouches for it (mTLS identity). */
  user: z.string().min(1).max(40),
  /** When the desk made the call (ms since epoch): the visit's day is the day it happened, not the day it arrived. */
  at: z.number().int().nonnegative(),
})
export type DeskApplyRequest = z.infer<typeof DeskApplyRequest>

/**
 * Applies a desk's replayed write exactly once: the key is stored in `hub_applied` with the answer in the same
 * transaction as the write, so a replay after a lost answer returns the first answer and writes nothing. The user
 * must still exist, be enabled and hold a role DESK_APPLY_ROLES allows (a user disabled meanwhile is refused:
 * FORBIDDEN, which waits at the desk for a person). A registration merges with a visit already active for the same
 * card, poli and day (`merged: true`, clinic/index.ts registerVisit). Answers a contract Result; never throws for a
 * refused call. Changed visits are recorded in the change feed and the engine is woken.
 */
export function applyDeskCall(core: Pick<Core, 'db' | 'settings' | 'changes' | 'engine'>, deskId: string, request: DeskApplyRequest, now = Date.now()): Result<unknown> {
  const { db } = core
  try {
    if (request.key.split(':')[1] !== deskId) throw new AppError('FORBIDDEN', msg('hub.deskRefused'))
    const role = enabledRole(db, request.user)
    if (!role || !(DESK_APPLY_ROLES[request.channel] as readonly Role[]).includes(role)) throw new AppError('FORBIDDEN', msg('auth.forbidden'))
    const parsed = parseChannelInput(request.channel, request.input)
    if (!parsed.ok) return parsed
    const at = request.at <= now && request.at >= now - MAX_OFFLINE_AGE_MS ? request.at : now
    const actor = { userId: request.user }
    const value = writeTx(db, () => {
      const first = db.prepare('SELECT channel, result FROM hub_applied WHERE idempotency_key = ?').get(request.key) as { channel: string; result: string } | undefined
      if (first) {
        if (first.channel !== request.channel) throw new AppError('CONFLICT', msg('hub.keyReused'))
        return JSON.parse(first.result) as unknown
      }
      const faskes = core.settings.get()
      const result =
        request.channel === 'registration.create'
          ? registerVisit(db, faskes, parsed.value as z.output<(typeof contract)['registration.create']['input']>, actor, at, true)
          : (() => {
              const input = parsed.value as z.output<(typeof contract)['examination.save']['input']>
              return withVisitVersion(db, input.noRawat, undefined, () => recordExamination(db, faskes, input, actor, at))
            })()
      db.prepare('INSERT INTO hub_applied (idempotency_key, desk_id, channel, result, applied_at) VALUES (?, ?, ?, ?, ?)').run(
        request.key,
        deskId,
        request.channel,
        JSON.stringify(result),
        now,
      )
      return result
    })
    const noRawat = (value as { noRawat?: unknown }).noRawat
    if (typeof noRawat === 'string') core.changes.record(noRawat)
    core.engine?.kick()
    return { ok: true, value }
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.toShape() }
    throw err
  }
}

/**
 * How long the hub keeps a desk's applied key (hub_applied) before pruneApplied may drop it: 90 days. A desk keeps its
 * un-sent work without any time limit (docs/hub.md "Pruning hub_applied"): while the hub is away its `hub` worker only
 * probes, a job refused or past RETRY_LIMIT waits for a person, and neither desk.db nor its outbox expires anything.
 * So no age alone is safe for the one key a desk can still send again: the head of its chain (the desk sends its calls
 * one at a time, in order, and moves on only once a call is answered or cancelled, and a cancelled job is never
 * resent), which is the desk's highest applied sequence; pruneApplied keeps that row of every desk whatever its age.
 * Every other row was answered at its desk already; the bound keeps them, for support (what a desk replayed, and
 * when), far longer than a hub outage a faskes works through at its desks: days, since a desk's offline answers come
 * from caches of the hub's day and a replay more than a day old already takes the hub's time (MAX_OFFLINE_AGE_MS).
 */
export const APPLIED_KEEP_MS = 90 * 24 * 60 * 60 * 1000
/** How often a running hub prunes hub_applied after the prune at its start. */
export const APPLIED_PRUNE_EVERY_MS = 24 * 60 * 60 * 1000

/** SQL: a hub_applied row's desk sequence, the number after `desk:<desk_id>:` in its key. */
const SEQ_OF_KEY = `CAST(substr(idempotency_key, length('desk:') + length(desk_id) + 2) AS INTEGER)`

/**
 * Drops the hub_applied rows applied more than APPLIED_KEEP_MS before `now` (epoch ms), except each desk's row with
 * the highest desk sequence (see APPLIED_KEEP_MS), in one write transaction. The sequence is read from the key
 * (`desk:<deskId>:<seq>`, checked against desk_id by applyDeskCall), not from applied_at, so a hub clock set back
 * cannot make an older row look newest. Returns the number of rows dropped.
 */
export function pruneApplied(db: DB, now = Date.now()): number {
  return writeTx(
    db,
    () =>
      db
        .prepare(
          `DELETE FROM hub_applied WHERE applied_at < ? AND (desk_id, ${SEQ_OF_KEY}) NOT IN (SELECT desk_id, max(${SEQ_OF_KEY}) FROM hub_applied GROUP BY desk_id)`,
        )
        .run(now - APPLIED_KEEP_MS).changes,
  )
}

/**
 * Prunes hub_applied now (the hub's start) and every APPLIED_PRUNE_EVERY_MS until `stop()`. A failed prune is logged
 * and tried again at the next turn (the rows only wait longer).
 */
export function startAppliedPruning(db: DB, options: { scheduler?: Scheduler; log?: Logger } = {}): { stop(): void } {
  const scheduler = options.scheduler ?? realScheduler
  let timer: unknown = null
  let stopped = false
  const run = () => {
    if (stopped) return
    try {
      const dropped = pruneApplied(db, scheduler.now())
      if (dropped > 0) options.log?.info('hub_applied pruned', { dropped })
    } catch (err) {
      options.log?.warn('hub_applied prune failed', { error: err instanceof Error ? err.message : String(err) })
    }
    timer = scheduler.setTimeout(run, APPLIED_PRUNE_EVERY_MS)
  }
  run()
  return {
    stop() {
      stopped = true
      if (timer !== null) scheduler.clearTimeout(timer)
    },
  }
}

/** The user's role, or null when there is no such user or it is disabled. */
function enabledRole(db: DB, username: string): Role | null {
  const row = db.prepare('SELECT role FROM users WHERE username = ? AND disabled_at IS NULL').get(username) as { role: Role } | undefined
  return row?.role ?? null
}

