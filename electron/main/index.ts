/**
 * The Electron main process: lifecycle, the one window, the app:// protocol, IPC wiring, menu,
 * updater. Thin on purpose: every decision (window flags, CSP, which URLs, which permissions, which
 * IPC sender, which update feed) is a pure function in electron/core, tested under Node.
 */
import { join } from 'node:path'
import {
  BrowserWindow,
  Menu,
  app,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron'
import { autoUpdater } from 'electron-updater'
import { channelNames } from '../contract/channels'
import { openCore, type Core } from '../core/app'
import { demoRemotesFromEnv } from '../core/demo'
import { createHandlers } from '../core/ipc/handlers'
import { memorySessionCarrier } from '../core/auth/cookie'
import { createLogger } from '../core/log'
import {
  APP_SCHEME,
  PRODUCTION_ENTRY,
  appOriginFor,
  buildCsp,
  createIpcInvoker,
  decidePermissionCheck,
  decidePermissionRequest,
  isAllowedNavigation,
  mainWindowOptions,
  openExternalIfAllowed,
  serveAppRequest,
  windowOpenHandler,
  withCspHeader,
  type SenderFrame,
} from '../core/security'
import { isSelfUpdateSupported, readAppUpdateYml, startUpdater, updateVerification, updaterOptions, type UpdaterHandle } from '../core/updater'

const log = createLogger({ scope: 'main' })
// electron-vite sets ELECTRON_RENDERER_URL for `electron-vite dev`; a packaged app never trusts it.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL || undefined
const appOrigin = appOriginFor(devServerUrl)
const csp = buildCsp(devServerUrl ? { devServerOrigin: appOrigin } : {})
const rendererDir = join(__dirname, '../renderer')
const preloadPath = join(__dirname, '../preload/index.js')

// Before 'ready': app:// gets standard URL rules (relative URLs, a real origin for 'self') and counts as a
// secure context (getUserMedia needs one); codeCache keeps start-up fast like file:// would.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true },
  },
])

let mainWindow: BrowserWindow | null = null
let core: Core | null = null
let updater: UpdaterHandle | null = null
/** Sign-in tokens per webContents id: main-process memory only, so the page never holds one. */
const signInSessions = new Map<number, string>()

if (!app.requestSingleInstanceLock()) {
  // A second copy would open the same SQLite file; hand over to the first one instead.
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app.on('web-contents-created', (_event, contents) => harden(contents))
  app.on('window-all-closed', () => app.quit())
  app.on('will-quit', () => {
    updater?.stop()
    core?.close()
    core = null
  })
  // start() awaits the keychain for the database key: its failure is fatal too, with the dialog.
  app.whenReady().then(start).catch(fatal)
}

async function start(): Promise<void> {
  // The sync engine always runs in the app; configured remotes come from settings + keychain, and the run
  // command's demo simulator/network (if any) from the environment. faskes.db is encrypted with the keychain's key.
  core = await openCore({ dataDir: app.getPath('userData'), version: app.getVersion(), remotes: demoRemotesFromEnv(process.env) })
  core.engine?.start()
  const ses = session.defaultSession

  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) })
  })
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = (details as { mediaTypes?: string[] }).mediaTypes
    callback(decidePermissionRequest({ permission, requestingUrl: details.requestingUrl, mediaTypes }, appOrigin))
  })
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    decidePermissionCheck(permission, requestingOrigin, appOrigin),
  )
  ses.setDevicePermissionHandler(() => false)

  protocol.handle(APP_SCHEME, async (request) => {
    const r = await serveAppRequest(rendererDir, { url: request.url, method: request.method }, csp)
    return new Response(r.body ? new Uint8Array(r.body) : null, { status: r.status, headers: r.headers })
  })

  const invoke = createIpcInvoker({
    table: createHandlers(core),
    appOrigin,
    onForbidden: (channel, frameUrl) => log.warn('ipc refused: caller is not the app page', { channel, frameUrl }),
    onInternalError: (channel, err) => log.error('ipc handler failed', { channel, error: String(err) }),
  })
  for (const channel of channelNames) {
    ipcMain.handle(channel, (event, input) => invoke(senderFrame(event), channel, input, () => memorySessionCarrier(signInSessions, event.sender.id)))
  }

  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(!app.isPackaged)))
  createWindow()
  startUpdates(core)
}

function createWindow(): void {
  const win = new BrowserWindow(mainWindowOptions({ preloadPath, devTools: !app.isPackaged }))
  mainWindow = win
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  win.loadURL(devServerUrl ?? PRODUCTION_ENTRY).catch((err) => log.error('window failed to load', { error: String(err) }))
}

/** Navigation, new windows and webviews, for every webContents the app ever creates. */
function harden(contents: WebContents): void {
  const openExternal = (url: string) => shell.openExternal(url)
  contents.setWindowOpenHandler(windowOpenHandler(openExternal))
  contents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url, appOrigin)) return
    event.preventDefault()
    openExternalIfAllowed(event.url, openExternal)
  })
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, appOrigin)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

function senderFrame(event: IpcMainInvokeEvent): SenderFrame | null {
  try {
    const frame = event.senderFrame
    return frame ? { url: frame.url, isMainFrame: frame.parent === null } : null
  } catch {
    // The frame went away (navigation, closing window) while the call was in flight.
    return null
  }
}

function startUpdates(c: Core): void {
  if (!isSelfUpdateSupported(process.platform, process.env, app.isPackaged)) return
  const options = updaterOptions(c.settings.get(), { production: app.isPackaged })
  if (!options) {
    log.info('updates off: no https feed URL in settings (Pengaturan)')
    return
  }
  const verification = updateVerification(process.platform, readAppUpdateYml(process.resourcesPath))
  if (!verification.ok) {
    log.warn('updates off: this build cannot verify who signed an update', { reason: verification.reason })
    return
  }
  const updLog = log.child('updater')
  autoUpdater.logger = {
    info: (m: unknown) => updLog.info(String(m)),
    warn: (m: unknown) => updLog.warn(String(m)),
    error: (m: unknown) => updLog.warn(String(m)),
    debug: (m: unknown) => updLog.debug(String(m)),
  }
  updater = startUpdater({
    autoUpdater,
    options,
    log: updLog,
    schedule: (fn, ms) => {
      const t = setTimeout(fn, ms)
      return () => clearTimeout(t)
    },
  })
}

function menuTemplate(dev: boolean): MenuItemConstructorOptions[] {
  return [
    { label: 'Berkas', submenu: [{ role: 'quit', label: 'Keluar' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo', label: 'Urungkan' },
        { role: 'redo', label: 'Ulangi' },
        { type: 'separator' },
        { role: 'cut', label: 'Potong' },
        { role: 'copy', label: 'Salin' },
        { role: 'paste', label: 'Tempel' },
        { role: 'selectAll', label: 'Pilih semua' },
      ],
    },
    {
      label: 'Tampilan',
      submenu: [
        { role: 'resetZoom', label: 'Ukuran normal' },
        { role: 'zoomIn', label: 'Perbesar' },
        { role: 'zoomOut', label: 'Perkecil' },
        { type: 'separator' },
        { role: 'togglefullscreen', label: 'Layar penuh' },
        // Reload would drop unsaved form input at the counter, so only developers get it.
        ...(dev ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as const) : []),
      ],
    },
  ]
}

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err)
  log.error('start-up failed', { error: message })
  dialog.showErrorBox('Faskes Workstation tidak dapat dibuka', `${message}\n\nData Anda tidak diubah.`)
  app.exit(1)
}
