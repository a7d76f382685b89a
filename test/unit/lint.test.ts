import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The house rules in eslint.config.mjs, exercised on small snippets linted at virtual paths.
 * Each forbidden case names the rule that must fire; each allowed case must come back clean,
 * so a rule that is too loose or too broad both fail here.
 */
const root = resolve(__dirname, '../..')
let eslint: ESLint
beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: resolve(root, 'eslint.config.mjs') })
})

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) })
  const fatal = result.messages.filter((m) => m.fatal)
  if (fatal.length) throw new Error(`parse error in snippet: ${fatal[0].message}`)
  return result.messages.map((m) => m.ruleId ?? '(none)')
}

const CORE = 'electron/core/db/__lint_probe__.ts'
const CONTRACT = 'electron/contract/__lint_probe__.ts'
const RENDERER = 'renderer/src/workspaces/__lint_probe__.tsx'
const PRELOAD = 'electron/preload/__lint_probe__.ts'
const IPC = 'electron/core/ipc/__lint_probe__.ts'

describe('core and contract never import electron', () => {
  it.each([
    [CORE, `import { app } from 'electron'\nexport const p = app.getPath('userData')\n`, 'no-restricted-imports'],
    [CORE, `import type { BrowserWindow } from 'electron'\nexport type W = BrowserWindow\n`, 'no-restricted-imports'],
    [CORE, `import { autoUpdater } from 'electron-updater'\nexport const u = autoUpdater\n`, 'no-restricted-imports'],
    [CORE, `export * from 'electron'\n`, 'no-restricted-imports'],
    [CORE, `import { ipcMain } from 'electron/main'\nexport const i = ipcMain\n`, 'no-restricted-imports'],
    [CORE, `export async function f() { return import('electron') }\n`, 'no-restricted-syntax'],
    [CORE, `export const e = require('electron')\n`, 'no-restricted-syntax'],
    [CONTRACT, `import { contextBridge } from 'electron'\nexport const c = contextBridge\n`, 'no-restricted-imports'],
  ])('%s: %j is reported by %s', async (file, code, rule) => {
    expect(await ruleIds(code, file)).toContain(rule)
  })

  it('the message tells what to do instead', async () => {
    const [result] = await eslint.lintText(`import { app } from 'electron'\nexport const a = app\n`, { filePath: resolve(root, CORE) })
    expect(result.messages[0].message).toMatch(/plain Node.*electron\/main/s)
  })

  it('allows Node, npm packages and relative imports in core', async () => {
    const code = [
      `import { join } from 'node:path'`,
      `import Database from 'better-sqlite3'`,
      `import { z } from 'zod'`,
      `import { contract } from '../../contract'`,
      `export const x = [join, Database, z, contract]`,
      // A name that merely starts with "electron" is not Electron.
      `export const y = require('electron-to-chromium')`,
      '',
    ].join('\n')
    expect(await ruleIds(code, CORE)).toEqual(['@typescript-eslint/no-require-imports'])
  })

  it('main may import electron', async () => {
    expect(await ruleIds(`import { app } from 'electron'\nexport const a = app\n`, 'electron/main/__lint_probe__.ts')).toEqual([])
  })
})

