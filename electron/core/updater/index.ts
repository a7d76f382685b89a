import type { Settings } from '../../contract'
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

/** The feed to use, or null when updates are off (no URL, or plain http in production). */
export function updaterOptions(settings: Pick<Settings, 'updater'>, env: UpdaterEnv): GenericFeed | null {
  const url = settings.updater.url
  if (!url) return null
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.protocol !== 'https:' && (env.production || u.protocol !== 'http:')) return null
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
    log.warn('update failed; will retry', { error: errorText(err), retryInMs: retryMs })
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
