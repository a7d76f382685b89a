/**
 * Links that leave the app. The app window never navigates away and never opens a second window;
 * a small set of https sites (BPJS public pages) may be handed to the OS browser, nothing else.
 * Every check parses with URL and compares exact host names, so look-alikes and userinfo tricks fail.
 */
const EXTERNAL_HOST_ALLOWLIST: readonly string[] = ['bpjs-kesehatan.go.id', 'www.bpjs-kesehatan.go.id']

export function isAllowedExternalUrl(url: unknown, allowlist: readonly string[] = EXTERNAL_HOST_ALLOWLIST): boolean {
  if (typeof url !== 'string') return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  // https only: an http link to a health insurer is a downgrade we do not want to help with.
  if (u.protocol !== 'https:') return false
  if (u.username !== '' || u.password !== '' || u.port !== '') return false
  return allowlist.includes(u.hostname)
}

/** The setWindowOpenHandler body: always deny; maybe hand an allowlisted link to the OS browser. */
export function windowOpenHandler(
  openExternal: (url: string) => unknown,
  allowlist: readonly string[] = EXTERNAL_HOST_ALLOWLIST,
): (details: { url: string }) => { action: 'deny' } {
  return ({ url }) => {
    openExternalIfAllowed(url, openExternal, allowlist)
    return { action: 'deny' }
  }
}

/** Returns whether the link was handed over. The opener's own failure is swallowed: a link must not crash main. */
export function openExternalIfAllowed(
  url: unknown,
  openExternal: (url: string) => unknown,
  allowlist: readonly string[] = EXTERNAL_HOST_ALLOWLIST,
): boolean {
  if (!isAllowedExternalUrl(url, allowlist)) return false
  // Hand over the re-serialised URL, not the raw string the page gave us.
  const result = openExternal(new URL(url as string).href)
  if (result instanceof Promise) result.catch(() => {})
  return true
}
