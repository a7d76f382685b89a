import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Settings } from '../../contract'
import { remoteUrlProblem } from '../../contract/remote-url'
import type { Logger } from '../log'
import { UPDATE_FIRST_CHECK_MS, UPDATE_INTERVAL_MS, UPDATE_RETRY_MS } from '../sync/backoff'

/**
 * Self-update through electron-updater's generic provider: a plain HTTPS folder that holds
 * latest.yml (latest-linux.yml) and the installers. The feed URL is a setting, so each site (or
 * the dinas kesehatan) can host its own mirror; electron-builder.yml only carries a placeholder.
 * A failed update must never break the running workstation: errors are logged and retried later.
 */
export interface GenericFeed {
  provider: 'generic'
  url: string
}

export interface UpdaterEnv {
  /** app.isPackaged: production builds only accept https feeds. */
  production: boolean
}

/**
 * The feed to use, or null when updates are off: no URL; plain http in production; plain http to another computer
 * in development (only a local test feed may be http, contract/remote-url.ts); a URL with credentials in it. An
 * http feed saved before https was required is thus never used: whoever could answer it would choose what runs.
 */
export function updaterOptions(settings: Pick<Settings, 'updater'>, env: UpdaterEnv): GenericFeed | null {
  const url = settings.updater.url
  if (!url || remoteUrlProblem(url) !== null) return null
  const u = new URL(url)
  if (u.protocol !== 'https:' && env.production) return null
  if (u.username !== '' || u.password !== '') return null
  return { provider: 'generic', url: u.href }
}

/**
 * Whether this installation can replace itself. Linux: only the AppImage (a deb belongs to the
 * package manager, which updates it); Windows: the NSIS install. Unpackaged runs never update.
 */
export function isSelfUpdateSupported(platform: string, env: Record<string, string | undefined>, isPackaged: boolean): boolean {
  if (!isPackaged) return false
  if (platform === 'win32' || platform === 'darwin') return true
  if (platform === 'linux') return !!env.APPIMAGE
  return false
}

/** Whether updates may run on this build, and what protects them (see `updateVerification`). */
export type UpdateVerification =
  | { ok: true; check: 'authenticode'; publisherNames: string[] }
  | { ok: true; check: 'sha512-over-https' }
  | { ok: false; reason: string }

/**
 * Whether this build verifies an update before installing it, from the text of the app-update.yml electron-builder
 * writes into the app's resources (null when the file is missing). What electron-updater 6 checks (its
 * NsisUpdater.verifySignature and AppImageUpdater):
 * - Windows (NSIS): the downloaded installer's Authenticode signature must be valid and its signer one of the
 *   `publisherName` entries of app-update.yml (electron-builder.yml `win.signtoolOptions.publisherName`); any other
 *   installer is refused with ERR_UPDATER_INVALID_SIGNATURE before 'update-downloaded'. With no `publisherName` it
 *   installs any file the feed serves, so a build without one gets no updates at all.
 * - Linux AppImage: there is no signature check. The download must match the sha512 in latest-linux.yml, which
 *   comes from the same feed: that catches a damaged download, not a feed in the wrong hands. What protects it is the
 *   feed itself: https only in production (`updaterOptions`), an admin-only setting, and the server's TLS identity.
 * - Anything else (macOS, not built here) is refused.
 */
export function updateVerification(platform: string, appUpdateYml: string | null): UpdateVerification {
  if (platform === 'linux') return { ok: true, check: 'sha512-over-https' }
  if (platform !== 'win32') return { ok: false, reason: `no update verification known for ${platform}` }
  if (appUpdateYml === null) return { ok: false, reason: 'app-update.yml missing' }
  const publisherNames = publisherNamesIn(appUpdateYml)
  if (publisherNames.length === 0) return { ok: false, reason: 'build has no publisherName: updates would not be signature-checked' }
  return { ok: true, check: 'authenticode', publisherNames }
}

/** The app-update.yml electron-builder puts in the packaged app's resources folder, or null when there is none. */
export function readAppUpdateYml(resourcesPath: string): string | null {
  try {
    return readFileSync(join(resourcesPath, 'app-update.yml'), 'utf8')
  } catch {
    return null
  }
}

/**
 * The `publisherName` entries of an app-update.yml: electron-builder writes a block list (`publisherName:` then
 * `  - name` lines); an inline scalar or flow list is read too. Only this key is read, so no YAML library is needed.
 */
