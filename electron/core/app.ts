import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CredentialStore, lazyKeytar } from './credentials'
import { openDatabase, type DB } from './db'
import type { Logger } from './log'
import { SettingsStore } from './settings'
import { SyncEngine, type EngineOptions, type Remotes } from './sync/engine'
import type { Connectivity } from './sync/status'

export interface CoreOptions {
  /** Folder for the SQLite file (Electron: app.getPath('userData'); browser shell/tests: a chosen folder). */
  dataDir: string
  version: string
  /**
   * Where the remotes are. Without it no sync engine runs (unit tests, the plain browser shell); the run command and
   * Electron pass the demo simulator/network or the configured services.
   */
  remotes?: Remotes
  /** Engine tuning; the reference lists refresh themselves unless `referenceRefresh: undefined` is passed. */
  engine?: EngineOptions
  /** Use the OS keychain (loaded lazily, at first use). Default true; false only where a test must not touch it. */
  keychain?: boolean
  log?: Logger
}

/** Everything the handler table needs, built once per process. No Electron in here. */
export interface Core {
  readonly db: DB
  readonly dbFile: string
  readonly version: string
  readonly settings: SettingsStore
  readonly engine: SyncEngine | null
  /** Null when this process was started without keychain access (unit tests). */
  readonly credentials: CredentialStore | null
  connectivity(): Connectivity
  close(): Promise<void>
}

export function createCore(options: CoreOptions): Core {
  mkdirSync(options.dataDir, { recursive: true })
  const dbFile = join(options.dataDir, 'faskes.db')
  const db = openDatabase(dbFile)
  const settings = new SettingsStore(db)
  // A missing Secret Service shows up as a clear KeychainUnavailableError at first use, never as a fallback.
  const credentials = (options.keychain ?? true) ? new CredentialStore(lazyKeytar()) : null
  const engine = options.remotes
    ? new SyncEngine(db, settings, { ...options.remotes, keychain: options.remotes.keychain ?? credentials ?? undefined }, { log: options.log, referenceRefresh: {}, ...options.engine })
    : null
  return {
    db,
    dbFile,
    version: options.version,
    settings,
    engine,
    credentials,
    connectivity: () => engine?.connectivity() ?? {},
    /** Without an engine the file is closed before this returns; with one, after the in-flight sends finish. */
    close: () => (engine ? engine.stop().finally(() => db.close()) : (db.close(), Promise.resolve())),
  }
}
