import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { channelNames } from '../contract/channels'
import { tempDir } from '../../test/helpers/tmp'
import { totpAt } from '../core/auth/totp'

/**
 * main/index.ts under Node with a stand-in `electron` (the binary cannot run here). The stand-in
 * records what main registers; the handlers it registers are then called like Electron would, and
 * they reach a real core with a real SQLite file in a temp userData folder.
 */
type Listener = (...args: unknown[]) => unknown
const h = vi.hoisted(() => {
  process.env.FASKES_LOG_LEVEL = 'error'
  const listeners = (): Record<string, Listener[]> => ({})
  const state = {
    userData: '',
    lock: true,
    appListeners: listeners(),
    ipc: new Map<string, Listener>(),
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, Listener>(),
    windows: [] as { options: Record<string, any>; loadURL: ReturnType<typeof vi.fn>; onceHandlers: Record<string, Listener> }[],
    headersHandler: null as Listener | null,
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    devicePermission: null as Listener | null,
    openExternal: vi.fn(async () => {}),
    quit: vi.fn(),
    exit: vi.fn(),
    showErrorBox: vi.fn(),
    setFeedURL: vi.fn(),
    menu: null as unknown,
  }
  return { state }
})

vi.mock('electron', () => {
  const s = h.state
  class BrowserWindow {
    options: Record<string, any>
    loadURL = vi.fn(async () => {})
    onceHandlers: Record<string, Listener> = {}
    constructor(options: Record<string, any>) {
      this.options = options
      s.windows.push(this)
    }
    once(ev: string, fn: Listener) {
      this.onceHandlers[ev] = fn
    }
    on() {}
    show() {}
    isMinimized() {
      return false
    }
    restore() {}
    focus() {}
  }
  return {
    app: {
      isPackaged: true,
      requestSingleInstanceLock: () => s.lock,
      on: (ev: string, fn: Listener) => void (s.appListeners[ev] ??= []).push(fn),
      whenReady: () => Promise.resolve(),
      getPath: (name: string) => (name === 'userData' ? s.userData : '/nonexistent'),
      getVersion: () => '3.2.1',
      quit: s.quit,
      exit: s.exit,
    },
    BrowserWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => void (s.menu = m) },
    dialog: { showErrorBox: s.showErrorBox },
    ipcMain: { handle: (channel: string, fn: Listener) => void s.ipc.set(channel, fn) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => void s.schemes.push(...schemes),
      handle: (scheme: string, fn: Listener) => void s.protocolHandlers.set(scheme, fn),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: Listener) => void (s.headersHandler = fn) },
        setPermissionRequestHandler: (fn: Listener) => void (s.permissionRequest = fn),
        setPermissionCheckHandler: (fn: Listener) => void (s.permissionCheck = fn),
        setDevicePermissionHandler: (fn: Listener) => void (s.devicePermission = fn),
      },
    },
    shell: { openExternal: s.openExternal },
  }
})
vi.mock('electron-updater', () => ({
  autoUpdater: { setFeedURL: h.state.setFeedURL, on: vi.fn(), removeListener: vi.fn(), checkForUpdates: vi.fn() },
}))

const s = h.state
let tmp: ReturnType<typeof tempDir>
beforeAll(async () => {
  tmp = tempDir()
  s.userData = tmp.dir
  // A packaged app must ignore a dev-server URL from the environment.
  process.env.ELECTRON_RENDERER_URL = 'http://evil.example:5173'
  await import('./index')
  // start() awaits the keychain for the database key before it registers the handlers (bounded: 200 × 50 ms).
  for (let i = 0; i < 200 && s.ipc.size === 0; i++) await new Promise((r) => setTimeout(r, 50))
})
afterAll(() => {
  for (const fn of s.appListeners['will-quit'] ?? []) fn()
  delete process.env.ELECTRON_RENDERER_URL
  tmp.cleanup()
})

const appFrame = { senderFrame: { url: 'app://faskes/index.html', parent: null }, sender: { id: 1 } }
const call = (event: unknown, channel: string, input: unknown) => s.ipc.get(channel)!(event, input) as Promise<any>