function publisherNamesIn(yml: string): string[] {
  const lines = yml.split(/\r?\n/)
  const at = lines.findIndex((l) => /^publisherName\s*:/.test(l))
  if (at < 0) return []
  const inline = lines[at].replace(/^publisherName\s*:/, '').trim()
  const names: string[] = []
  if (inline !== '') {
    const flow = /^\[(.*)\]$/.exec(inline)
    names.push(...(flow ? flow[1].split(',') : [inline]))
  } else {
    for (let i = at + 1; i < lines.length && /^\s+-\s/.test(lines[i]); i++) names.push(lines[i].replace(/^\s+-\s/, ''))
  }
  return names.map((n) => n.trim().replace(/^(['"])(.*)\1$/, '$2').trim()).filter((n) => n !== '' && n !== 'null' && n !== '~')
}

/** The part of electron-updater's AppUpdater that we use; tests pass a small fake. */
export interface AutoUpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  setFeedURL(options: GenericFeed): void
  checkForUpdates(): Promise<unknown>
  on(event: string, listener: (...args: unknown[]) => void): unknown
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown
}

/** setTimeout-like; returns a cancel function. Injected so tests drive time. */
type Schedule = (fn: () => void, ms: number) => () => void

export interface StartUpdaterOptions {
  autoUpdater: AutoUpdaterLike
  options: GenericFeed
  log: Pick<Logger, 'info' | 'warn'>
  schedule: Schedule
  /** First check shortly after start, not during start-up work. Default UPDATE_FIRST_CHECK_MS (sync/backoff.ts). */
  firstCheckMs?: number
  /** Between successful checks. Default UPDATE_INTERVAL_MS. */
  intervalMs?: number
  /** After a failure. Default UPDATE_RETRY_MS. */
  retryMs?: number
}

export interface UpdaterHandle {
  /** Runs a check now (never rejects). */
  checkNow(): Promise<void>
  stop(): void
}

/**
 * Starts periodic checks. Download happens in the background and installs when the app quits,
 * so nobody's registration is interrupted. One timer slot: a failure reported both as a rejected
 * check and as an 'error' event schedules a single retry, not two.
 */
export function startUpdater(o: StartUpdaterOptions): UpdaterHandle {
  const { autoUpdater, log, schedule } = o
  const intervalMs = o.intervalMs ?? UPDATE_INTERVAL_MS
  const retryMs = o.retryMs ?? UPDATE_RETRY_MS
  let cancel: (() => void) | null = null
  let stopped = false
  let checking = false

  const plan = (ms: number) => {
    if (stopped) return
    cancel?.()
    cancel = schedule(() => {
      cancel = null
      void checkNow()
    }, ms)
  }

  const onError = (err: unknown) => {
    // electron-updater's code for an installer not signed by one of the build's publishers: deleted, never installed.
    if ((err as { code?: unknown } | null)?.code === 'ERR_UPDATER_INVALID_SIGNATURE') {
      log.warn('update refused: not signed by this application\'s publisher', { error: errorText(err), retryInMs: retryMs })
    } else log.warn('update failed; will retry', { error: errorText(err), retryInMs: retryMs })
    plan(retryMs)
  }
  const onDownloaded = (info: unknown) => {
    log.info('update downloaded; installs on quit', { version: versionOf(info) })
  }
  const onAvailable = (info: unknown) => {
    log.info('update available; downloading', { version: versionOf(info) })
  }

  async function checkNow(): Promise<void> {
    if (stopped || checking) return
    checking = true
    try {
      await autoUpdater.checkForUpdates()
      plan(intervalMs)
    } catch (err) {
      onError(err)
    } finally {
      checking = false
    }
  }

  try {
    autoUpdater.autoDownload = true
    autoUpdater.autoInstallOnAppQuit = true
    autoUpdater.setFeedURL(o.options)
    autoUpdater.on('error', onError)
    autoUpdater.on('update-available', onAvailable)
    autoUpdater.on('update-downloaded', onDownloaded)
    log.info('updater started', { feed: o.options.url })
    plan(o.firstCheckMs ?? UPDATE_FIRST_CHECK_MS)
  } catch (err) {
    // A broken updater setup leaves the app running without updates.
    log.warn('updater could not start', { error: errorText(err) })
    stopped = true
  }

  return {
    checkNow,
    stop() {
      stopped = true
      cancel?.()
      cancel = null
      autoUpdater.removeListener('error', onError)
      autoUpdater.removeListener('update-available', onAvailable)
      autoUpdater.removeListener('update-downloaded', onDownloaded)
    },
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function versionOf(info: unknown): string | undefined {
  const v = (info as { version?: unknown } | null)?.version
  return typeof v === 'string' ? v : undefined
}
