import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { DebugLogger, serializeToYaml } from 'builder-util'
import { validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { WindowsSignToolManager } from 'app-builder-lib/out/codeSign/windowsSignToolManager'
import { minimatch } from 'minimatch'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { updateVerification } from '../../electron/core/updater'

/**
 * Packaging cannot run here (no Electron binary), so the config is checked as data: it must pass
 * electron-builder's own schema, and keep the invariants the app depends on.
 */
const root = resolve(__dirname, '../..')
const config = parse(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8'))
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'))

/** electron-builder's file rule: last matching pattern wins, `!` excludes. */
function packaged(path: string): boolean {
  let included = false
  for (const p of config.files as string[]) {
    const negated = p.startsWith('!')
    if (minimatch(path, negated ? p.slice(1) : p, { dot: true })) included = !negated
  }
  return included
}

describe('electron-builder.yml', () => {
  it('is valid for electron-builder', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    // The validator is not a no-op: a misspelt key or a wrong type fails.
    await expect(validateConfiguration({ ...config, nsiss: {} }, new DebugLogger(false))).rejects.toThrow()
    await expect(validateConfiguration({ ...config, nsis: { oneClick: 'no' } }, new DebugLogger(false))).rejects.toThrow()
  })

  it('identifies the app and writes to dist/', () => {
    expect(config.appId).toBe('id.faskes.workstation')
    expect(config.productName).toBeTruthy()
    expect(config.directories.output).toBe('dist')
    expect(pkg.main).toBe('out/main/index.js')
  })

  it('builds AppImage and deb for Linux, NSIS for Windows', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']))
    expect(config.linux.category).toBeTruthy()
    expect(config.linux.maintainer).toMatch(/<.+@.+>/)
    expect(config.deb.depends).toContain('libsecret-1-0')
    expect(config.win.target.map((t: { target: string }) => t.target)).toContain('nsis')
  })

  it('lets people choose where NSIS installs, per user, and never deletes their data on uninstall', () => {
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      deleteAppDataOnUninstall: false,
    })
  })

  it('packs the built bundles and package.json, not the sources', () => {
    for (const f of ['out/main/index.js', 'out/preload/index.js', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'package.json']) {
      expect(packaged(f), f).toBe(true)
    }
    for (const f of [
      'electron/main/index.ts',
      'electron/core/app.ts',
      'renderer/src/App.tsx',
      'tools/browser-shell/server.ts',
      'chaincode/package.json',
      'test/unit/lint.test.ts',
      'tsconfig.json',
      'out/main/index.js.map',
      'node_modules/better-sqlite3/src/better_sqlite3.cpp',
      'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
      'node_modules/better-sqlite3/build/Release/test_extension.node',
    ]) {
      expect(packaged(f), f).toBe(false)
    }
  })

  it('unpacks the native modules from the asar', () => {
    expect(config.asar).toBe(true)
    const unpacked = (f: string) => (config.asarUnpack as string[]).some((p) => minimatch(f, p, { dot: true }))
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true)
    expect(unpacked('node_modules/@github/keytar/build/Release/keytar.node')).toBe(true)
    expect(unpacked('node_modules/@github/keytar/prebuilds/linux-x64/node.napi.node')).toBe(true)
    expect(unpacked('out/main/index.js')).toBe(false)
  })

  it('rebuilds native modules for Electron at packaging time', () => {
    expect(config.npmRebuild).toBe(true)
    // Never in the install step of this repo: the dev tree must stay built for Node so tests run.
    expect(JSON.stringify(pkg.scripts ?? {})).not.toMatch(/install-app-deps|electron-rebuild|@electron\/rebuild/)
    expect(pkg.scripts?.postinstall).toBeUndefined()
  })

  it('publishes through the generic provider (URL replaced from settings at run time)', () => {
    const publish = Array.isArray(config.publish) ? config.publish : [config.publish]
    expect(publish).toHaveLength(1)
    expect(publish[0].provider).toBe('generic')
    expect(publish[0].url).toMatch(/^https:\/\//)
  })

  it('signs Windows builds and names the publisher electron-updater checks updates against', async () => {
    expect(config.win.forceCodeSigning).toBe(true)
    expect(config.win.verifyUpdateCodeSignature).not.toBe(false)
    // electron-builder's own rule for the names it writes into app-update.yml (publisherName), from this config.
    const names = await new WindowsSignToolManager({ platformSpecificBuildOptions: config.win } as never).computedPublisherName.value
    expect(names?.length).toBeGreaterThan(0)
    const appUpdateYml = serializeToYaml({ provider: 'generic', url: config.publish.url, publisherName: names, updaterCacheDirName: 'x' })
    expect(updateVerification('win32', appUpdateYml)).toEqual({ ok: true, check: 'authenticode', publisherNames: names })
  })

  it('keeps the hardening fuses on', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
    })
  })

  it('ships native modules as runtime dependencies (electron-builder only packs "dependencies")', () => {
    for (const m of ['better-sqlite3', '@github/keytar', 'electron-updater']) expect(pkg.dependencies[m], m).toBeTruthy()
    expect(pkg.dependencies.electron).toBeUndefined()
  })
})
