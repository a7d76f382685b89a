import type { DB } from '../db'
import type { Logger } from '../log'
import { effectiveMspId, ensureDemoIdentity, identitySigner, kdppkMismatch, renewIfDue, settingsCa, type LedgerKeychain } from '../ledger/enrolment'
import { connectLedger, type LedgerConnection } from '../ledger/gateway'
import { LEDGER_CHAINCODE, localPeerProfile, type LedgerProfile } from '../ledger/profile'
import { AntreanClient, PcareClient } from '../pcare'
import { antreanBaseUrlFor } from '../pcare/config'
import type { AntreanCredentials, PcareCredentials } from '../pcare/credentials'
import { AppError, msg } from '../errors'
import { ReferenceAutoRefresh, type AutoRefreshOptions } from '../reference/auto'
import type { Settings } from '../../contract'
import type { SettingsStore } from '../settings'
import { LEDGER_BATCH, type BackoffOptions } from './backoff'
import { ChainEventListener } from './events'
import { GroupCommit } from './group-commit'
import { SendError } from './executor'
import { batchingLedgerExecutor, type LedgerBatchOptions } from './ledger-batch'
import { ledgerExecutor } from './ledger-executor'
import { OutboxStore, type Target } from './outbox'
import { antreanExecutor, pcareExecutor } from './pcare-executor'
import { satusehatExecutor } from './satusehat-executor'
import { SatusehatClient } from '../satusehat'
import { SATUSEHAT_HOSTS } from '../satusehat/config'
import type { SatusehatCredentials } from '../satusehat/token'
import { realScheduler, type Scheduler } from './scheduler'
import type { Connectivity } from './status'
import { TargetWorker } from './worker'

/** Where the remotes are. In demo mode the run command supplies the simulator and the local Fabric network. */
export interface Remotes {
  /** PCare simulator (demo): used while settings.pcare.baseUrl is null. Its credentials are fake test values. */
  demoPcare?: { baseUrl: string; antreanBaseUrl: string; credentials: PcareCredentials; antreanCredentials: AntreanCredentials }
  /** SATUSEHAT simulator (demo): used while settings.satusehat.environment is 'demo'. Its credentials are fake test values. */
  demoSatusehat?: { authBase: string; fhirBase: string; kfaBase: string; orgId: string; credentials: SatusehatCredentials }
  /** Local Fabric network (demo): used while settings.ledger.peerEndpoint is null. */
  demoLedger?: { runtimeDir: string }
  /**
   * Real credentials from the OS keychain (CredentialStore). The ledger identity's items (LedgerKeychain) are needed
   * for any ledger send, the demo's included: its enrolled key is kept there like a real one.
   */
  keychain?: {
    pcare(): Promise<PcareCredentials | null>
    antrean(): Promise<AntreanCredentials | null>
    satusehat?(): Promise<SatusehatCredentials | null>
  } & Partial<LedgerKeychain>
}

/** How often a running engine checks whether the ledger certificate is due for re-enrolment (also at connect). */
const RENEW_CHECK_MS = 24 * 60 * 60 * 1000

function ledgerKeychain(k: Remotes['keychain']): LedgerKeychain | null {
  return k?.fabricKey && k.setFabricIdentity && k.fabricPin && k.setFabricPin ? (k as LedgerKeychain) : null
}

export interface EngineOptions {
  concurrency?: Partial<Record<Target, number>>
  /** Outbox scan interval (POLL_INTERVAL_MS by default, backoff.ts). */
  pollMs?: number
  /** Probe interval of an offline worker, and the chain-event listener's first reconnect delay (PROBE_INTERVAL_MS). */
  probeMs?: number
  backoff?: BackoffOptions
  /** Clock and timers of the workers, the ledger executor's in-place repeats and the event listener; real by default. */
  scheduler?: Scheduler
  pcareTimeoutMs?: number
  /**
   * Test speed only: how long after a failed SATUSEHAT token call no new one is tried (the platform's one attempt a
   * minute, 60 000 ms, by default; reference §1.2).
   */
  satusehatTokenFailureWaitMs?: number
  log?: Logger
  /** A worker's view changed; after a chain's run, with its chain key (worker.ts WorkerOptions.onChange). */
  onChange?: (chainKey?: string) => void
  /**
   * Ledger jobs go out as Batch:Submit transactions (sync/ledger-batch.ts; LEDGER_BATCH in backoff.ts by default);
   * false sends each job as its own transaction.
   */
  ledgerBatch?: Partial<LedgerBatchOptions> | false
  /**
   * Keep the PCare reference lists filled and fresh by themselves (the app turns this on; sync tests and the
   * headless drain leave it off so their request counts and injected faults stay theirs).
   */
  referenceRefresh?: AutoRefreshOptions
}

