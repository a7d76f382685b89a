import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { WindowsSignToolManager } from 'app-builder-lib/out/codeSign/windowsSignToolManager'
import { serializeToYaml } from 'builder-util'
import { NsisUpdater } from 'electron-updater/out/NsisUpdater'
import { parse } from 'yaml'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { updateVerification } from '../../electron/core/updater'

/**
 * Security review finding 15 (updates not signature-checked), replayed with electron-updater's own Windows updater
 * (NsisUpdater) on the app-update.yml electron-builder writes from electron-builder.yml: whoever controls the feed
 * serves an installer that is unsigned or signed by someone else, and it must be refused before it is installed.
 *
 * Authenticode itself needs Windows (electron-updater runs PowerShell's Get-AuthenticodeSignature), so the verifier is
 * a stand-in with the same contract (publisher names and file in, null when validly signed by one of them, else the
 * reason): each test installer names its signer in its bytes. What is real is electron-updater's decision: which names
 * it passes (read from app-update.yml), and that it skips the check entirely when the build names none, which was the
 * finding: electron-builder.yml had no publisherName.
 */
const root = resolve(__dirname, '../..')
const builderConfig = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'))

/**
 * The app-update.yml packaging writes: the publish config plus publisherName as electron-builder computes it (from
 * `signtoolOptions.publisherName`, else the certificate's CN; the packaging desktop here has no certificate).
 */
async function appUpdateYml(win: object): Promise<string> {
  const packager = { platformSpecificBuildOptions: win, getCscLink: () => undefined, getCscPassword: () => undefined }
  const names = await new WindowsSignToolManager(packager as never).computedPublisherName.value
  return serializeToYaml({
    provider: 'generic',
    url: builderConfig.publish.url,
    ...(names ? { publisherName: names } : {}),
    updaterCacheDirName: 'faskes-workstation-updater',
  })
}

/** Authenticode stand-in: an installer "signed" by X starts with `signer=X`; any other file is unsigned. */
async function fakeAuthenticode(publisherNames: string[], file: string): Promise<string | null> {
  const signer = /^signer=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1]
  if (!signer) return 'NotSigned: the file is not digitally signed'
  return publisherNames.includes(signer) ? null : `publisherNames: ${publisherNames.join(', ')}, raw info: CN=${signer}`
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faskes-updates-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** electron-updater's Windows updater on a packaged app whose resources hold `yml`, with the verifier stand-in. */
function nsisUpdater(yml: string) {
  const configPath = join(dir, 'app-update.yml')
  writeFileSync(configPath, yml)
  const app = {
    version: '1.0.0',
    name: 'faskes-workstation',
    isPackaged: true,
    appUpdateConfigPath: configPath,
    userDataPath: dir,
    baseCachePath: dir,
    whenReady: async () => {},
    relaunch() {},
    quit() {},
    onQuit() {},
  }
  const updater = new NsisUpdater(undefined, app)
  updater.verifyUpdateCodeSignature = fakeAuthenticode
  // The check electron-updater runs on the downloaded installer before 'update-downloaded' (a non-null answer is
  // thrown as ERR_UPDATER_INVALID_SIGNATURE and the file deleted). Protected in its typings, so reached by name.
  return (file: string) => (updater as unknown as { verifySignature(f: string): Promise<string | null> }).verifySignature(file)
}

function installer(name: string, signer: string | null): string {
  const file = join(dir, name)
  writeFileSync(file, `${signer ? `signer=${signer}\n` : ''}MZ fake installer`)
  return file
}

describe('signed updates (finding 15)', () => {
  it("refuses an installer from the feed that is unsigned or signed by another publisher, accepts the publisher's own", async () => {
    const yml = await appUpdateYml(builderConfig.win)
    const ours = updateVerification('win32', yml)
    expect(ours.ok && ours.check === 'authenticode').toBe(true)
    const publisher = ours.ok && ours.check === 'authenticode' ? ours.publisherNames[0] : ''
    const verify = nsisUpdater(yml)
    expect(await verify(installer('mallory-setup.exe', 'Mallory Software Ltd'))).toMatch(/Mallory/)
    expect(await verify(installer('unsigned-setup.exe', null))).toMatch(/NotSigned/)
    expect(await verify(installer('faskes-setup.exe', publisher))).toBeNull()
  })

  it('a build without publisherName would install anything, so the app does not update from such a build', async () => {
    const unsignedBuild = { ...builderConfig.win, signtoolOptions: {} }
    const yml = await appUpdateYml(unsignedBuild)
    // What the finding was: electron-updater skips the check when app-update.yml names no publisher.
    expect(await nsisUpdater(yml)(installer('mallory-setup.exe', 'Mallory Software Ltd'))).toBeNull()
    // And what the app does about it: no updates from that build.
    expect(updateVerification('win32', yml).ok).toBe(false)
  })
})
