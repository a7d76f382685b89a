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