/**
 * The sync engine: one worker per target over the same outbox, clients built from settings + credentials at send
 * time (so an admin's change applies to the next send). Runs in Electron's main process or headless (CLI, tests).
 */
export class SyncEngine {
  readonly store: OutboxStore
  /** The faskes's remotes; a desk's `hub` target has its own worker (core/hub/offline.ts), never this engine's. */
  readonly workers: Record<Exclude<Target, 'hub'>, TargetWorker>
  /** Updates local statuses from ledger events (e.g. a claim BPJS approved), resuming from its SQLite checkpoint. */
  readonly events: ChainEventListener
  /** Fetches reference data when a list is empty or stale; null unless `referenceRefresh` was given. */
  readonly reference: ReferenceAutoRefresh | null
  private ledgerConn: { key: string; conn: Promise<LedgerConnection> } | null = null
  private satusehat: { key: string; client: SatusehatClient } | null = null
  /** Whether the keychain holds SATUSEHAT's client credentials: null until read (start, a save, each client build). */
  private satusehatCreds: boolean | null = null
  private renewTimer: unknown = null

  constructor(
    db: DB,
    private readonly settings: SettingsStore,
    private readonly remotes: Remotes,
    private readonly options: EngineOptions = {},
  ) {
    this.store = new OutboxStore(db)
    // One group commit for the four workers: their outbox state writes of one turn share a transaction and its fsync.
    const commits = new GroupCommit(db)
    const common = { pollMs: options.pollMs, probeMs: options.probeMs, backoff: options.backoff, scheduler: options.scheduler, log: options.log, onChange: options.onChange, commits }
    // SATUSEHAT: four visits at a time (one chain per visit, so a visit's own jobs stay in order), all on the one
    // cached client and its token. Its quotas are not published: a 429 holds that job until its Retry-After
    // (classifier rate_limited, backoff.ts retryDelayMs). Measured in bench/sync-catchup.ts (docs/satusehat.md).
    // Ledger: with batching, two full batches in flight (one commits while the next fills); else the pipelining depth.
    // PCare: eight visits at a time. BPJS documents no limit; why 8 and what it buys after an outage: docs/pcare.md
    // (Requests at once). A 429 holds only its own job until Retry-After.
    const batch = options.ledgerBatch === false ? null : { ...LEDGER_BATCH, ...options.ledgerBatch }
    const c = { ledger: batch ? 2 * batch.maxItems : 16, pcare: 8, antrean: 2, satusehat: 4, ...options.concurrency }
    const ledgerSingle = ledgerExecutor(() => this.ledger(), options.scheduler)
    this.workers = {
      pcare: new TargetWorker(db, this.store, pcareExecutor(db, () => this.pcareClient()), { ...common, concurrency: c.pcare }),
      antrean: new TargetWorker(db, this.store, antreanExecutor(db, () => this.antreanClient()), { ...common, concurrency: c.antrean }),
      ledger: new TargetWorker(
        db,
        this.store,
        batch ? batchingLedgerExecutor(ledgerSingle, () => this.ledger(), batch, options.scheduler, options.log) : ledgerSingle,
        { ...common, concurrency: c.ledger },
      ),
      satusehat: new TargetWorker(db, this.store, satusehatExecutor(db, () => this.satusehatClient()), { ...common, concurrency: c.satusehat }),
    }
    this.events = new ChainEventListener(db, () => this.ledger(), { log: options.log, retryMs: options.probeMs, scheduler: options.scheduler })
    this.reference = options.referenceRefresh
      ? new ReferenceAutoRefresh(db, () => this.pcareClient(), { log: options.log, onChange: options.onChange, scheduler: options.scheduler, ...options.referenceRefresh })
      : null
  }

