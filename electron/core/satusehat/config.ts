/**
 * SATUSEHAT client configuration: hosts, paths, timeouts and every behaviour the reference could not confirm against
 * the real platform (docs/satusehat.md#unconfirmed lists each with its source and default). Nothing is derived from
 * anything else: the auth, FHIR and KFA bases are set one by one (mlite derives the KFA host from the auth URL, which
 * breaks behind a proxy; reference §1.1).
 */

import type { RetractEncounterStatus } from './retract'

/** Known hosts (reference §1.1: official MPI REST page, agumil `Endpoint.php`, ivanwilliammd `.env.example`). */
export const SATUSEHAT_HOSTS = {
  production: {
    authBase: 'https://api-satusehat.kemkes.go.id/oauth2/v1',
    fhirBase: 'https://api-satusehat.kemkes.go.id/fhir-r4/v1',
    kfaBase: 'https://api-satusehat.kemkes.go.id/kfa-v2',
  },
  sandbox: {
    authBase: 'https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1',
    fhirBase: 'https://api-satusehat-stg.dto.kemkes.go.id/fhir-r4/v1',
    kfaBase: 'https://api-satusehat-stg.dto.kemkes.go.id/kfa-v2',
  },
} as const

/** The facility's IANA zone (Indonesia has no daylight saving, so each is a fixed offset). */
export type FaskesZone = 'Asia/Jakarta' | 'Asia/Makassar' | 'Asia/Jayapura'

/**
 * How an Encounter reaches the platform (reference §2.5):
 * - `bundle`: created already `finished` with its full statusHistory, in one transaction Bundle with its Conditions,
 *   Observations and MedicationRequests (mlite's bundle path; the platform accepts it today, long-term UNCONFIRMED);
 * - `status-path`: POST `arrived` at registration, PUT `in-progress`, PUT `finished` with the diagnoses (the
 *   official playbook §27 lifecycle), the other resources posted one by one.
 */
type EncounterStyle = 'bundle' | 'status-path'

/**
 * How datetimes are written (reference §2.9): `utc` = `YYYY-MM-DDThh:mm:ss+00:00`, the documented contract; `zone` =
 * the same instant with the faskes's own offset (`+07:00`), which Khanza, Mihaaq and mlite's single sends use and the
 * platform accepted. Whether `Z` or milliseconds are accepted is UNCONFIRMED, so neither is ever written.
 */
export type TimeStyle = 'utc' | 'zone'

interface SatusehatTimeouts {
  /** Until the response headers arrive. */
  headersMs: number
  /** Whole request including the body. */
  totalMs: number
}

export interface SatusehatConfig {
  authBase: string
  fhirBase: string
  kfaBase: string
  /** The faskes's Organization IHS id, bound to the credentials; used in every `sys-ids` system and serviceProvider. */
  orgId: string
  zone: FaskesZone
  encounterStyle: EncounterStyle
  timeStyle: TimeStyle
  /** Token path under authBase; `grant_type` always goes in the query (reference §1.2, every source). */
  tokenPath: string
  /**
   * Refresh this long before `expires_in` runs out (reference §1.2: agumil, Mihaaq and faskesku all subtract 60 s).
   */
  tokenRefreshMarginMs: number
  /** After a failed token call, no new one before this long (the platform allows one per minute; reference §1.2). */
  tokenFailureWaitMs: number
  /**
   * HTTP statuses that may carry a `duplicate` OperationOutcome (400 likely, 409 possible; UNCONFIRMED, reference
   * §8.1). The classifier reads `issue.code` whatever the status; this list only widens what counts when a body
   * names no issue code but says "duplicate".
   */
  duplicateStatuses: number[]
  /** Send `Encounter.diagnosis` on the finished Encounter (faskesku strips it after rule 10457; reference §2.5). */
  encounterDiagnosis: boolean
  /** Send `Encounter.statusHistory` (faskesku toggles it both ways; reference §3.5). */
  statusHistory: boolean
  /**
   * Accepted clock skew in ms when refusing future times: a time later than now + this is a local error, never sent
   * (the platform rejects future times with rule 10132; reference §2.9).
   */
  futureSkewMs: number
  /**
   * The status a deleted kunjungan's Encounter is PUT with (retract.ts): FHIR R4's `entered-in-error` by default,
   * `cancelled` as the alternative; which one SATUSEHAT expects is UNCONFIRMED (the reference names neither).
   */
  retractEncounterStatus: RetractEncounterStatus
  timeouts: SatusehatTimeouts
}

/** What callers may leave out; orgId has no sensible default. */
export type SatusehatConfigInput = Partial<Omit<SatusehatConfig, 'timeouts' | 'orgId'>> & { orgId: string; timeouts?: Partial<SatusehatTimeouts> }

const DEFAULTS: Omit<SatusehatConfig, 'orgId'> = {
  ...SATUSEHAT_HOSTS.production,
  zone: 'Asia/Jakarta',
  encounterStyle: 'bundle',
  timeStyle: 'utc',
  tokenPath: 'accesstoken',
  tokenRefreshMarginMs: 60_000,
  tokenFailureWaitMs: 60_000,
  duplicateStatuses: [400, 409, 422],
  encounterDiagnosis: true,
  statusHistory: true,
  futureSkewMs: 60_000,
  retractEncounterStatus: 'entered-in-error',
  timeouts: { headersMs: 15_000, totalMs: 30_000 },
}

/**
 * The whole config from a partial one, production hosts by default. Throws TypeError for a base that is not
 * http(s), an empty orgId, or a timeout or margin that is not a positive number.
 */
export function resolveSatusehatConfig(input: SatusehatConfigInput): SatusehatConfig {
  const cfg: SatusehatConfig = { ...DEFAULTS, ...input, timeouts: { ...DEFAULTS.timeouts, ...(input.timeouts ?? {}) } }
  for (const key of ['authBase', 'fhirBase', 'kfaBase'] as const) {
    if (!/^https?:\/\/[^/]+/.test(cfg[key])) throw new TypeError(`SATUSEHAT config ${key} is not an http(s) URL: ${cfg[key]}`)
    cfg[key] = cfg[key].replace(/\/+$/, '')
  }
  if (!/^[A-Za-z0-9-]+$/.test(cfg.orgId)) throw new TypeError('SATUSEHAT config orgId must be the Organization IHS id')
  cfg.tokenPath = cfg.tokenPath.replace(/^\/+|\/+$/g, '')
  const positive = [cfg.timeouts.headersMs, cfg.timeouts.totalMs, cfg.tokenFailureWaitMs]
  if (!positive.every((n) => Number.isFinite(n) && n > 0)) throw new TypeError('SATUSEHAT timeouts must be positive')
  if (!(cfg.tokenRefreshMarginMs >= 0 && cfg.futureSkewMs >= 0)) throw new TypeError('SATUSEHAT margins must not be negative')
  return cfg
}
