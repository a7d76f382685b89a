import type { DiagnosaHit, Result, SyncStatus } from '../../contract'
import { isDeskLocalId } from '../../contract/desk-ids'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { AppError, fieldError, msg } from '../errors'
import { localIsoDate } from '../clinic/dates'
import { SendError, type Executor } from '../sync/executor'
import { parseJob } from '../sync/operations'
import { enqueue } from '../sync/outbox'
import { countsOf, outboxCounts } from '../sync/status'
import type { DeskApplyRequest } from './apply'

/**
 * A desk's own store while its hub is away (issue 16, Deliver 3; docs/hub.md "Offline"). It lives in the desk's
 * encrypted desk.db (its own keychain key) and holds:
 * - caches of hub answers with the time they were read (`desk_cache`): reference lists, today's list, card checks;
 * - visits started here while the hub was away (`desk_visits`), under a local id `desk-<deskSeq>` until the hub
 *   answers with its noRawat (the visit it made, or the one it merged with);
 * - its outbox of `hub.call` jobs, one chain per desk (`hub:<deskId>`), so the hub gets them one at a time, in the
 *   order they were made, each exactly once (key `desk:<deskId>:<deskSeq>`, stored by the hub: apply.ts).
 */


/** What the desk remembers of the hub, by kind (desk_cache.kind). */
export type DeskCacheKind = 'reference' | 'today' | 'card'

/** The hub's part a desk needs to send its outbox: POST /apply, and whether the hub answers at all. */
export interface HubApplier {
  /** The hub's answer; throws when it could not be reached or answered no Result (HubClient.apply). */
  apply(request: DeskApplyRequest): Promise<Result<unknown>>
  /** True when the hub answers (a cheap call). */
  reachable(): Promise<boolean>
}

/** A row of the desk's cache: the hub's answer and when it was read (ms). */
export interface Cached<T> {
  value: T
  checkedAt: number
}

/** Remembers a hub answer of `kind` (key '' for the lists, the card number for a card check). */
export function remember(db: DB, kind: DeskCacheKind, key: string, value: unknown, now = Date.now()): void {
  db.prepare('INSERT INTO desk_cache (kind, key, value, checked_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, checked_at = excluded.checked_at').run(
    kind,
    key,
    JSON.stringify(value),
    now,
  )
}

/**
 * Keeps the diagnoses of a hub `reference.diagnosa` answer in desk.db's own `ref_diagnosa` (the faskes schema; its FTS
 * triggers index them), so the examination form's diagnosis search still finds them while the hub is away, by the same
 * search the hub runs (reference/search.ts). Only what this desk's searches returned while connected: the PCare list
 * itself lives at the hub. A later answer updates the name.
 */
export function rememberDiagnoses(db: DB, hits: readonly DiagnosaHit[], now = Date.now()): void {
  if (hits.length === 0) return
  const upsert = db.prepare(
    `INSERT INTO ref_diagnosa (kd_diag, nm_diag, non_spesialis, fetched_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (kd_diag) DO UPDATE SET nm_diag = excluded.nm_diag, non_spesialis = excluded.non_spesialis, fetched_at = excluded.fetched_at
     WHERE nm_diag IS NOT excluded.nm_diag OR non_spesialis IS NOT excluded.non_spesialis`,
  )
  writeTx(db, () => {
    for (const h of hits) upsert.run(h.kdDiag, h.nmDiag, h.nonSpesialis ? 1 : 0, now)
  })
}

/** The last hub answer of `kind`/`key` with its time, or null when the desk never saw one. */
export function recalled<T>(db: DB, kind: DeskCacheKind, key: string): Cached<T> | null {
  const row = db.prepare('SELECT value, checked_at FROM desk_cache WHERE kind = ? AND key = ?').get(kind, key) as { value: string; checked_at: number } | undefined
  return row ? { value: JSON.parse(row.value) as T, checkedAt: row.checked_at } : null
}

interface Registration {
  noKartu: string
  kdPoli: string
  [field: string]: unknown
}

/** A visit of the cached today list, as far as the desk needs it. */
interface TodayRow {
  noRawat: string
  noKartu: string
  kdPoli: string
  tglDaftar: string
  status: string
}

/**
 * Registers a visit (or starts it at a poli) while the hub is away. When the cached today list already holds an
 * active visit for the same card, poli and day (the counter registered it before the hub went away; the slip's QR
 * names it), that visit is answered and nothing is queued: the hub knows it. Otherwise the visit gets a local id and a
 * `hub.call` job, in the same transaction; at the hub it becomes the counter's visit if one was made meanwhile
 * (apply.ts merge). Answers the contract's {noRawat, tglDaftar}; CONFLICT reg.duplicate when this desk already started
 * that visit offline.
 */
