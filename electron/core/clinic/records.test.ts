import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type DB } from '../db'
import { medicalRecordNumber } from './records'

let db: DB
beforeEach(() => {
  db = openDatabase(':memory:')
})
afterEach(() => db.close())

const card = (i: number): string => String(1e12 + i).padStart(13, '0')
/** Cards 1..n already numbered 000001..n, as registrations and migration 0009 number them. */
function seed(n: number): void {
  const ins = db.prepare('INSERT INTO medical_records (no_kartu, no_rm, created_at) VALUES (?, ?, 0)')
  for (let i = 1; i <= n; i++) ins.run(card(i), String(i).padStart(6, '0'))
}

describe('medicalRecordNumber', () => {
  it('numbers new cards 000001, 000002, … and gives a known card its own number again', () => {
    expect(medicalRecordNumber(db, card(1), 0)).toBe('000001')
    expect(medicalRecordNumber(db, card(2), 0)).toBe('000002')
    expect(medicalRecordNumber(db, card(1), 0)).toBe('000001')
  })

  it('counts on past 000009, 000099 and 000999 (text and number order agree at six digits)', () => {
    seed(999)
    expect(medicalRecordNumber(db, card(5000), 0)).toBe('001000')
  })

  it('finds the highest number through the no_rm index, without reading every row', () => {
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT max(no_rm) AS top FROM medical_records').all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH medical_records USING COVERING INDEX/)
  })

  it('goes past a million: 999999 is followed by 1000000, and 1000000 by 1000001 (text order says 999999 is higher)', () => {
    const ins = db.prepare('INSERT INTO medical_records (no_kartu, no_rm, created_at) VALUES (?, ?, 0)')
    ins.run(card(1), '999998')
    expect(medicalRecordNumber(db, card(2), 0)).toBe('999999')
    expect(medicalRecordNumber(db, card(3), 0)).toBe('1000000')
    expect(medicalRecordNumber(db, card(4), 0)).toBe('1000001')
  })
})
