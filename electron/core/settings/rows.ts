import type { z } from 'zod'
import type { DB } from '../db'
import { prepared } from '../db/statements'

/**
 * The JSON value of the settings row `key`, checked by `schema`; `fallback` when there is no row or its value no longer
 * validates (written by another version, or edited by hand). The rows core keeps for itself (hub mode and desks,
 * backup status, visit-number offsets) and the settings the page edits (`SettingsStore`) share this one table.
 */
export function readSettingRow<T>(db: DB, key: string, schema: z.ZodType<T>, fallback: T): T {
  const row = prepared(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
  if (!row) return fallback
  const parsed = schema.safeParse(JSON.parse(row.value))
  return parsed.success ? parsed.data : fallback
}

/** Writes `value` as JSON into the settings row `key` (inserted or replaced), stamped `at` (epoch ms). */
export function writeSettingRow(db: DB, key: string, value: unknown, at: number): void {
  prepared(db, 'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(
    key,
    JSON.stringify(value),
    at,
  )
}
