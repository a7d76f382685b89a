import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { openDatabase, type DB } from '../db'
import { withVisitVersion } from './version'

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'v.db'))
  db.prepare("INSERT INTO registrations (no_rawat, no_kartu, tgl_daftar, kd_poli, kunj_sakit, kd_tkp, created_at, updated_at) VALUES ('R1', '0001', '2026-11-30', '001', 1, '10', 1, 1)").run()
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

const version = () => (db.prepare("SELECT version FROM registrations WHERE no_rawat = 'R1'").get() as { version: number }).version
const keluhan = () => (db.prepare("SELECT keluhan FROM registrations WHERE no_rawat = 'R1'").get() as { keluhan: string }).keluhan
const write = (text: string) => () => db.prepare("UPDATE registrations SET keluhan = ? WHERE no_rawat = 'R1'").run(text)

describe('visit versions (issue 16: two desks, one visit)', () => {
  it('a write with the version it read goes through and moves it; a second with the same version is refused and writes nothing', () => {
    expect(version()).toBe(1)
    withVisitVersion(db, 'R1', 1, write('desk A'))
    expect(version()).toBe(2)
    expect(() => withVisitVersion(db, 'R1', 1, write('desk B'))).toThrow(expect.objectContaining({ code: 'CONFLICT', key: 'visit.changedElsewhere' }))
    expect(keluhan()).toBe('desk A')
    expect(version()).toBe(2)
  })

  it('without a version the write goes through (and still moves it); a failed write rolls the bump back', () => {
    withVisitVersion(db, 'R1', undefined, write('no version'))
    expect(version()).toBe(2)
    expect(() =>
      withVisitVersion(db, 'R1', 2, () => {
        write('half')()
        throw new Error('refused later')
      }),
    ).toThrow('refused later')
    expect(version()).toBe(2)
    expect(keluhan()).toBe('no version')
  })

  it('leaves an unknown visit to the write itself', () => {
    expect(withVisitVersion(db, 'NOPE', 7, () => 'ran')).toBe('ran')
  })
})