describe('shipped core and contract code never loads tools/, test/ or chaincode/', () => {
  it.each([
    [CORE, `import { startSimulator } from '../../../tools/pcare-sim/server'\nexport const s = startSimulator\n`, 'no-restricted-imports'],
    [CORE, `import type { Simulator } from '../../../tools/pcare-sim/server'\nexport type S = Simulator\n`, 'no-restricted-imports'],
    [CORE, `import { tempDir } from '../../../test/helpers/tmp'\nexport const t = tempDir\n`, 'no-restricted-imports'],
    [CORE, `export { ClaimContract } from '../../../chaincode/src/contracts/claim'\n`, 'no-restricted-imports'],
    [CORE, `export * from '../../../test/helpers/clinic'\n`, 'no-restricted-imports'],
    [CORE, `export async function f() { return import('../../../tools/pcare-sim/seed') }\n`, 'no-restricted-syntax'],
    [CORE, `export const c = require('../../../chaincode/src/index')\n`, 'no-restricted-syntax'],
    [IPC, `import { until } from '../../../test/helpers/until'\nexport const u = until\n`, 'no-restricted-imports'],
    [IPC, `export async function f() { return import('../../../test/helpers/tmp') }\n`, 'no-restricted-syntax'],
    [CONTRACT, `import { FASKES_RUJUKAN } from '../../tools/pcare-sim/seed'\nexport const f = FASKES_RUJUKAN\n`, 'no-restricted-imports'],
  ])('%s: %j is reported by %s', async (file, code, rule) => {
    expect(await ruleIds(code, file)).toContain(rule)
  })

  it('the message says what to do instead', async () => {
    const [result] = await eslint.lintText(`import { tempDir } from '../../../test/helpers/tmp'\nexport const t = tempDir\n`, { filePath: resolve(root, CORE) })
    expect(result.messages.map((m) => m.message)).toEqual([expect.stringMatching(/never import tools\/, test\/ or chaincode\/.*Move/s)])
  })

  it('still bans electron in the same files (the narrower blocks keep the wider rules)', async () => {
    for (const file of [CORE, IPC]) {
      expect(await ruleIds(`import { app } from 'electron'\nexport const a = app\n`, file)).toContain('no-restricted-imports')
      expect(await ruleIds(`export const e = require('electron')\n`, file)).toContain('no-restricted-syntax')
    }
  })

  it('allows a core test to use the simulator and test helpers, and names that only contain the words', async () => {
    const test = [
      `import { tempDir } from '../../../test/helpers/tmp'`,
      `import { startSimulator } from '../../../tools/pcare-sim/server'`,
      `export const x = [tempDir, startSimulator]`,
      '',
    ].join('\n')
    expect(await ruleIds(test, 'electron/core/db/__lint_probe__.test.ts')).toEqual([])
    const lookalikes = [
      `import { z } from 'zod'`,
      `import { canonicalJson } from '../util/canonical'`,
      `import { contract } from '../../contract'`,
      `import { testers } from './testers'`,
      `import { toolsOf } from '../tools-of'`,
      `export const x = [z, canonicalJson, contract, testers, toolsOf]`,
      '',
    ].join('\n')
    expect(await ruleIds(lookalikes, CORE)).toEqual([])
  })
})

describe('handlers hold no SQL', () => {
  it.each([
    [`export const f = (db: { prepare(s: string): unknown }) => db.prepare('SELECT 1')\n`],
    [`export const f = (db?: { prepare(s: string): unknown }) => db?.prepare('SELECT 1')\n`],
    [`export const f = (db: { prepare(s: string): unknown }) => db['prepare']('SELECT 1')\n`],
    [`export const f = (core: { db: { prepare(s: string): { all(): unknown[] } } }) => core.db.prepare('SELECT * FROM outbox').all()\n`],
  ])('reports %j under electron/core/ipc', async (code) => {
    expect(await ruleIds(code, IPC)).toContain('no-restricted-syntax')
  })

  it('allows .prepare( in the core module that owns the data, and in the ipc tests (fixtures)', async () => {
    const code = `export const f = (db: { prepare(s: string): unknown }) => db.prepare('SELECT 1')\n`
    expect(await ruleIds(code, CORE)).toEqual([])
    expect(await ruleIds(code, 'electron/core/ipc/__lint_probe__.test.ts')).toEqual([])
  })

  it('allows one-line calls into core, and a property merely named prepare', async () => {
    const code = [
      `import { todayRegistrations } from '../clinic/registrations'`,
      `export const h = { today: (db: never) => todayRegistrations(db) }`,
      `export const p = { prepare: 1 }.prepare`,
      '',
    ].join('\n')
    expect(await ruleIds(code, IPC)).toEqual([])
  })

  it('the real handler table passes', async () => {
    const [result] = await eslint.lintFiles([resolve(root, 'electron/core/ipc/handlers.ts')])
    expect(result.messages.map((m) => `${m.ruleId}: ${m.message}`)).toEqual([])
  })
})

