/**
 * BrowserWindow options for the app window, as plain data so they are tested under Node.
 * The shape follows Electron's BrowserWindowConstructorOptions; main passes the result straight in,
 * and the compiler checks the two agree there.
 */
export interface MainWindowInput {
  /** Absolute path of the built preload (out/preload/index.js). */
  preloadPath: string
  /** DevTools only in development builds. */
  devTools: boolean
  title?: string
  icon?: string
}

export function mainWindowOptions(input: MainWindowInput) {
  if (!input.preloadPath) throw new Error('mainWindowOptions: preloadPath is required')
  return {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    // Shown on 'ready-to-show' so the counter never sees a white flash.
    show: false,
    backgroundColor: '#ffffff',
    title: input.title ?? 'Faskes Workstation',
    ...(input.icon ? { icon: input.icon } : {}),
    webPreferences: {
      preload: input.preloadPath,
      // The page gets only window.faskes, never Node or Electron.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  } as const
}
