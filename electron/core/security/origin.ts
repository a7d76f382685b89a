/**
 * Where the app's own pages come from. In production the renderer is served from the custom
 * protocol below (module scripts do not load from file://); in development electron-vite serves it
 * from its dev server and passes that URL in ELECTRON_RENDERER_URL.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'faskes'
export const PRODUCTION_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const PRODUCTION_ENTRY = `${PRODUCTION_ORIGIN}/index.html`

/** An origin string as `scheme://host[:port]`, lower case, e.g. `app://faskes` or `http://localhost:5173`. */
export type AppOrigin = string

export function appOriginFor(devServerUrl: string | undefined): AppOrigin {
  if (!devServerUrl) return PRODUCTION_ORIGIN
  const origin = originOf(devServerUrl)
  // A dev server URL that does not parse must not silently widen trust to something else.
  if (origin === null || !/^https?:$/.test(new URL(devServerUrl).protocol)) {
    throw new Error(`ELECTRON_RENDERER_URL is not an http(s) URL: ${devServerUrl}`)
  }
  return origin
}

/**
 * `scheme://host[:port]` of a URL, or null when it does not parse or carries credentials.
 * Node's URL reports origin "null" for non-special schemes such as app:, so the origin is rebuilt from
 * protocol and host. Credentials are refused outright: `https://trusted@evil` tricks start there.
 */
export function originOf(url: unknown): AppOrigin | null {
  if (typeof url !== 'string') return null
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return null
  }
  if (u.username !== '' || u.password !== '' || u.host === '') return null
  return `${u.protocol}//${u.host}`.toLowerCase()
}

export function isSameOrigin(url: unknown, appOrigin: AppOrigin): boolean {
  const origin = originOf(url)
  return origin !== null && origin === appOrigin.toLowerCase()
}

/** Navigation of the app window is allowed only within the app itself (client-side routes). */
export function isAllowedNavigation(url: unknown, appOrigin: AppOrigin): boolean {
  return isSameOrigin(url, appOrigin)
}

/** What the IPC handler knows about the calling frame (event.senderFrame). */
export interface SenderFrame {
  url: string | undefined
  /** true when the frame is the top frame of its window: sub-frames never get the API. */
  isMainFrame: boolean
}

/** The IPC sender-frame check: a top-level frame showing one of the app's own pages. */
export function isTrustedSender(frame: SenderFrame | null | undefined, appOrigin: AppOrigin): boolean {
  return !!frame && frame.isMainFrame === true && isSameOrigin(frame.url, appOrigin)
}