describe('write transactions go through writeTx (BEGIN IMMEDIATE)', () => {
  it.each([
    [CORE, `export const f = (db: { transaction(fn: () => void): () => void }) => db.transaction(() => {})()\n`],
    [CORE, `export const f = (db: { transaction(fn: () => void): { deferred(): void } }) => db.transaction(() => {}).deferred()\n`],
    [CORE, `export const f = (db: { transaction(fn: () => void): { immediate(): void } }) => db['transaction'](() => {}).immediate()\n`],
    [IPC, `export const f = (core: { db: { transaction(fn: () => void): () => void } }) => core.db.transaction(() => {})()\n`],
    ['tools/sync-node/__lint_probe__.ts', `export const f = (db: { transaction(fn: () => void): () => void }) => db.transaction(() => {})()\n`],
  ])('%s: %j is reported', async (file, code) => {
    expect(await ruleIds(code, file)).toContain('no-restricted-properties')
  })

  it('the message names the helper', async () => {
    const [result] = await eslint.lintText(`export const f = (db: { transaction(fn: () => void): () => void }) => db.transaction(() => {})()\n`, { filePath: resolve(root, CORE) })
    expect(result.messages.map((m) => m.message)).toEqual([expect.stringMatching(/writeTx\(db, fn\).*IMMEDIATE/s)])
  })

  it('allows writeTx, the helper itself and test fixtures', async () => {
    expect(await ruleIds(`import { writeTx } from './tx'\nexport const f = (db: never) => writeTx(db, () => 1)\n`, CORE)).toEqual([])
    const raw = `export const f = (db: { transaction(fn: () => void): { immediate(): void } }) => db.transaction(() => {}).immediate()\n`
    expect(await ruleIds(raw, 'electron/core/db/tx.ts')).toEqual([])
    expect(await ruleIds(raw, 'electron/core/db/__lint_probe__.test.ts')).toEqual([])
  })
})

describe('the renderer never imports main-process code', () => {
  it.each([
    [`import { contract } from '../../../electron/contract'\nexport const c = contract\n`],
    [`import { channelNames } from '../../../electron/contract/channels'\nexport const c = channelNames\n`],
    [`import { createCore } from '../../../electron/core/app'\nexport const c = createCore\n`],
    [`import type { Core } from '../../../electron/core/app'\nexport type C = Core\n`],
    [`import '../../../electron/main/index'\n`],
    [`import '../../../electron/preload/index'\n`],
    [`import { ipcRenderer } from 'electron'\nexport const i = ipcRenderer\n`],
    [`import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n`],
    [`import { readFileSync } from 'fs'\nexport const r = readFileSync\n`],
    [`import Database from 'better-sqlite3'\nexport const d = Database\n`],
    [`import keytar from '@github/keytar'\nexport const k = keytar\n`],
    [`import { connect } from '@hyperledger/fabric-gateway'\nexport const c = connect\n`],
  ])('reports %j', async (code) => {
    expect(await ruleIds(code, RENDERER)).toContain('@typescript-eslint/no-restricted-imports')
  })

  it.each([
    [`import type { FaskesApi, Result } from '../../../electron/contract'\nexport type A = [FaskesApi, Result<number>]\n`],
    [`import { type Settings } from '../../../electron/contract'\nexport type S = Settings\n`],
    [`import { useState } from 'react'\nimport { Html5Qrcode } from 'html5-qrcode'\nexport const x = [useState, Html5Qrcode]\n`],
    [`import { t } from '../i18n'\nexport const x = t\n`],
    [`import { checkVitals } from '../../../electron/contract/vitals'\nexport const x = checkVitals\n`],
  ])('allows %j', async (code) => {
    expect(await ruleIds(code, RENDERER)).toEqual([])
  })
})

describe('the preload only forwards', () => {
  it('may import electron, the channel list and contract types', async () => {
    const code = [
      `import { contextBridge, ipcRenderer } from 'electron'`,
      `import { channelNames } from '../contract/channels'`,
      `import type { FaskesApi } from '../contract'`,
      `export const x: [unknown, unknown, unknown, FaskesApi | null] = [contextBridge, ipcRenderer, channelNames, null]`,
      '',
    ].join('\n')
    expect(await ruleIds(code, PRELOAD)).toEqual([])
  })

  it.each([
    [`import { contract } from '../contract'\nexport const c = contract\n`],
    [`import { dispatch } from '../core/ipc/dispatch'\nexport const d = dispatch\n`],
    [`import '../main/index'\n`],
  ])('reports %j', async (code) => {
    expect(await ruleIds(code, PRELOAD)).toContain('@typescript-eslint/no-restricted-imports')
  })
})

describe('general rules stay quiet about intentional patterns', () => {
  it('allows _-prefixed unused arguments but reports other unused variables', async () => {
    expect(await ruleIds(`export function f(_event: unknown, x: number) { return x }\n`, CORE)).toEqual([])
    expect(await ruleIds(`export function f() { const unused = 1 }\n`, CORE)).toContain('@typescript-eslint/no-unused-vars')
  })

  it('ignores build output and the chaincode package', async () => {
    expect(await eslint.isPathIgnored(resolve(root, 'out/main/index.js'))).toBe(true)
    expect(await eslint.isPathIgnored(resolve(root, 'chaincode/src/index.ts'))).toBe(true)
    expect(await eslint.isPathIgnored(resolve(root, 'electron/core/app.ts'))).toBe(false)
  })
})
