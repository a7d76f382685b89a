import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { Channel, DiagnosaHit, OutboxFilter, OutboxRow, Output, PatientCheck, RegistrationRow, Role, SyncStatus } from '../../contract'
import { VISIT_WRITES } from '../clinic/changes'
import { CredentialStore, lazyKeytar } from '../credentials'
import { isEncryptedDatabase, openDatabase, type DB } from '../db'
import { AppError, msg } from '../errors'
import { parseChannelInput } from '../ipc/dispatch'
import type { Logger } from '../log'
import { diagnosaHits } from '../reference/queries'
import { cancel, listOutbox, outboxDetail, resend } from '../sync/admin'
import { OutboxStore } from '../sync/outbox'
import type { Scheduler } from '../sync/scheduler'
import { TargetWorker } from '../sync/worker'
import { DESK_APPLY_ROLES, type DeskApplyChannel } from './apply'
import { HubClient, type DeskPairing, type HubCallResult } from './desk'
import { cardOffline, deskHubStatus, examineOffline, hubExecutor, hubNoRawat, recalled, recordDelivery, registerOffline, remember, rememberDiagnoses } from './offline'

/** The desk's own database file in its data folder (encrypted with the desk's own keychain key). */
const DESK_DB_FILE = 'desk.db'
/**
 * desk_cache key of the hub's app.info answer, kept under kind `reference` (the migration's CHECK names three kinds;
 * app.info is as slow-changing as the reference lists and refreshed with them).
 */
const APP_INFO_KEY = 'app.info'
/** How often a connected desk re-reads its caches besides each change-feed wake (issue 16: every 5 min). */
const CACHE_REFRESH_MS = 5 * 60 * 1000

/**
 * The writes a desk keeps while the hub is away, with who may make them: the hub's own rule for their replay
 * (apply.ts), so a write the desk accepts is not refused later for its role.
 */
const OFFLINE_WRITES: Record<DeskApplyChannel, readonly Role[]> = DESK_APPLY_ROLES

export interface DeskNodeOptions {
  dataDir: string
  pairing: DeskPairing
  /** desk.db's key (CredentialStore on the desk's own keychain service); omitted only by unit tests (plain file). */
  dbKey?: Buffer
  log?: Logger
  scheduler?: Scheduler
  /** Outbox scan and offline probe intervals of the `hub` worker (backoff.ts defaults). */
  pollMs?: number
  probeMs?: number
  /** Cache refresh interval while connected; CACHE_REFRESH_MS by default. */
  refreshMs?: number
  /** Something a page shows changed (the hub came back or went away, a replay settled). */
  onChange?: () => void
}

type Answer = HubCallResult

/** The keychain service a desk keeps its own items under (desk.db's key), apart from a hub's or standalone PC's. */
const DESK_KEYCHAIN_SERVICE = 'id.faskes.desk'

/**
 * Opens the desk's store with desk.db's key from the OS keychain (its own item, minted at the first start; the same
 * refusal as faskes.db when the file is encrypted and the key is gone) and starts it.
 */
export async function openDeskNode(options: Omit<DeskNodeOptions, 'dbKey'>): Promise<DeskNode> {
  const file = join(options.dataDir, DESK_DB_FILE)
  const dbKey = await new CredentialStore(lazyKeytar(), DESK_KEYCHAIN_SERVICE).databaseKey(() => isEncryptedDatabase(file))
  const node = new DeskNode({ ...options, dbKey })
  node.start()
  return node
}

/** desk_cache key (kind 'reference') of the hub's last `doctors.schedule` answer for a poli. */
const scheduleKey = (kdPoli: string) => `doctors.schedule:${kdPoli}`

