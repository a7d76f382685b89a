import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Channel, RegistrationChanges } from '../../contract'
import type { DB } from '../db'
import { todayRegistrations } from './registrations'

/**
 * Channels whose success changes a visit that other screens show (today's lists, the poli queue): each records the
 * visit's noRawat in the change feed, which wakes every reader waiting on it (issue 16: a registration at the counter
 * reaches the poli's list within 2 s).
 */
export const VISIT_WRITES: ReadonlySet<Channel> = new Set<Channel>([
  'registration.create',
  'registration.cancel',
  'examination.save',
  'examination.edit',
  'kunjungan.delete',
  'queue.call',
  'queue.attendance',
])

/** How many changes the feed remembers; a reader further behind than this gets `changed: null` (reload everything). */
const REMEMBERED = 2000

/** What changed since a cursor: the new cursor, and the visits changed (oldest first, no repeats), or null = reload all. */
export interface Changes {
  cursor: string
  changed: string[] | null
}

/**
 * The visits changed in this process since a cursor (issue 16). Cursors are `<epoch>:<seq>` strings: the epoch is drawn
 * at each start, so a cursor from before a restart (of the hub, or of this app) is unknown and means "reload all",
 * like one older than the last REMEMBERED changes. In memory only: it tells readers what to re-read, it is never the
 * record itself.
 */
export class ChangeFeed {
  readonly epoch = randomBytes(6).toString('hex')
  private seq = 0
  /** The last REMEMBERED changes, oldest first; entry i has sequence number `seq - log.length + 1 + i`. */
  private log: string[] = []
  private readonly events = new EventEmitter()

  constructor() {
    // One listener per waiting reader (a desk's long-poll, a page's list); bounded by the callers, not a leak.
    this.events.setMaxListeners(0)
  }

  /** The cursor of now: a reader holding it has seen every change so far. */
  cursor(): string {
    return `${this.epoch}:${this.seq}`
  }

  /** Records that visit `noRawat` changed, and wakes every waiting reader. */
  record(noRawat: string): void {
    this.seq += 1
    this.log.push(noRawat)
    if (this.log.length > REMEMBERED) this.log.splice(0, this.log.length - REMEMBERED)
    this.events.emit('change')
  }

  /**
   * A sync chain settled (worker.ts onChange): its visit's send state changed when the chain is one today's list
   * shows (`pcare:<noRawat>`, `ledger:<noRawat>`, as todayRegistrations reads them); others are ignored.
   */
  recordChain(chainKey: string | undefined): void {
    const m = /^(?:pcare|ledger):(.+)$/.exec(chainKey ?? '')
    if (m) this.record(m[1])
  }

  /** The visits changed after `cursor`; `changed: null` when the cursor is null, malformed, of another epoch or too old. */
  since(cursor: string | null): Changes {
    const now = this.cursor()
    const [epoch, raw] = (cursor ?? '').split(':')
    const seen = Number(raw)
    if (epoch !== this.epoch || !Number.isInteger(seen) || seen < 0 || seen > this.seq) return { cursor: now, changed: null }
    const missed = this.seq - seen
    if (missed > this.log.length) return { cursor: now, changed: null }
    return { cursor: now, changed: [...new Set(this.log.slice(this.log.length - missed))] }
  }

  /**
   * `since(cursor)`, waiting first up to `waitMs` for a change when there is none yet. `abort` (a closed connection)
   * ends the wait early. Never rejects.
   */
  wait(cursor: string | null, waitMs: number, abort?: AbortSignal): Promise<Changes> {
    const first = this.since(cursor)
    if (first.changed === null || first.changed.length > 0 || waitMs <= 0 || abort?.aborted) return Promise.resolve(first)
    return new Promise((resolveWait) => {
      const finish = () => {
        clearTimeout(timer)
        this.events.off('change', finish)
        abort?.removeEventListener('abort', finish)
        resolveWait(this.since(cursor))
      }
      const timer = setTimeout(finish, waitMs)
      this.events.on('change', finish)
      abort?.addEventListener('abort', finish)
    })
  }
}

/** The visit a successful VISIT_WRITES call changed: the answer's noRawat (a new registration), else the input's. */
export function changedVisit(input: unknown, output: unknown): string | null {
  const pick = (v: unknown): string | null => {
    if (!v || typeof v !== 'object') return null
    const o = v as { noRawat?: unknown; input?: unknown }
    if (typeof o.noRawat === 'string') return o.noRawat
    return pick(o.input)
  }
  return pick(output) ?? pick(input)
}

/** Longest a `registration.changes` call waits for a change (below the desk's 15 s round-trip bound, core/hub/desk.ts). */
const CHANGES_MAX_WAIT_MS = 10_000

/**
 * `registration.changes`: waits up to `waitMs` for a visit change after `cursor`, then answers the rows to merge.
 * `full`: the cursor was null or unknown (a restart, too far behind), so `rows` is the whole of today's list;
 * otherwise `rows` are today's rows of the changed visits and `gone` the changed visits no longer in today's list.
 * The cursor is taken in the same synchronous step as the read, so no change falls between the two.
 */
export async function registrationChanges(
  db: DB,
  feed: ChangeFeed,
  input: { cursor: string | null; waitMs: number },
  now: () => number = Date.now,
): Promise<RegistrationChanges> {
  await feed.wait(input.cursor, Math.min(input.waitMs, CHANGES_MAX_WAIT_MS))
  const { cursor, changed } = feed.since(input.cursor)
  if (changed === null) return { cursor, full: true, rows: todayRegistrations(db, now()), gone: [] }
  const rows = changed.length ? todayRegistrations(db, now(), changed) : []
  const present = new Set(rows.map((r) => r.noRawat))
  return { cursor, full: false, rows, gone: changed.filter((n) => !present.has(n)) }
}
