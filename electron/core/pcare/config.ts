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

/** The Content-Type PCare POSTs go with: one of the settings' choices (declared in the contract). */
export type PostContentType = Settings['pcare']['postContentType']

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

export const DEFAULT_CONFIG: PcareConfig = {
  baseUrl: PCARE_BASE_URLS.production,
  antreanBaseUrl: ANTREAN_BASE_URLS.production,
  kunjunganPath: 'kunjungan/V1',
  postContentType: 'text/plain',
  timeouts: { headersMs: 10_000, totalMs: 30_000 },
  omitBasicPrefix: false,
}

export function resolveConfig(partial: Partial<Omit<PcareConfig, 'timeouts'>> & { timeouts?: Partial<PcareTimeouts> } = {}): PcareConfig {
  const cfg: PcareConfig = {
    ...DEFAULT_CONFIG,
    ...partial,
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
