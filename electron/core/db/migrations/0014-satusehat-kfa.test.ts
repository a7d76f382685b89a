import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { openDatabase } from '../index'
import { migrations } from './index'
import { migration } from './0014-satusehat-kfa'
import { tempDir } from '../../../../test/helpers/tmp'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => (tmp = tempDir()))
afterEach(() => tmp.cleanup())

it('0014 adds the KFA mapping, which takes 8-digit 92/93 product codes only', () => {
  const upTo = migrations.findIndex((m) => m.version === migration.version)
  const db = openDatabase(join(tmp.dir, 'm14.db'), { migrations: migrations.slice(0, upTo + 1) })
  expect(db.pragma('user_version', { simple: true })).toBe(14)
  const put = db.prepare(`INSERT OR REPLACE INTO satusehat_kfa (kd_obat, kfa_code, display, updated_by, updated_at) VALUES ('PCT', ?, 'Parasetamol', 'admin', 1)`)
  put.run('92000001')
  put.run('93000001')
  for (const bad of ['91000001', '9200001', '920000011', '92abcdef', '']) expect(() => put.run(bad), bad).toThrow(/CHECK/)
  expect(db.prepare('SELECT kd_obat, kfa_code FROM satusehat_kfa').all()).toEqual([{ kd_obat: 'PCT', kfa_code: '93000001' }])
  db.close()
})
