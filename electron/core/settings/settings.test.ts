import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase, type DB } from '../db'
import { AppError } from '../errors'
import { SettingsPatch } from '../../contract'
import { SettingsStore } from '.'

let db: DB
beforeEach(() => {
  db = openDatabase(':memory:')
})
afterEach(() => db.close())

it('refuses SATUSEHAT enabled outside the demo without an Organization ID, naming the field', () => {
  const store = new SettingsStore(db)
  let err: unknown
  try {
    store.update({ satusehat: { enabled: true, environment: 'production', orgId: null } })
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(AppError)
  expect((err as AppError).toShape().fields?.map((f) => f.field)).toEqual(['satusehat.orgId'])
  // Nothing was stored: the lane stays off.
  expect(store.get().satusehat.enabled).toBe(false)
})

it('accepts the demo without an Organization ID, and production once it has one', () => {
  const store = new SettingsStore(db)
  expect(store.update({ satusehat: { enabled: true, environment: 'demo', orgId: null } }).satusehat.enabled).toBe(true)
  const s = store.update({ satusehat: { environment: 'production', orgId: '100011961' } }).satusehat
  expect([s.enabled, s.environment, s.orgId]).toEqual([true, 'production', '100011961'])
  // Disabled, a missing id is no problem (the admin may be part-way through the onboarding).
  expect(store.update({ satusehat: { enabled: false, orgId: null } }).satusehat.enabled).toBe(false)
})

it('takes a Kode PPK typed in lower case or with spaces as PCare writes it, and still refuses a malformed one', () => {
  expect(SettingsPatch.parse({ kdPPK: ' 0199b001 ' }).kdPPK).toBe('0199B001')
  expect(SettingsPatch.safeParse({ kdPPK: '0199b00' }).error?.issues.map((i) => i.message)).toEqual(['v.kdPPK'])
})