  start(options: { events?: boolean } = {}): void {
    for (const w of Object.values(this.workers)) w.start()
    if (options.events ?? true) this.events.start()
    this.reference?.start()
    this.scheduleRenewal()
    void this.refreshSatusehatCredentials()
  }

  /** Re-reads whether SATUSEHAT's credentials are in the keychain (after a save, at start); an unreadable keychain leaves it unknown. */
  async refreshSatusehatCredentials(): Promise<void> {
    try {
      this.satusehatCreds = (await this.remotes.keychain?.satusehat?.()) != null
    } catch {
      this.satusehatCreds = null
    }
  }

  /** The daily re-enrolment check (the connect-time one is in ledger()); a due renewal reconnects on the next send. */
  private scheduleRenewal(): void {
    const scheduler = this.options.scheduler ?? realScheduler
    this.renewTimer = scheduler.setTimeout(() => {
      void this.renewLedgerIdentity().finally(() => this.scheduleRenewal())
    }, RENEW_CHECK_MS)
    ;(this.renewTimer as { unref?: () => void })?.unref?.()
  }

  /** Re-enrols the stored ledger identity if due (enrolment.ts renewIfDue); failures are logged and retried next time. */
  private async renewLedgerIdentity(): Promise<void> {
    const keychain = ledgerKeychain(this.remotes.keychain)
    const all = this.settings.get()
    const s = all.ledger
    if (!keychain || s.identity.kind === 'none') return
    try {
      if (s.peerEndpoint === null) {
        if (this.remotes.demoLedger) await ensureDemoIdentity({ settings: this.settings, keychain }, this.remotes.demoLedger.runtimeDir)
      } else if (s.caUrl && s.caTlsCaPem) await renewIfDue({ settings: this.settings, keychain }, settingsCa(s))
    } catch (err) {
      this.options.log?.warn('ledger re-enrolment failed; the current certificate is used until it works', { error: err instanceof Error ? err.message : String(err) })
    }
  }
  async stop(): Promise<void> {
    if (this.renewTimer !== null) (this.options.scheduler ?? realScheduler).clearTimeout(this.renewTimer)
    this.renewTimer = null
    await Promise.all([...Object.values(this.workers).map((w) => w.stop()), this.events.stop(), this.reference?.stop()])
    if (this.ledgerConn) (await this.ledgerConn.conn.catch(() => null))?.close()
    this.ledgerConn = null
  }
  /** New work was written: start on it now rather than at the next poll. */
  kick(): void {
    for (const w of Object.values(this.workers)) w.kick()
  }
  connectivity(): Connectivity {
    return {
      ledger: this.workers.ledger.online,
      pcare: this.workers.pcare.online,
      antrean: this.workers.antrean.online,
      satusehat: this.workers.satusehat.online,
      unconfigured: this.satusehatConfigured() ? [] : ['satusehat'],
    }
  }

  /**
   * Whether SATUSEHAT has what a send needs, by satusehatClient's own rules without its keychain read (satusehatSetup,
   * and credentials not known to be missing). A lane without them is shown "not configured", never "connected" from an
   * older state.
   */
  private satusehatConfigured(): boolean {
    const setup = satusehatSetup(this.settings.get().satusehat, this.remotes.demoSatusehat)
    return setup !== null && (setup.demo !== undefined || this.satusehatCreds !== false)
  }
  get idle(): boolean {
    return Object.values(this.workers).every((w) => w.idle)
  }

  private async pcareCreds(): Promise<{ baseUrl: string; antreanBaseUrl: string; creds: PcareCredentials; antrean: AntreanCredentials | null }> {
    const s = this.settings.get().pcare
    if (s.baseUrl === null) {
      const demo = this.remotes.demoPcare
      if (!demo) throw new AppError('UNAVAILABLE', msg('remote.pcareUnconfigured'))
      return { baseUrl: demo.baseUrl, antreanBaseUrl: demo.antreanBaseUrl, creds: demo.credentials, antrean: demo.antreanCredentials }
    }
    const creds = await this.remotes.keychain?.pcare()
    if (!creds) throw new AppError('UNAVAILABLE', msg('remote.pcareNoCredentials'))
    // No Antrean URL in the settings: the Antrean FKTP service beside this PCare (never PCare's own path).
    return { baseUrl: s.baseUrl, antreanBaseUrl: s.antreanBaseUrl ?? antreanBaseUrlFor(s.baseUrl), creds, antrean: (await this.remotes.keychain?.antrean()) ?? null }
  }

