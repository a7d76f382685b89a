import { readFile } from 'node:fs/promises'
import type { DB } from '../db'
import type { Logger } from '../log'
import { connectLedger, type LedgerConnection } from '../ledger/gateway'
import { localNetworkKeyPath, localNetworkProfile, type LedgerProfile } from '../ledger/profile'
import { AntreanClient, PcareClient } from '../pcare'
import { antreanBaseUrlFor } from '../pcare/config'
import type { AntreanCredentials, PcareCredentials } from '../pcare/credentials'
import { AppError, msg } from '../errors'
import { ReferenceAutoRefresh, type AutoRefreshOptions } from '../reference/auto'
import type { SettingsStore } from '../settings'
import type { BackoffOptions } from './backoff'
import { ChainEventListener } from './events'
import { ledgerExecutor } from './ledger-executor'
import { OutboxStore, type Target } from './outbox'
import { antreanExecutor, pcareExecutor } from './pcare-executor'
import type { Scheduler } from './scheduler'
import type { Connectivity } from './status'
import { TargetWorker } from './worker'

/** Where the remotes are. In demo mode the run command supplies the simulator and the local Fabric network. */
export interface Remotes {
  /** PCare simulator (demo): used while settings.pcare.baseUrl is null. Its credentials are fake test values. */
  demoPcare?: { baseUrl: string; antreanBaseUrl: string; credentials: PcareCredentials; antreanCredentials: AntreanCredentials }
  /** Local Fabric network (demo): used while settings.ledger.peerEndpoint is null. */
  demoLedger?: { runtimeDir: string }
  /** Real credentials from the OS keychain. */
  keychain?: {
    pcare(): Promise<PcareCredentials | null>
    antrean(): Promise<AntreanCredentials | null>
    fabricKey(msp: 'RSMSP' | 'PuskesmasMSP'): Promise<string | null>
  }
  /** Profile for a configured peer (TLS CA and certificate paths); the key comes from the keychain. */
  ledgerProfile?: LedgerProfile
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
  log?: Logger
  onChange?: () => void
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
  readonly workers: Record<Target, TargetWorker>
  /** Updates local statuses from ledger events (e.g. a claim BPJS approved), resuming from its SQLite checkpoint. */
  readonly events: ChainEventListener
  /** Fetches reference data when a list is empty or stale; null unless `referenceRefresh` was given. */
  readonly reference: ReferenceAutoRefresh | null
  private ledgerConn: { key: string; conn: Promise<LedgerConnection> } | null = null

  constructor(
    db: DB,
    private readonly settings: SettingsStore,
    private readonly remotes: Remotes,
    private readonly options: EngineOptions = {},
  ) {
    this.store = new OutboxStore(db)
    const common = { pollMs: options.pollMs, probeMs: options.probeMs, backoff: options.backoff, scheduler: options.scheduler, log: options.log, onChange: options.onChange }
    const c = { ledger: 16, pcare: 4, antrean: 2, ...options.concurrency }
    this.workers = {
      pcare: new TargetWorker(db, this.store, pcareExecutor(db, () => this.pcareClient()), { ...common, concurrency: c.pcare }),
      antrean: new TargetWorker(db, this.store, antreanExecutor(db, () => this.antreanClient()), { ...common, concurrency: c.antrean }),
      ledger: new TargetWorker(db, this.store, ledgerExecutor(() => this.ledger(), options.scheduler), { ...common, concurrency: c.ledger }),
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
  }
  async stop(): Promise<void> {
    await Promise.all([...Object.values(this.workers).map((w) => w.stop()), this.events.stop(), this.reference?.stop()])
    if (this.ledgerConn) (await this.ledgerConn.conn.catch(() => null))?.close()
    this.ledgerConn = null
  }
  /** New work was written: start on it now rather than at the next poll. */
  kick(): void {
    for (const w of Object.values(this.workers)) w.kick()
  }
  connectivity(): Connectivity {
    return { ledger: this.workers.ledger.online, pcare: this.workers.pcare.online, antrean: this.workers.antrean.online }
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

  /** One gateway connection, rebuilt when the ledger settings change. */
  ledger(): Promise<LedgerConnection> {
    const s = this.settings.get().ledger
    const key = JSON.stringify(s)
    if (this.ledgerConn?.key === key) return this.ledgerConn.conn
    const old = this.ledgerConn
    const conn = (async () => {
      if (old) (await old.conn.catch(() => null))?.close()
      if (s.peerEndpoint === null) {
        const demo = this.remotes.demoLedger
        if (!demo) throw new AppError('UNAVAILABLE', msg('remote.ledgerUnconfigured'))
        const profile = localNetworkProfile(s.org, { channel: s.channel, runtimeDir: demo.runtimeDir })
        return connectLedger(profile, await readFile(localNetworkKeyPath(s.org, 'User1', demo.runtimeDir)))
      }
      const profile = this.remotes.ledgerProfile
      const key = await this.remotes.keychain?.fabricKey(s.org === 'RS' ? 'RSMSP' : 'PuskesmasMSP')
      if (!profile || !key) throw new AppError('UNAVAILABLE', msg('remote.fabricNoIdentity'))
      return connectLedger({ ...profile, peerEndpoint: s.peerEndpoint, channel: s.channel }, key)
    })()
    // A failed connect is retried on the next send instead of being cached.
    conn.catch(() => {
      if (this.ledgerConn?.conn === conn) this.ledgerConn = null
    })
    this.ledgerConn = { key, conn }
    return conn
  }
}
