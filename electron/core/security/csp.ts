/**
 * The Content-Security-Policy of the app page. The renderer never talks to the network (all data
 * comes through window.faskes), runs only its own bundled scripts, and shows camera frames as
 * blob:/data: images. Electron applies it as a response header (session.webRequest and the app://
 * protocol handler); the browser shell sends the same header.
 */
export interface CspOptions {
  /**
   * Development with the electron-vite/Vite dev server only: Vite injects inline <style> tags and the
   * React refresh preamble as an inline module script, and talks HMR over a WebSocket to the dev
   * server. Never set for production or for the browser shell, which serve the built bundle.
   */
  devServerOrigin?: string
}

export function buildCsp(options: CspOptions = {}): string {
  const dev = options.devServerOrigin
  const ws = dev ? dev.replace(/^http/, 'ws') : null
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    // React sets styles through the DOM (not blocked by CSP); the build emits CSS files.
    ['style-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['media-src', ["'self'", 'blob:', 'mediastream:']],
    ['font-src', ["'self'"]],
    ['connect-src', ws ? ["'self'", ws] : ["'self'"]],
    ['worker-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ]
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ')
}

/** The production policy, for the browser shell and for tests. */
export const CSP = buildCsp()

/**
 * onHeadersReceived body: set our CSP on every response, replacing any policy the server sent
 * (header names are case-insensitive, so all spellings of the old one are dropped).
 */
export function withCspHeader(
  headers: Record<string, string | string[]> | undefined,
  csp: string,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = v
  }
  out['Content-Security-Policy'] = [csp]
  return out
}