  /** Also used for interactive reads (eligibility), which never go through the outbox. */
  async pcareClient(): Promise<PcareClient> {
    const s = this.settings.get().pcare
    const r = await this.pcareCreds()
    const timeout = this.options.pcareTimeoutMs ?? s.timeoutMs
    return new PcareClient({
      credentials: r.creds,
      config: {
        baseUrl: r.baseUrl,
        antreanBaseUrl: r.antreanBaseUrl,
        kunjunganPath: s.kunjunganPath,
        postContentType: s.postContentType,
        timeouts: { headersMs: Math.min(10_000, timeout), totalMs: timeout },
      },
      logger: this.options.log,
    })
  }

  /**
   * The SATUSEHAT client, kept while its settings and credentials stay the same so its token is reused across sends
   * (the platform allows one token attempt a minute after a failure; docs/satusehat.md). Also used by the setup and
   * the operators' CLI. UNAVAILABLE when SATUSEHAT has no organization id, credentials or (demo) simulator.
   */
  async satusehatClient(): Promise<SatusehatClient> {
    const s = this.settings.get().satusehat
    const setup = satusehatSetup(s, this.remotes.demoSatusehat)
    let credentials = setup?.demo?.credentials
    // Outside the demo the keychain is read first, so missing credentials are named even when more is missing.
    if (s.environment !== 'demo') {
      credentials = (await this.remotes.keychain?.satusehat?.()) ?? undefined
      this.satusehatCreds = credentials !== undefined
      if (!credentials) throw new AppError('UNAVAILABLE', msg('remote.satusehatNoCredentials'))
    }
    if (!setup || !credentials) throw new AppError('UNAVAILABLE', msg('remote.satusehatUnconfigured'))
    const config = {
      ...setup.hosts,
      orgId: setup.orgId,
      zone: s.zone,
      encounterStyle: s.encounterStyle,
      timeStyle: s.timeStyle,
      timeouts: { headersMs: Math.min(15_000, s.timeoutMs), totalMs: s.timeoutMs },
      ...(this.options.satusehatTokenFailureWaitMs !== undefined ? { tokenFailureWaitMs: this.options.satusehatTokenFailureWaitMs } : {}),
    }
    // Rebuilt when the settings or the credentials change; the key (it holds the secret) stays in this object.
    const key = JSON.stringify({ config, credentials })
    if (this.satusehat?.key !== key) this.satusehat = { key, client: new SatusehatClient({ config, credentials, logger: this.options.log }) }
    return this.satusehat.client
  }

  /** Also used for interactive reads (the doctors' schedule) besides the antrean outbox worker. */
  async antreanClient(): Promise<AntreanClient> {
    const s = this.settings.get().pcare
    const r = await this.pcareCreds()
    if (!r.antrean) throw new AppError('UNAVAILABLE', msg('remote.antreanNoCredentials'))
    const timeout = this.options.pcareTimeoutMs ?? s.timeoutMs
    return new AntreanClient({
      credentials: r.antrean,
      config: { baseUrl: r.baseUrl, antreanBaseUrl: r.antreanBaseUrl, timeouts: { headersMs: Math.min(10_000, timeout), totalMs: timeout } },
      logger: this.options.log,
    })
  }

