import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ChangeFeed } from './clinic/changes'
import { CredentialStore, lazyKeytar } from './credentials'
import { DatabaseKeyError, isEncryptedDatabase, openDatabase, type DB } from './db'
import { startCheckpointer } from './db/checkpoint'
import { AppError, msg } from './errors'
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
  /**
   * The 32-byte key faskes.db is encrypted with (CredentialStore.databaseKey). Without it the file is plain, which
   * only unit tests' throwaway folders do: the app, the browser shell and the CLI open through openCore, which
   * fetches it from the keychain.
   */
  dbKey?: Buffer
  log?: Logger
}

/** The workstation's SQLite file inside the data folder. */
const DB_FILE = 'faskes.db'

/**
 * Creates the data folder owner-only (0700), and tightens one made before issue 13 (0755 in headless installs):
 * it holds the database, the first-run setup code and logs. Electron's userData is made by Chromium; this makes sure.
 * Windows ignores the mode bits (the profile folder's ACL applies there).
 */
function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (process.platform !== 'win32') chmodSync(dir, 0o700)
}

/**
 * createCore over an encrypted faskes.db: the install's database key is read from the OS keychain first (minted on
 * the first run, or for a plain file from an older install, which openDatabase then encrypts once). The app, the
 * browser shell, the run command and the CLI open through this. Throws KeychainUnavailableError or
 * KeychainDeadlineError when the keychain fails, AppError db.keyMissing when the keychain has no key for an encrypted
 * file, and AppError db.keyWrong when its key does not open the file (left untouched).
 */
export async function openCore(options: Omit<CoreOptions, 'dbKey'>): Promise<Core> {
  prepareDataDir(options.dataDir)
  const file = join(options.dataDir, DB_FILE)
  const dbKey = await new CredentialStore(lazyKeytar()).databaseKey(() => isEncryptedDatabase(file))
  try {
    return createCore({ ...options, dbKey })
  } catch (err) {
    // Staff see a keyed message, in their language.
    if (err instanceof DatabaseKeyError) throw new AppError('UNAVAILABLE', msg('db.keyWrong'))
    throw err
  }
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
  /** The visits changed in this process (clinic/changes.ts): wakes today's lists here and at a hub's desks. */
  readonly changes: ChangeFeed
  /**
   * The 32-byte key faskes.db was opened with (CoreOptions.dbKey), for the hub's backup copies, which are encrypted
   * with it (hub/backup.ts); undefined for a plain file (unit tests). A secret: never log it.
   */
  databaseKey(): Buffer | undefined
  connectivity(): Connectivity
  close(): Promise<void>
}

export function createCore(options: CoreOptions): Core {
  prepareDataDir(options.dataDir)
  const dbFile = join(options.dataDir, DB_FILE)
  const db = openDatabase(dbFile, { key: options.dbKey })
  // WAL checkpoints run between saves, not inside the save whose COMMIT crosses 1000 pages (issue 17, Deliver 3).
  const checkpointer = startCheckpointer(db)
  const settings = new SettingsStore(db)
  // A missing Secret Service shows up as a clear KeychainUnavailableError at first use, never as a fallback.
  const credentials = (options.keychain ?? true) ? new CredentialStore(lazyKeytar()) : null
  const changes = new ChangeFeed()
  // A chain's send settled: its visit's send state in today's list changed (the feed wakes the lists that show it).
  const onChange = (chainKey?: string) => (changes.recordChain(chainKey), options.engine?.onChange?.(chainKey))
  const engine = options.remotes
    ? new SyncEngine(db, settings, { ...options.remotes, keychain: options.remotes.keychain ?? credentials ?? undefined }, { log: options.log, referenceRefresh: {}, ...options.engine, onChange })
    : null
  return {
    db,
    dbFile,
    version: options.version,
    settings,
    engine,
    credentials,
    changes,
    databaseKey: () => options.dbKey,
    connectivity: () => engine?.connectivity() ?? {},
    /** Without an engine the file is closed before this returns; with one, after the in-flight sends finish. */
    close: () => (engine ? engine.stop().finally(() => (checkpointer.stop(), db.close())) : (checkpointer.stop(), db.close(), Promise.resolve())),
  }
}
