import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type DB } from './db'
import { SettingsStore } from './settings'
import type { Connectivity } from './sync/status'

export interface CoreOptions {
  /** Folder for the SQLite file (Electron: app.getPath('userData'); browser shell/tests: a chosen folder). */
  dataDir: string
  version: string
}

/** Everything the handler table needs, built once per process. No Electron in here. */
export interface Core {
  readonly db: DB
  readonly dbFile: string
  readonly version: string
  readonly settings: SettingsStore
  readonly connectivity: Connectivity
  close(): void
}

export function createCore(options: CoreOptions): Core {
  mkdirSync(options.dataDir, { recursive: true })
  const dbFile = join(options.dataDir, 'faskes.db')
  const db = openDatabase(dbFile)
  return {
    db,
    dbFile,
    version: options.version,
    settings: new SettingsStore(db),
    connectivity: {},
    close: () => db.close(),
  }
}
