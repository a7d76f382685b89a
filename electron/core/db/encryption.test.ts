import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DatabaseKeyError, isEncryptedDatabase, openDatabase, schemaVersion } from './index'
import { migrations } from './migrations'
import { tempDir } from '../../../test/helpers/tmp'

// A NIK-shaped marker: a byte search for it stands for a search for any patient field.
const MARKER = '3174019876543210'
const key = randomBytes(32)

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

function holdsMarker(file: string): boolean {
  return existsSync(file) && readFileSync(file).includes(MARKER)
}

function writeMarker(file: string, k?: Buffer): void {
  const db = openDatabase(file, { key: k })
  db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('marker', ?, 0)").run(JSON.stringify(MARKER))
  // Left open: the row is still in the WAL only, as when the app is copied while running.
  copyFileSync(file, `${file}.copy`)
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${file}.copy-wal`)
  db.close()
}

describe('openDatabase with a key', () => {
  it('writes neither the file nor its WAL in clear; the same key reads it back', () => {
    const file = join(tmp.dir, 'k.db')
    writeMarker(file, key)
    expect(statSync(`${file}.copy-wal`).size).toBeGreaterThan(0)
    expect(holdsMarker(`${file}.copy`)).toBe(false)
    expect(holdsMarker(`${file}.copy-wal`)).toBe(false)
    expect(holdsMarker(file)).toBe(false)
    expect(isEncryptedDatabase(file)).toBe(true)
    const db = openDatabase(file, { key })
    expect(db.prepare("SELECT value FROM settings WHERE key = 'marker'").get()).toEqual({ value: JSON.stringify(MARKER) })
    expect(schemaVersion(db)).toBe(migrations.length)
    db.close()
  })

  it('the control: without a key the same write is readable in the copied WAL', () => {
    const file = join(tmp.dir, 'plain.db')
    writeMarker(file)
    expect(holdsMarker(`${file}.copy-wal`) || holdsMarker(`${file}.copy`)).toBe(true)
    expect(isEncryptedDatabase(file)).toBe(false)
  })

  it('refuses a wrong key or no key with DatabaseKeyError and leaves the file as it was', () => {
    const file = join(tmp.dir, 'k.db')
    writeMarker(file, key)
    const before = readFileSync(file)
    expect(() => openDatabase(file, { key: randomBytes(32) })).toThrow(DatabaseKeyError)
    expect(() => openDatabase(file)).toThrow(DatabaseKeyError)
    expect(readFileSync(file).equals(before)).toBe(true)
  })

  it('encrypts a plain database once, keeping its rows and schema version', () => {
    const file = join(tmp.dir, 'old.db')
    writeMarker(file)
    expect(holdsMarker(file) || holdsMarker(`${file}-wal`)).toBe(true)
    const db = openDatabase(file, { key })
    expect(db.prepare("SELECT value FROM settings WHERE key = 'marker'").get()).toEqual({ value: JSON.stringify(MARKER) })
    expect(schemaVersion(db)).toBe(migrations.length)
    db.close()
    expect(isEncryptedDatabase(file)).toBe(true)
    expect(holdsMarker(file)).toBe(false)
    expect(holdsMarker(`${file}-wal`)).toBe(false)
    const again = openDatabase(file, { key })
    expect(again.prepare("SELECT count(*) AS n FROM settings WHERE key = 'marker'").get()).toEqual({ n: 1 })
    again.close()
  })

  it.skipIf(process.platform === 'win32')('makes the file, its WAL and shm 0600', () => {
    const file = join(tmp.dir, 'm.db')
    const db = openDatabase(file, { key })
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('x', '1', 0)").run()
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600')
    db.close()
  })
})

describe('openDatabase without a path', () => {
  it("':memory:' stays in memory: no file of that name is made", () => {
    const db = openDatabase(':memory:', { key })
    expect(schemaVersion(db)).toBe(migrations.length)
    db.close()
    expect(existsSync(':memory:')).toBe(false)
  })
})
