import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { openDatabase, type DB } from '../../electron/core/db'
import { tempDir } from './tmp'

/** The card of the one patient `useClinicDb` puts in the cache (a synthetic 0009999… test card). */
export const CLINIC_CARD = '0009999000001'

/**
 * A fresh, migrated, unencrypted workstation database per test, in its own temp dir, holding one patient the counter
 * has checked with PCare (`CLINIC_CARD`, with a NIK, active, provider 0199B001): what the clinic workflows need before
 * a registration. Registers `beforeEach`/`afterEach` in the calling file (call it at the top level of a test file, or
 * of a `describe`); the returned function gives the current test's database and throws outside a test.
 *
 * Kept apart from `./clinic` (pure inputs) because this loads the native SQLite module, which the e2e suites that import
 * `./clinic` must not load in their Node process.
 */
export function useClinicDb(): () => DB {
  let tmp: ReturnType<typeof tempDir> | undefined
  let db: DB | undefined
  beforeEach(() => {
    tmp = tempDir()
    db = openDatabase(join(tmp.dir, 'clinic.db'))
    db.prepare(`INSERT INTO patients (no_kartu, nik, nama, kd_provider, aktif, updated_at) VALUES (?, '9999734602235274', 'Siti', '0199B001', 1, 0)`).run(CLINIC_CARD)
  })
  afterEach(() => {
    db?.close()
    tmp?.cleanup()
    db = undefined
    tmp = undefined
  })
  return () => {
    if (!db) throw new Error('useClinicDb: the database exists only inside a test')
    return db
  }
}