  /**
   * One gateway connection, rebuilt when the ledger settings (or the faskes code) change. It signs as the enrolled
   * identity: with no peer configured, the demo identity from the local CA (enrolled here on first use); otherwise
   * the one "Daftarkan workstation" stored, re-enrolled first when it is due.
   */
  ledger(): Promise<LedgerConnection> {
    const all = this.settings.get()
    const key = ledgerConnKey(all)
    if (this.ledgerConn?.key === key) return this.ledgerConn.conn
    const old = this.ledgerConn
    const s = all.ledger
    const conn = (async () => {
      if (old) (await old.conn.catch(() => null))?.close()
      const keychain = ledgerKeychain(this.remotes.keychain)
      if (s.peerEndpoint === null && !this.remotes.demoLedger) throw new AppError('UNAVAILABLE', msg('remote.ledgerUnconfigured'))
      if (!keychain) throw new AppError('UNAVAILABLE', msg('remote.fabricNoIdentity'))
      const deps = { settings: this.settings, keychain }
      let profile: LedgerProfile
      if (s.peerEndpoint === null) {
        const runtimeDir = this.remotes.demoLedger!.runtimeDir
        await ensureDemoIdentity(deps, runtimeDir)
        profile = localPeerProfile(s.org, { channel: s.channel, mspId: effectiveMspId(s), runtimeDir })
      } else {
        if (!s.peerTlsCaPem) throw new AppError('UNAVAILABLE', msg('remote.ledgerTlsUnset'))
        // The chaincode takes the faskes code of every write from the certificate, so a code changed in the settings
        // after enrolment must not go out under the old one: nothing is sent (the ledger waits, probed) until the
        // workstation is enrolled again for the settings' code. The demo path re-enrols by itself instead.
        if (kdppkMismatch(all) && s.identity.kind !== 'none') {
          throw new SendError('transient', 'IDENTITY_KDPPK_MISMATCH', `certificate ${s.identity.kdPPK ?? '-'}, settings ${all.kdPPK ?? '-'}`, { offline: true })
        }
        if (s.identity.kind !== 'none' && s.caUrl && s.caTlsCaPem) {
          // A failed renewal must not stop the sends: the current certificate is still valid for a while.
          await renewIfDue(deps, settingsCa(s)).catch((err: unknown) => this.options.log?.warn('ledger re-enrolment failed', { error: err instanceof Error ? err.message : String(err) }))
        }
        profile = {
          org: s.org,
          mspId: effectiveMspId(s),
          peerEndpoint: s.peerEndpoint,
          hostAlias: s.tlsServerName ?? undefined,
          tlsCaPem: s.peerTlsCaPem,
          channel: s.channel,
          chaincode: LEDGER_CHAINCODE,
        }
      }
      const identity = this.settings.get().ledger.identity
      const signer = identity.kind === 'none' || identity.mspId !== profile.mspId ? null : await identitySigner(identity, s.org, keychain)
      if (!signer) throw new AppError('UNAVAILABLE', msg('remote.fabricNoIdentity'))
      return connectLedger(profile, signer)
    })()
    // A failed connect is retried on the next send instead of being cached.
    conn.then(
      () => {
        // An enrolment or renewal during the connect changed the stored identity: this connection already uses it.
        if (this.ledgerConn?.conn === conn) this.ledgerConn.key = ledgerConnKey(this.settings.get())
      },
      () => {
        if (this.ledgerConn?.conn === conn) this.ledgerConn = null
      },
    )
    this.ledgerConn = { key, conn }
    return conn
  }
}

/**
 * What SATUSEHAT's client is built from, by the settings alone (no keychain read): in the demo, the simulator's
 * organization, addresses and fake credentials; otherwise the saved organization id and the environment's addresses
 * (the custom ones as saved). Null when any of these is missing (remote.satusehatUnconfigured).
 */
function satusehatSetup(
  s: Settings['satusehat'],
  demoSim: Remotes['demoSatusehat'],
): { demo?: NonNullable<Remotes['demoSatusehat']>; orgId: string; hosts: { authBase: string; fhirBase: string; kfaBase: string } } | null {
  const demo = s.environment === 'demo' ? demoSim : undefined
  if (s.environment === 'demo' && !demo) return null
  const orgId = demo ? demo.orgId : s.orgId
  const hosts =
    demo ?? (s.environment === 'custom' ? { authBase: s.authBase, fhirBase: s.fhirBase, kfaBase: s.kfaBase } : SATUSEHAT_HOSTS[s.environment === 'sandbox' ? 'sandbox' : 'production'])
  if (!orgId || !hosts.authBase || !hosts.fhirBase || !hosts.kfaBase) return null
  return { demo, orgId, hosts: { authBase: hosts.authBase, fhirBase: hosts.fhirBase, kfaBase: hosts.kfaBase } }
}

/** What a ledger connection depends on: the ledger settings (identity included) and the faskes code (demo enrolment). */
function ledgerConnKey(s: Settings): string {
  return JSON.stringify({ ledger: s.ledger, kdPPK: s.kdPPK })
}