export function registerOffline(db: DB, deskId: string, user: string, input: Registration, now = Date.now()): { noRawat: string; tglDaftar: string } {
  const tglDaftar = localIsoDate(now)
  const today = recalled<TodayRow[]>(db, 'today', '')?.value ?? []
  const known = today.find((r) => r.noKartu === input.noKartu && r.kdPoli === input.kdPoli && r.tglDaftar === tglDaftar && r.status !== 'cancelled')
  if (known) return { noRawat: known.noRawat, tglDaftar }
  // The hub's rule (clinic/index.ts registerVisit): a card it never read is registered only as BPJS `unverified`.
  // Checked here against what the desk knows the hub read, so a replay the hub must refuse never holds the chain.
  const seen = recalled<{ patient: unknown }>(db, 'card', input.noKartu)?.value.patient != null || today.some((r) => r.noKartu === input.noKartu)
  if (!seen && !(input.penjamin !== 'umum' && input.unverified === true)) {
    throw new AppError('NOT_FOUND', msg('reg.checkFirst'), [fieldError('noKartu', msg('reg.notChecked'))])
  }
  return writeTx(db, () => {
    const mine = db.prepare('SELECT local_id, hub_no_rawat FROM desk_visits WHERE no_kartu = ? AND kd_poli = ? AND tgl_daftar = ?').get(input.noKartu, input.kdPoli, tglDaftar) as
      | { local_id: string; hub_no_rawat: string | null }
      | undefined
    if (mine) throw new AppError('CONFLICT', msg('reg.duplicate', { noRawat: mine.hub_no_rawat ?? mine.local_id }))
    const deskSeq = nextDeskSeq(db, deskId)
    // Numbered over desk.db, not the chain: a desk paired again (new id, new chain from 1) keeps its old visits.
    const localId = `desk-${(db.prepare("SELECT coalesce(max(CAST(substr(local_id, 6) AS INTEGER)), 0) + 1 AS n FROM desk_visits").get() as { n: number }).n}`
    db.prepare('INSERT INTO desk_visits (local_id, no_kartu, kd_poli, tgl_daftar, input, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      localId,
      input.noKartu,
      input.kdPoli,
      tglDaftar,
      JSON.stringify(input),
      now,
    )
    queue(db, deskId, deskSeq, 'registration', localId, { channel: 'registration.create', input, user, at: now, deskSeq }, now)
    return { noRawat: localId, tglDaftar }
  })
}

/**
 * Records an examination while the hub is away, for a visit of the cached today list or one started here offline.
 * NOT_FOUND hub.offlineVisitUnknown for a visit the desk does not know; CONFLICT exam.alreadySaved when this desk
 * already recorded one for it. The hub still refuses a second examination that another desk saved meanwhile: that
 * job then waits for a person at this desk's outbox (HUB_REFUSED).
 */
export function examineOffline(db: DB, deskId: string, user: string, input: { noRawat: string; [field: string]: unknown }, now = Date.now()): { noRawat: string } {
  return writeTx(db, () => {
    const noRawat = input.noRawat
    const local = isDeskLocalId(noRawat) && db.prepare('SELECT 1 FROM desk_visits WHERE local_id = ?').get(noRawat) !== undefined
    const cached = (recalled<TodayRow[]>(db, 'today', '')?.value ?? []).find((r) => r.noRawat === noRawat)
    if (!local && !cached) throw new AppError('NOT_FOUND', msg('hub.offlineVisitUnknown', { noRawat }))
    if (cached && cached.status === 'examined') throw new AppError('CONFLICT', msg('exam.alreadySaved'))
    if (db.prepare("SELECT 1 FROM outbox WHERE target = 'hub' AND entity_type = 'examination' AND entity_id = ? AND status != 'cancelled'").get(noRawat)) {
      throw new AppError('CONFLICT', msg('exam.alreadySaved'))
    }
    const deskSeq = nextDeskSeq(db, deskId)
    queue(db, deskId, deskSeq, 'examination', noRawat, { channel: 'examination.save', input, user, at: now, deskSeq }, now)
    return { noRawat }
  })
}

/** The desk's order: one chain, so the worker sends one call at a time in the order the desk made them. */
const chainOf = (deskId: string) => `hub:${deskId}`

function nextDeskSeq(db: DB, deskId: string): number {
  return (db.prepare('SELECT coalesce(max(seq), 0) + 1 AS n FROM outbox WHERE chain_key = ?').get(chainOf(deskId)) as { n: number }).n
}

function queue(
  db: DB,
  deskId: string,
  deskSeq: number,
  entityType: string,
  entityId: string,
  payload: { channel: 'registration.create' | 'examination.save'; input: Record<string, unknown>; user: string; at: number; deskSeq: number },
  now: number,
): void {
  enqueue(db, { operation: 'hub.call', chainKey: chainOf(deskId), entityType, entityId, payload, idempotencyKey: `desk:${deskId}:${deskSeq}` }, now)
}

