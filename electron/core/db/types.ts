import type { Database } from 'better-sqlite3'

/** One schema step. `up` runs inside the migration transaction; it must not commit or open its own. */
export interface Migration {
  version: number
  name: string
  up(db: Database): void
}
