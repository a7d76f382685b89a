/**
 * Which remote addresses this workstation may send to (PCare, Antrean FKTP, the update feed). PCare's headers carry
 * `X-authorization` (Basic user:password:kdAplikasi), `user_key` and `X-signature` on every request, so a remote is
 * reached over https only. The one exception is plain http to this computer itself (`localhost`, `127.0.0.1`, `::1`),
 * where the demo stand-ins (PCare simulator, a local test feed) listen and nothing crosses a network
 * (security review finding 16).
 *
 * Plain data and pure functions with no imports, so the page may import it as a value (Pengaturan marks a saved
 * address that needs changing before anything is sent).
 */

/** Host names that reach only this computer, as `URL.hostname` gives them (IPv6 in brackets). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * What is wrong with `url` as a remote's address, as a message key of contract/messages.ts:
 * `'v.url'` when it is not an http(s) URL at all, `'v.httpsOnly'` when it is plain http to another computer;
 * null when it may be used (https anywhere, or http to a loopback host).
 */
export function remoteUrlProblem(url: string): 'v.url' | 'v.httpsOnly' | null {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'v.url'
  }
  if (u.protocol === 'https:') return null
  if (u.protocol !== 'http:') return 'v.url'
  return LOOPBACK_HOSTS.has(u.hostname.toLowerCase()) ? null : 'v.httpsOnly'
}
