import type { BrowserShell } from '../../tools/browser-shell/server'

/** One `/rpc` answer as the page would get it: the typed Result, and the HTTP status. */
export interface RpcAnswer {
  status: number
  body: { ok: boolean; value?: unknown; error?: { code: string; key?: string; fields?: { field: string }[] } }
}

/**
 * A local process talking to the browser shell over HTTP, as `curl` would: plain `POST /rpc` with JSON (the page's
 * transport, tools/browser-shell/page.js), no Origin header, and its own cookie jar that keeps the session cookie the
 * shell sets (HttpOnly, so only the transport ever holds it). `anonymous()` is a caller that never had a cookie.
 */
export function shellClient(shell: BrowserShell) {
  let cookie: string | undefined
  async function rpc(channel: string, input: unknown = {}): Promise<RpcAnswer> {
    const res = await fetch(new URL('/rpc', shell.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ channel, input }),
      signal: AbortSignal.timeout(15_000),
    })
    const set = res.headers.get('set-cookie')
    if (set) {
      const pair = set.split(';')[0]
      cookie = pair.endsWith('=') ? undefined : pair
    }
    return { status: res.status, body: (await res.json()) as RpcAnswer['body'] }
  }
  return { rpc, hasCookie: () => cookie !== undefined }
}