/**
 * The desk's `hub` target: replays each `hub.call` at the hub (POST /apply). Unreachable is transient and offline
 * (the worker pauses and probes) and ambiguous: the hub may have applied it, and sending the same key again is the
 * reconcile (the hub answers its first result). A refusal by the hub (FORBIDDEN, CONFLICT, INVALID_INPUT, NOT_FOUND)
 * is permanent HUB_REFUSED with the hub's message key, and holds the desk's later calls for a person, in order.
 * A visit's local id in the input is replaced by the hub's noRawat, which the registration's answer wrote back
 * (`apply`) before the next job of the chain was read.
 */
export function hubExecutor(db: DB, hub: HubApplier): Executor {
  return {
    target: 'hub',
    async send(job) {
      const { payload } = parseJob('hub', job)
      const input = { ...payload.input }
      if (typeof input.noRawat === 'string' && isDeskLocalId(input.noRawat)) {
        // A visit started offline goes under the number the hub gave it; still local = the hub never named it.
        const id = hubNoRawat(db, input.noRawat)
        if (isDeskLocalId(id)) throw new SendError('permanent', 'HUB_REFUSED', 'hub.offlineVisitUnknown')
        input.noRawat = id
      }
      let answer: Result<unknown>
      try {
        answer = await hub.apply({ key: job.idempotencyKey, channel: payload.channel, input, user: payload.user, at: payload.at })
      } catch (err) {
        throw new SendError('transient', 'HUB_UNREACHABLE', err instanceof Error ? err.message : String(err), { offline: true, ambiguous: true })
      }
      if (answer.ok) return { result: answer.value }
      if (answer.error.code === 'UNAVAILABLE' || answer.error.code === 'INTERNAL') throw new SendError('transient', 'HUB_UNREACHABLE', answer.error.key ?? answer.error.code)
      throw new SendError('permanent', 'HUB_REFUSED', answer.error.key ?? answer.error.code)
    },
    async reconcile(job) {
      parseJob('hub', job)
      return null
    },
    apply(dbTx, job, result) {
      const r = result as { noRawat?: unknown; merged?: unknown }
      if (job.entityType === 'registration' && typeof r.noRawat === 'string') {
        dbTx.prepare('UPDATE desk_visits SET hub_no_rawat = ?, merged = ? WHERE local_id = ?').run(r.noRawat, r.merged === true ? 1 : 0, job.entityId)
      }
      if (job.entityType === 'examination') {
        dbTx.prepare('UPDATE desk_visits SET examined = 1 WHERE local_id = ? OR hub_no_rawat = ?').run(job.entityId, job.entityId)
      }
    },
    probe: () => hub.reachable(),
  }
}

/** desk_cache key (kind 'reference') of when the hub last took a visit write of this desk live (recordDelivery). */
const DELIVERED_KEY = 'hub.lastDelivered'

/**
 * Notes that the hub took a visit write of this desk just now, live (not through the outbox): most of a connected
 * desk's work reaches the hub this way, so the hub lane's "last delivered" must count it, not only outbox sends.
 */
export function recordDelivery(db: DB, now = Date.now()): void {
  remember(db, 'reference', DELIVERED_KEY, { at: now }, now)
}

/**
 * The status bar's `hub` entry at a desk, counted from the desk's outbox by the same counting as every other target's
 * (sync/status.ts outboxCounts): what waits at this desk for the hub, whether the hub answered last (`online`, from
 * the worker), and when this desk's work last reached the hub (`lastSuccessAt`): the later of its last outbox send
 * and its last live visit write (recordDelivery); null when neither happened yet.
 */
export function deskHubStatus(db: DB, online: boolean | null): SyncStatus['targets'][number] {
  const counts = countsOf(outboxCounts(db), 'hub')
  const live = recalled<{ at: number }>(db, 'reference', DELIVERED_KEY)?.value.at ?? null
  return {
    target: 'hub',
    online,
    ...counts,
    lastSuccessAt: counts.lastSuccessAt === null || live === null ? (counts.lastSuccessAt ?? live) : Math.max(counts.lastSuccessAt, live),
    // The hub lane is connected or away by `online` alone; a send the hub refused is listed in the desk's outbox page.
    failing: false,
    identityRefusedAt: null,
  }
}

/** The desk's answer for a visit id: the hub's noRawat once the hub named it, else the id as given. */
export function hubNoRawat(db: DB, id: string): string {
  if (!isDeskLocalId(id)) return id
  const row = db.prepare('SELECT hub_no_rawat FROM desk_visits WHERE local_id = ?').get(id) as { hub_no_rawat: string | null } | undefined
  return row?.hub_no_rawat ?? id
}

/** The desk's offline card check: the last hub answer for this card and when it was read. NOT_FOUND when never checked here. */
export function cardOffline<T>(db: DB, noKartu: string): Cached<T> {
  const c = recalled<T>(db, 'card', noKartu)
  if (!c) throw new AppError('NOT_FOUND', msg('hub.offlineCardUnknown'))
  return c
}
