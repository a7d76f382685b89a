import type { Settings } from '../../contract'

/** Known gateways (docs/pcare.md#hosts). The v3.0 host answers plain JSON without user_key. */
export const PCARE_BASE_URLS = {
  production: 'https://apijkn.bpjs-kesehatan.go.id/pcare-rest',
  development: 'https://apijkn-dev.bpjs-kesehatan.go.id/pcare-rest-dev',
  legacy: 'https://new-api.bpjs-kesehatan.go.id/pcare-rest-v3.0',
} as const

export const ANTREAN_BASE_URLS = {
  production: 'https://apijkn.bpjs-kesehatan.go.id/antreanfktp',
  development: 'https://apijkn-dev.bpjs-kesehatan.go.id/antreanfktp_dev',
} as const

/**
 * The Antrean FKTP base URL that belongs to a PCare base URL, for when no Antrean URL is set: the sibling service on
 * the same gateway. The PCare URL's last path segment (`pcare-rest`, `pcare-rest-dev`, `pcare-rest-v3.0`, or a
 * proxy's own name) is replaced by `antreanfktp`, or by `antreanfktp_dev` when the PCare URL names a development
 * service (it contains `dev`, the rule mlite uses: `plugins/pcare/Admin.php`). So
 * `https://apijkn.bpjs-kesehatan.go.id/pcare-rest` → `…/antreanfktp` and
 * `https://apijkn-dev.bpjs-kesehatan.go.id/pcare-rest-dev` → `…/antreanfktp_dev` (docs/pcare.md#hosts).
 * Query and fragment are dropped; a trailing slash is ignored. Throws TypeError for a URL that is not http(s).
 */
export function antreanBaseUrlFor(pcareBaseUrl: string): string {
  let url: URL
  try {
    url = new URL(pcareBaseUrl.trim())
  } catch {
    throw new TypeError(`PCare base URL is not an http(s) URL: ${pcareBaseUrl}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`PCare base URL is not an http(s) URL: ${pcareBaseUrl}`)
  const parent = url.pathname.replace(/\/+$/, '').replace(/\/[^/]*$/, '')
  const service = /dev/i.test(url.host + url.pathname) ? 'antreanfktp_dev' : 'antreanfktp'
  return `${url.origin}${parent}/${service}`
}

/** The Content-Type PCare POSTs go with: one of the settings' choices (declared in the contract). */
type PostContentType = Settings['pcare']['postContentType']

export interface PcareTimeouts {
  /** Until the response headers arrive (covers DNS, connect, TLS and the server's work). */
  headersMs: number
  /** Whole request including reading the body. */
  totalMs: number
}

export interface PcareConfig {
  baseUrl: string
  antreanBaseUrl: string
  /** Add/edit kunjungan path; production moved from `kunjungan` to `kunjungan/V1`. */
  kunjunganPath: string
  /** The server reads the raw body as JSON whatever the type; text/plain matches the catalog. */
  postContentType: PostContentType
  timeouts: PcareTimeouts
  /**
   * Diagnostic only: send X-authorization without the `Basic ` prefix to reproduce the gateway's
   * "StartIndex cannot be less than zero" answer from the CLI.
   */
  omitBasicPrefix: boolean
}

const DEFAULT_CONFIG: PcareConfig = {
  baseUrl: PCARE_BASE_URLS.production,
  antreanBaseUrl: ANTREAN_BASE_URLS.production,
  kunjunganPath: 'kunjungan/V1',
  postContentType: 'text/plain',
  timeouts: { headersMs: 10_000, totalMs: 30_000 },
  omitBasicPrefix: false,
}

/**
 * The whole config from a partial one. An explicit `antreanBaseUrl` wins; without one, a given `baseUrl` implies its
 * Antrean sibling (antreanBaseUrlFor), and with neither the production hosts apply. Throws TypeError for a base URL
 * that is not http(s) or a timeout that is not positive.
 */
export function resolveConfig(partial: Partial<Omit<PcareConfig, 'timeouts'>> & { timeouts?: Partial<PcareTimeouts> } = {}): PcareConfig {
  const antreanBaseUrl = partial.antreanBaseUrl ?? (partial.baseUrl !== undefined ? antreanBaseUrlFor(partial.baseUrl) : DEFAULT_CONFIG.antreanBaseUrl)
  const cfg: PcareConfig = {
    ...DEFAULT_CONFIG,
    ...partial,
    antreanBaseUrl,
    timeouts: { ...DEFAULT_CONFIG.timeouts, ...(partial.timeouts ?? {}) },
  }
  for (const key of ['baseUrl', 'antreanBaseUrl'] as const) {
    const url = cfg[key]
    if (!/^https?:\/\/[^/]+/.test(url)) throw new TypeError(`PCare config ${key} is not an http(s) URL: ${url}`)
    cfg[key] = url.replace(/\/+$/, '')
  }
  cfg.kunjunganPath = cfg.kunjunganPath.replace(/^\/+|\/+$/g, '')
  if (!(cfg.timeouts.headersMs > 0 && cfg.timeouts.totalMs > 0)) throw new TypeError('PCare timeouts must be positive')
  return cfg
}
