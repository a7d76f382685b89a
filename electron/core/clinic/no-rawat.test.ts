import { describe, expect, it } from 'vitest'
import { openDatabase } from '../db'
import { localIsoDate } from './dates'
import { noRawatOffset, OFFSET_STEP, raiseNoRawatOffsets } from './no-rawat'

describe('visit numbers after a hub restore (no-rawat.ts)', () => {
  it("raises every day from the copy's to the day after the restore, once more per restore, and no other day", () => {
    const db = openDatabase(':memory:')
    const restore = Date.parse('2026-11-30T03:00:00Z')
    const copy = restore - 2 * 86_400_000
    const days = raiseNoRawatOffsets(db, copy, restore)
    expect(days).toEqual([-2, -1, 0, 1].map((d) => localIsoDate(restore + d * 86_400_000)))
    expect(noRawatOffset(db, localIsoDate(restore))).toBe(OFFSET_STEP)
    expect(noRawatOffset(db, localIsoDate(copy - 86_400_000))).toBe(0)
    expect(noRawatOffset(db, localIsoDate(restore + 2 * 86_400_000))).toBe(0)
    // A second restore the same day goes above the first one's numbers.
    raiseNoRawatOffsets(db, restore, restore)
    expect(noRawatOffset(db, localIsoDate(restore))).toBe(2 * OFFSET_STEP)
    // A copy months old: only the last 60 days (bounded), not the whole year.
    expect(raiseNoRawatOffsets(db, restore - 365 * 86_400_000, restore).length).toBeLessThanOrEqual(63)
    db.close()
  })

  it('reads the row once per connection, again after a raise, and not a raise that rolled back', () => {
    const db = openDatabase(':memory:')
    const now = Date.parse('2026-11-30T03:00:00Z')
    const day = localIsoDate(now)
    expect(noRawatOffset(db, day)).toBe(0)
    // Written behind the cache's back (no process does this; it shows the row is not parsed per registration).
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('clinic.noRawatOffsets', ?, 0)").run(JSON.stringify({ [day]: 7 }))
    expect(noRawatOffset(db, day)).toBe(0)
    raiseNoRawatOffsets(db, now, now)
    expect(noRawatOffset(db, day)).toBe(7 + OFFSET_STEP)
    expect(() =>
      db.transaction(() => {
        raiseNoRawatOffsets(db, now, now)
        throw new Error('restore failed')
      })(),
    ).toThrow('restore failed')
    expect(noRawatOffset(db, day)).toBe(7 + OFFSET_STEP)
    // Another connection has its own entry.
    const other = openDatabase(':memory:')
    expect(noRawatOffset(other, day)).toBe(0)
    other.close()
    db.close()
  })
})