describe('main process wiring', () => {
  it('registers app:// as a standard, secure scheme before ready', () => {
    expect(s.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }])
  })

  it('registers exactly one IPC handler per contract channel', () => {
    expect([...s.ipc.keys()].sort()).toEqual([...channelNames].sort())
  })

  it('IPC from the app page reaches core and the SQLite file in userData; the window itself is the first-run proof', async () => {
    // First run: nothing but the first-run and sign-in channels answers, and no setup code is asked in the app window.
    expect(await call(appFrame, 'auth.me', {})).toMatchObject({ ok: true, value: { user: null, setupRequired: true, setupCodeRequired: false } })
    expect(await call(appFrame, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await call(appFrame, 'settings.update', { faskesName: 'Diretas' })).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    const admin = { username: 'pemilik', password: 'rahasia-pemilik-1' }
    const setup = await call(appFrame, 'auth.setup', admin)
    expect(setup).toMatchObject({ ok: true, value: { username: 'pemilik', role: 'admin' } })
    expect(await call(appFrame, 'auth.login', { ...admin, totp: totpAt(setup.value.secret, Date.now()) })).toMatchObject({ ok: true })

    const info = await call(appFrame, 'app.info', {})
    expect(info).toMatchObject({ ok: true, value: { version: '3.2.1' } })
    const upd = await call(appFrame, 'settings.update', { faskesName: 'Puskesmas Uji' })
    expect(upd.ok).toBe(true)
    expect((await call(appFrame, 'settings.get', {})).value.faskesName).toBe('Puskesmas Uji')
  })

  it.each([
    ['another origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['the dev-server URL from the environment', { senderFrame: { url: 'http://evil.example:5173/', parent: null } }],
    ['a sub-frame of the app', { senderFrame: { url: 'app://faskes/index.html', parent: {} } }],
    ['a destroyed frame', { senderFrame: null }],
    [
      'a frame that throws on access',
      {
        get senderFrame() {
          throw new Error('Render frame was disposed')
        },
      },
    ],
  ])('IPC from %s gets FORBIDDEN and changes nothing', async (_name, event) => {
    const r = await call(event, 'settings.update', { faskesName: 'Diretas' })
    expect(r).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String), key: 'err.foreignSender' } })
    expect((await call(appFrame, 'settings.get', {})).value.faskesName).not.toBe('Diretas')
  })

  it('IPC input is still validated', async () => {
    const r = await call(appFrame, 'settings.update', { kdPPK: 'salah' })
    expect(r.ok).toBe(false)
    expect(r.error.code).toBe('INVALID_INPUT')
  })

  it('opens one window with the secure options, loading the app:// entry (not the env dev URL)', () => {
    expect(s.windows).toHaveLength(1)
    const wp = s.windows[0].options.webPreferences
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: false })
    expect(wp.preload).toMatch(/preload[\\/]index\.js$/)
    expect(s.windows[0].loadURL).toHaveBeenCalledExactlyOnceWith('app://faskes/index.html')
    // Shown only when painted, so the counter never sees a blank window.
    expect(s.windows[0].options.show).toBe(false)
    expect(typeof s.windows[0].onceHandlers['ready-to-show']).toBe('function')
  })

  it('sets the CSP header on responses', () => {
    let out: any
    s.headersHandler!({ responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r: unknown) => (out = r))
    expect(out.responseHeaders['Content-Security-Policy'][0]).toMatch(/^default-src 'self'; script-src 'self';/)
    expect(out.responseHeaders['content-security-policy']).toBeUndefined()
  })

  it('grants only the webcam to the app page', () => {
    const decide = (permission: string, details: unknown) => {
      let granted: boolean | undefined
      s.permissionRequest!(null, permission, (g: boolean) => (granted = g), details)
      return granted
    }
    expect(decide('media', { requestingUrl: 'app://faskes/index.html', mediaTypes: ['video'] })).toBe(true)
    expect(decide('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false)
    expect(decide('geolocation', { requestingUrl: 'app://faskes/index.html' })).toBe(false)
    expect(s.permissionCheck!(null, 'media', 'app://faskes')).toBe(true)
    expect(s.permissionCheck!(null, 'notifications', 'app://faskes')).toBe(false)
    expect(s.devicePermission!({ deviceType: 'usb', origin: 'app://faskes' })).toBe(false)
  })

  it('serves app:// through the guarded handler', async () => {
    const handler = s.protocolHandlers.get('app')!
    const traversal = (await handler({ url: 'app://faskes/..%2f..%2fpackage.json', method: 'GET' })) as Response
    expect(traversal.status).toBe(403)
    expect(traversal.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    expect(((await handler({ url: 'app://faskes/', method: 'POST' })) as Response).status).toBe(405)
  })

  it('hardens every webContents: navigation, new windows, webviews', () => {
    const on: Record<string, Listener> = {}
    let openHandler: Listener | null = null
    const contents = { on: (ev: string, fn: Listener) => void (on[ev] = fn), setWindowOpenHandler: (fn: Listener) => void (openHandler = fn) }
    for (const fn of s.appListeners['web-contents-created']) fn({}, contents)

    const nav = (ev: string, url: string) => {
      const event = { url, preventDefault: vi.fn() }
      on[ev](event)
      return event.preventDefault.mock.calls.length > 0
    }
    s.openExternal.mockClear()
    expect(nav('will-navigate', 'app://faskes/pendaftaran')).toBe(false)
    expect(nav('will-navigate', 'https://evil.example/')).toBe(true)
    expect(nav('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(s.openExternal).not.toHaveBeenCalled()
    expect(nav('will-navigate', 'https://bpjs-kesehatan.go.id/')).toBe(true)
    expect(s.openExternal).toHaveBeenCalledExactlyOnceWith('https://bpjs-kesehatan.go.id/')
    expect(nav('will-redirect', 'https://evil.example/')).toBe(true)
    expect(nav('will-attach-webview', 'app://faskes/')).toBe(true)
    expect(openHandler!({ url: 'app://faskes/index.html' })).toEqual({ action: 'deny' })
    expect(openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
  })

  it('sets a menu without reload or DevTools in a packaged build', () => {
    const roles = JSON.stringify(s.menu)
    expect(roles).toContain('"quit"')
    expect(roles).not.toMatch(/toggleDevTools|"reload"/)
  })

  it('does not start the updater without a feed URL in settings', () => {
    expect(s.setFeedURL).not.toHaveBeenCalled()
  })
})

describe('single instance', () => {
  it('a second copy quits without opening the database or registering IPC', async () => {
    vi.resetModules()
    s.lock = false
    s.ipc.clear()
    s.quit.mockClear()
    const windowsBefore = s.windows.length
    await import('./index')
    await new Promise((r) => setTimeout(r, 0))
    expect(s.quit).toHaveBeenCalled()
    expect(s.ipc.size).toBe(0)
    expect(s.windows.length).toBe(windowsBefore)
  })
})
