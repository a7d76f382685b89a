import { realpathSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { contentTypeFor } from '../../electron/core/security/protocol'

/**
 * DNS-rebinding guard: a page from evil.example whose name now resolves to 127.0.0.1 still sends
 * `Host: evil.example:port`. Only the loopback names with our own port are accepted.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false
  const h = host.toLowerCase()
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`
}

/**
 * Cross-site guard: browsers send Origin on every cross-origin request and on same-origin POSTs.
 * No Origin (a plain GET, or a non-browser client) is fine; any other origin, including "null", is not.
 */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}

/**
 * Maps a URL path to a file inside `root`, or null when it would leave it. Works on the decoded path,
 * because `%2e%2e%2f` survives URL parsing; rejects `..` segments, backslashes and NUL outright, then
 * checks the resolved path (and its real path, against symlinks) is still under root.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.some((s) => s === '..')) return null
  const base = resolve(root)
  const full = resolve(base, ...segments)
  if (!isInside(base, full)) return null
  try {
    if (!isInside(realpathSync(base), realpathSync(full))) return null
  } catch {
    // Does not exist (yet): the caller answers 404 or falls back to index.html.
  }
  return full
}

function isInside(base: string, full: string): boolean {
  return full === base || full.startsWith(base + sep)
}

/** Same table as the Electron app:// protocol, so both shells serve the renderer identically. */
export function contentTypeOf(file: string): string {
  return contentTypeFor(file)
}

/** The tag that loads the page-side window.faskes. */
export const SHELL_SCRIPT_PATH = '/browser-shell.js'

/**
 * Puts the shell's classic script before the first script of the built index.html. Classic scripts run
 * while parsing, module scripts only after, so window.faskes exists before the app's first line. The
 * renderer bundle itself stays byte-for-byte the one Electron loads.
 */
export function injectShellScript(html: string): string {
  const tag = `<script src="${SHELL_SCRIPT_PATH}"></script>`
  const firstScript = html.search(/<script\b/i)
  if (firstScript >= 0) return html.slice(0, firstScript) + tag + '\n    ' + html.slice(firstScript)
  const headEnd = html.search(/<\/head>/i)
  if (headEnd < 0) throw new Error('index.html has no <head>: cannot inject the browser-shell script')
  return html.slice(0, headEnd) + tag + '\n  ' + html.slice(headEnd)
}