const ok = (value: unknown): Answer => ({ result: { ok: true, value } })
const refused = (err: AppError): Answer => ({ result: { ok: false, error: err.toShape() } })
const tokenKey = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * A desk process (issue 16, Deliver 3): every call goes to the hub while it answers, and the answers a desk needs when
 * it does not are cached in desk.db. When the hub is away the desk still checks a card (the last hub answer with its
 * time), registers and records examinations: those go into the desk's outbox (target `hub`), which one TargetWorker
 * sends to the hub one at a time, in order, exactly once (offline.ts, apply.ts). Everything else is refused with
 * hub.offlineRefused. Users already signed in at this desk keep working (the desk remembers, in memory, which user a
 * session token belonged to at the hub's last answer); a new sign-in needs the hub.
 */
export class DeskNode {
  readonly db: DB
  readonly client: HubClient
  readonly worker: TargetWorker
  private readonly users = new Map<string, { username: string; role: Role }>()
  /** A signed-in session the cache refresh reads with (the hub's lists need a user). */
  private refreshSession: string | undefined
  /** The page language the hub last answered with (auth.me), so the desk's offline answer keeps it. */
  private locale: 'id' | 'en' = 'id'
  private stopped = true
  private refreshTimer: ReturnType<typeof setTimeout> | null = null
  /**
   * The offline change feed (offlineChanges): a count of the visit writes made at this desk while the hub is away,
   * under this process's epoch, and the long-polls waiting for the next one (or for the hub to answer again).
   */
  private readonly localEpoch = Date.now().toString(36)
  private localWrites = 0
  private readonly localWaiters = new Set<() => void>()

  constructor(private readonly options: DeskNodeOptions) {
    this.db = openDatabase(join(options.dataDir, DESK_DB_FILE), { key: options.dbKey })
    this.client = new HubClient(options.dataDir, options.pairing)
    const store = new OutboxStore(this.db)
    const client = this.client
    this.worker = new TargetWorker(
      this.db,
      store,
      hubExecutor(this.db, {
        apply: (request) => client.apply(request),
        // Any answer of the hub counts (auth.me is public): only a failed round trip means it is away.
        reachable: async () => {
          const r = (await client.call('auth.me', {}, undefined)).result
          return r.ok || r.error.key !== 'hub.unreachable'
        },
      }),
      { concurrency: 1, pollMs: options.pollMs, probeMs: options.probeMs, scheduler: options.scheduler, log: options.log, onChange: () => options.onChange?.() },
    )
  }

  get deskId(): string {
    return this.options.pairing.deskId
  }

  /** The pairing this desk works under (desk.json). */
  get pairing(): DeskPairing {
    return this.options.pairing
  }

  /** Starts sending the outbox, watching the hub's change feed and refreshing the caches. */
  start(): void {
    this.stopped = false
    this.worker.start()
    void this.watch()
    this.scheduleRefresh()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.wakeLocalWaiters()
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    await this.worker.stop()
    this.client.close()
    this.db.close()
  }

  /** How many of this desk's calls wait for the hub. */
  waiting(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM outbox WHERE target = 'hub' AND status NOT IN ('done', 'cancelled')").get() as { n: number }).n
  }

  /**
   * One call from the desk's page. Writes the desk may make offline go to the outbox while earlier ones still wait
   * (so the hub gets them in the desk's order), else to the hub. A call the hub cannot take because it is away is
   * answered from desk.db, or refused with hub.offlineRefused.
   */
  async call(channel: string, input: unknown, session: string | undefined): Promise<Answer> {
    if (isOfflineWrite(channel) && this.waiting() > 0) return this.offline(channel, input, session)
    if (channel.startsWith('outbox.')) {
      const own = this.ownOutbox(channel, input, session)
      if (own) return own
    }
    const answer = await this.client.call(channel, withHubIds(this.db, input), session)
    const r = answer.result
    if (!r.ok && r.error.code === 'UNAVAILABLE' && r.error.key === 'hub.unreachable') {
      this.worker.observe(false)
      this.options.onChange?.()
      return channel === 'registration.changes' ? this.offlineChanges(input, session) : this.offline(channel, input, session)
    }
    this.worker.observe(true)
    // The hub answers again: a page waiting in the offline feed goes back to the hub's.
    this.wakeLocalWaiters()
    this.learn(channel, input, answer, session)
    if (r.ok && VISIT_WRITES.has(channel as Channel)) recordDelivery(this.db)
    if (channel === 'examination.save' && r.ok) return ok({ ...(r.value as object), savedAt: 'hub' })
    if (channel === 'sync.status' && r.ok) {
      const status = r.value as SyncStatus
      return ok({ ...status, targets: [...status.targets, deskHubStatus(this.db, true)] })
    }
    if (channel === 'outbox.list' && r.ok && (input as OutboxFilter | null)?.target !== undefined && (input as OutboxFilter).target !== 'hub') return answer
    if (channel === 'outbox.list' && r.ok) {
      // The desk's own jobs beside the hub's, under negative ids (see ownOutbox), newest first as the hub's.
      const mine = listOutbox(this.db, { ...(input as OutboxFilter), target: 'hub' }).map(deskRow)
      return ok([...mine, ...(r.value as OutboxRow[])])
    }
    return answer
  }

  /**
   * The admin's outbox page at a desk also shows the desk's own `hub` jobs (a refused replay waits for a person and
   * holds the desk's later ones), under negative ids so they cannot be taken for the hub's: detail, resend and cancel
   * of a negative id act on desk.db, the rest goes to the hub. Admins only (the role the hub last named for this
   * session); null when the call has nothing of the desk's.
   */
  private ownOutbox(channel: string, input: unknown, session: string | undefined): Answer | null {
    const ids = channel === 'outbox.detail' ? [(input as { id?: unknown })?.id] : ((input as { ids?: unknown })?.ids as unknown[] | undefined)
    const own = Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number' && id < 0) : []
    if (own.length === 0 || channel === 'outbox.list') return null
    const user = session ? this.users.get(tokenKey(session)) : undefined
    if (!user) return refused(new AppError('UNAUTHENTICATED', msg('auth.signInFirst')))
    if (user.role !== 'admin') return refused(new AppError('FORBIDDEN', msg('auth.forbidden')))
    if (own.length !== ids!.length) return refused(new AppError('INVALID_INPUT', msg('err.invalidInput')))
    try {
      const local = own.map((id) => -id)
      if (channel === 'outbox.detail') {
        return ok(deskRow(outboxDetail(this.db, local[0]!)))
      }
      if (channel === 'outbox.resend') {
        const r = resend(this.db, local, user.username)
        this.worker.kick()
        return ok({ ...r, resent: r.resent.map((id) => -id) })
      }
      if (channel === 'outbox.cancel') {
        const reason = String((input as { reason?: unknown }).reason ?? '').trim()
        if (reason.length < 3) return refused(new AppError('INVALID_INPUT', msg('err.invalidInput')))
        const r = cancel(this.db, local, user.username, reason)
        this.worker.kick()
        return ok({ cancelled: r.cancelled.map((id) => -id) })
      }
      return null
    } catch (err) {
      if (err instanceof AppError) return refused(err)
      throw err
    }
  }

  /** Keeps what the desk will need offline from an answer of the hub. */
  private learn(channel: string, input: unknown, answer: Answer, session: string | undefined): void {
    const r = answer.result
    const token = answer.session === undefined ? session : (answer.session ?? undefined)
    if (answer.session === null && session) this.users.delete(tokenKey(session))
    if (!r.ok) return
    if ((channel === 'auth.me' || channel === 'auth.login') && token) {
      if (channel === 'auth.me') this.locale = (r.value as Output<'auth.me'>).locale
      const user = channel === 'auth.me' ? (r.value as Output<'auth.me'>).user : (r.value as { username: string; role: Role; pending?: unknown })
      if (user && !user.pending) {
        this.users.set(tokenKey(token), { username: user.username, role: user.role })
        this.refreshSession = token
      }
    }
    if (channel === 'patient.check') {
      const check = r.value as PatientCheck
      if (check.patient) remember(this.db, 'card', check.patient.noKartu, check)
      const query = (input as { query?: unknown } | null)?.query
      if (typeof query === 'string' && check.patient && query !== check.patient.noKartu) remember(this.db, 'card', query, check)
    }
    if (channel === 'registration.today') remember(this.db, 'today', '', r.value)
    if (channel === 'reference.lists') remember(this.db, 'reference', '', r.value)
    if (channel === 'reference.diagnosa') rememberDiagnoses(this.db, r.value as DiagnosaHit[])
    // The examination form offers the poli's doctors on today's schedule; the hub refuses any other at replay.
    if (channel === 'doctors.schedule') remember(this.db, 'reference', scheduleKey((r.value as Output<'doctors.schedule'>).kdPoli), r.value)
    // The page's first read after signing in (facility name, kdPPK, locale): without it a reload cannot start.
    if (channel === 'app.info') remember(this.db, 'reference', APP_INFO_KEY, r.value)
  }

  /** The desk's answer while the hub is away (see the class comment). */
  private offline(channel: string, input: unknown, session: string | undefined): Answer {
    const user = session ? this.users.get(tokenKey(session)) : undefined
    try {
      if (channel === 'sync.status') return ok({ targets: [deskHubStatus(this.db, this.worker.online === true ? null : false)], referenceAt: recalled(this.db, 'reference', '')?.checkedAt ?? null })
      if (channel === 'auth.me') {
        return ok({ user: user ? { username: user.username, role: user.role } : null, setupRequired: false, setupCodeRequired: false, locale: this.locale })
      }
      if (channel === 'auth.login' || channel === 'auth.setup') throw new AppError('UNAVAILABLE', msg('hub.offlineNoSession'))
      if (!user) throw new AppError('UNAUTHENTICATED', msg('hub.offlineNoSession'))
      if (isOfflineWrite(channel)) {
        if (!OFFLINE_WRITES[channel].includes(user.role)) throw new AppError('FORBIDDEN', msg('auth.forbidden'))
        // The contract's checks now, as online: a job the hub would refuse for its shape would hold every later one.
        const parsed = parseChannelInput(channel, input)
        if (!parsed.ok) return { result: parsed }
        // Stored as typed (the hub parses it again at replay), not as parsed: defaults are the hub's to fill.
        const value =
          channel === 'registration.create'
            ? registerOffline(this.db, this.deskId, user.username, input as { noKartu: string; kdPoli: string })
            : { ...examineOffline(this.db, this.deskId, user.username, input as { noRawat: string }), savedAt: 'desk' }
        this.worker.kick()
        this.options.onChange?.()
        this.localWrites += 1
        this.wakeLocalWaiters()
        return ok(value)
      }
      if (channel === 'patient.check') {
        const query = String((input as { query?: unknown } | null)?.query ?? '')
        // A card number this desk never saw checked: no status to show, and the page offers what the desk can do,
        // register it as unverified (checkMode 'unverified'; registerOffline accepts it; the hub checks it with PCare).
        if (/^\d{13}$/.test(query) && !recalled(this.db, 'card', query)) return ok(this.unknownCard(query))
        const cached = cardOffline<PatientCheck>(this.db, query)
        return ok({ ...cached.value, source: 'cache', checkedAt: cached.value.checkedAt ?? cached.checkedAt, pcareError: 'hub unreachable', fromDesk: true })
      }
      if (channel === 'registration.today') return ok(this.todayOffline())
      if (channel === 'registration.changes') return ok({ cursor: this.localCursor(), full: true, rows: this.todayOffline(), gone: [] })
      // The examination form cannot be saved without a diagnosis: the desk searches the diagnoses it has seen.
      if (channel === 'reference.diagnosa') {
        const parsed = parseChannelInput(channel, input)
        return parsed.ok ? ok(diagnosaHits(this.db, parsed.value, undefined)) : { result: parsed }
      }
      // Without it the page offers the whole doctor list, and a doctor off today's schedule is refused at replay
      // (dokter.notOnSchedule), which holds every later call of this desk.
      if (channel === 'doctors.schedule') {
        const cached = recalled<Output<'doctors.schedule'>>(this.db, 'reference', scheduleKey(String((input as { kdPoli?: unknown } | null)?.kdPoli ?? '')))
        if (cached) return ok({ ...cached.value, source: 'cache', fetchedAt: cached.value.fetchedAt ?? cached.checkedAt, error: 'hub unreachable', fromDesk: true })
      }
      if (channel === 'reference.lists' || channel === 'app.info') {
        const cached = recalled(this.db, 'reference', channel === 'app.info' ? APP_INFO_KEY : '')
        if (cached) return ok(cached.value)
      }
      throw new AppError('UNAVAILABLE', msg('hub.offlineRefused'))
    } catch (err) {
      if (err instanceof AppError) return refused(err)
      throw err
    }
  }

  /** The offline feed's cursor: this process's epoch and its count of offline visit writes. */
  private localCursor(): string {
    return `offline:${this.localEpoch}:${this.localWrites}`
  }

  private wakeLocalWaiters(): void {
    for (const wake of [...this.localWaiters]) wake()
  }

  /**
   * registration.changes while the hub is away, a long-poll like the hub's: a cursor of this feed that is still
   * current waits (at most the call's waitMs) for a visit write at this desk, or for the hub to answer again, and
   * answers the whole list if a write came, else no change. Answering the whole list at once every time made each
   * desk page ask again without pause for as long as the hub was away.
   */
  private async offlineChanges(input: unknown, session: string | undefined): Promise<Answer> {
    const first = this.offline('registration.changes', input, session)
    const parsed = parseChannelInput('registration.changes', input)
    if (!first.result.ok || !parsed.ok || parsed.value.cursor !== this.localCursor()) return first
    if (parsed.value.waitMs > 0 && !this.stopped) {
      await new Promise<void>((done) => {
        const wake = () => {
          clearTimeout(timer)
          this.localWaiters.delete(wake)
          done()
        }
        const timer = setTimeout(wake, parsed.value.waitMs)
        this.localWaiters.add(wake)
      })
    }
    if (parsed.value.cursor === this.localCursor()) return ok({ cursor: parsed.value.cursor, full: false, rows: [], gone: [] })
    return this.offline('registration.changes', input, session)
  }

  /** The offline answer for a card number never checked at this desk: no status, and today's visits of it known here. */
  private unknownCard(noKartu: string): PatientCheck {
    const registeredToday = this.todayOffline()
      .filter((r) => r.noKartu === noKartu && r.status !== 'cancelled')
      .map((r) => ({ noRawat: r.noRawat, kdPoli: r.kdPoli, nmPoli: r.nmPoli }))
    const ledger = { status: null, checkedAt: null, source: 'none' as const, error: 'hub unreachable', problem: null }
    return { source: 'none', notFound: false, checkedAt: null, pcareError: 'hub unreachable', patient: null, ledger, registeredToday, fromDesk: true }
  }

  /** Today's list as last read from the hub, with the visits started here since and not yet in it. */
  private todayOffline(): RegistrationRow[] {
    const rows = recalled<RegistrationRow[]>(this.db, 'today', '')?.value ?? []
    const known = new Set(rows.map((r) => r.noRawat))
    const mine = this.db.prepare('SELECT local_id, no_kartu, kd_poli, tgl_daftar, input, hub_no_rawat, examined, created_at FROM desk_visits ORDER BY created_at').all() as {
      local_id: string
      no_kartu: string
      kd_poli: string
      tgl_daftar: string
      input: string
      hub_no_rawat: string | null
      examined: number
      created_at: number
    }[]
    for (const v of mine) {
      const noRawat = v.hub_no_rawat ?? v.local_id
      if (known.has(noRawat)) continue
      const input = JSON.parse(v.input) as { keluhan?: string; kunjSakit?: boolean; nmPoli?: string; penjamin?: 'bpjs' | 'umum'; kdDokter?: string }
      const card = recalled<PatientCheck>(this.db, 'card', v.no_kartu)?.value.patient
      rows.push({
        noRawat,
        noKartu: v.no_kartu,
        nama: card?.nama ?? null,
        tglDaftar: v.tgl_daftar,
        kdPoli: v.kd_poli,
        nmPoli: input.nmPoli ?? null,
        keluhan: input.keluhan ?? '',
        kunjSakit: input.kunjSakit ?? true,
        noUrut: null,
        sex: card?.sex ?? null,
        tglLahir: card?.tglLahir ?? null,
        penjamin: input.penjamin ?? 'bpjs',
        verification: 'unverified',
        verificationNote: null,
        status: v.examined ? 'examined' : 'registered',
        pcare: 'pending',
        ledger: 'pending',
        createdAt: v.created_at,
        kdDokter: input.kdDokter ?? null,
        calledAt: null,
        callCount: 0,
        attendance: null,
        version: 1,
      })
    }
    return rows
  }

  /** Re-reads the caches from the hub (with the last signed-in session seen here); quiet when the hub is away. */
  async refresh(): Promise<void> {
    const session = this.refreshSession
    if (!session) return
    for (const channel of ['registration.today', 'reference.lists', 'app.info'] as const) {
      const answer = await this.client.call(channel, {}, session)
      if (answer.result.ok) this.learn(channel, {}, answer, session)
      else if (answer.result.error.key === 'hub.unreachable') return this.worker.observe(false)
    }
    this.worker.observe(true)
  }

  private scheduleRefresh(): void {
    if (this.stopped) return
    this.refreshTimer = setTimeout(() => void this.refresh().finally(() => this.scheduleRefresh()), this.options.refreshMs ?? CACHE_REFRESH_MS)
    this.refreshTimer.unref?.()
  }

  /** Follows the hub's change feed (GET /events): each wake refreshes the caches; a failure waits a probe interval. */
  private async watch(): Promise<void> {
    let cursor: string | null = null
    while (!this.stopped) {
      try {
        const next = await this.client.nextChange(cursor)
        if (this.stopped) return
        const woke = cursor !== null
        cursor = next.cursor
        this.worker.observe(true)
        this.wakeLocalWaiters()
        if (woke) await this.refresh()
      } catch {
        if (this.stopped) return
        cursor = null
        await new Promise((r) => setTimeout(r, this.options.probeMs ?? 5_000).unref?.())
      }
    }
  }
}

/** A row of the desk's own outbox as the admin page sees it at a desk: its ids negated (DeskNode.ownOutbox). */
function deskRow<T extends Pick<OutboxRow, 'id' | 'blockedBy'>>(row: T): T {
  return { ...row, id: -row.id, blockedBy: row.blockedBy ? { ...row.blockedBy, id: -row.blockedBy.id } : null }
}

function isOfflineWrite(channel: string): channel is keyof typeof OFFLINE_WRITES {
  return Object.hasOwn(OFFLINE_WRITES, channel)
}

/** A call's input with a visit's local id replaced by the hub's noRawat once the hub named it (offline.ts). */
function withHubIds(db: DB, input: unknown): unknown {
  if (!input || typeof input !== 'object' || typeof (input as { noRawat?: unknown }).noRawat !== 'string') return input
  const o = input as { noRawat: string }
  return { ...o, noRawat: hubNoRawat(db, o.noRawat) }
}
