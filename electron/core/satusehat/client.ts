import type { Bundle, BundleEntry, Location, OperationOutcome, Patient, Practitioner, Resource, ResourceType } from '@medplum/fhirtypes'
import { createLogger, type Logger } from '../log'
import { fetchWithTimeouts, networkCause } from '../util/http'
import { resolveSatusehatConfig, type SatusehatConfig, type SatusehatConfigInput } from './config'
import { classifySatusehat, retryAfterMs, SatusehatError } from './errors'
import { NIK_SYSTEM, SYSTEMS, sysIds } from './systems'
import { TokenManager, type SatusehatCredentials } from './token'

export interface SatusehatClientOptions {
  config: SatusehatConfigInput
  credentials: SatusehatCredentials
  /** Node's global fetch by default. */
  fetch?: typeof fetch
  /** Wall clock in ms (token expiry, Retry-After). */
  now?: () => number
  logger?: Logger
}

type Method = 'GET' | 'POST' | 'PUT'

/** A successful answer: status and parsed JSON body. */
export interface FhirAnswer<R> {
  status: number
  body: R
}

/** A Patient or Practitioner found by NIK: its IHS id and the display the platform returned (names are censored). */
export interface IhsRef {
  id: string
  display: string | null
}

/** One entry of a transaction-response, in request order (reference §2.8: SATUSEHAT adds resourceType/resourceID). */
export interface TransactionEntryResult {
  resourceType: string
  id: string
  status: string
}

/** A resource we create that carries one business identifier (system + value) to search by. */
type Identified = Resource & { identifier?: { system?: string; value?: string }[] }

/** `…/<Type>/<id>` or `…/<Type>/<id>/_history/<v>` → id (the Laravel fallback of reference §2.8). */
function idFromLocation(location: string | undefined, type: string): string | null {
  if (!location) return null
  const m = new RegExp(`(?:^|/)${type}/([^/]+)`).exec(location)
  return m ? m[1] : null
}

/**
 * The SATUSEHAT FHIR R4 client (docs/satusehat.md). Every call carries the cached Bearer token; a 401 drops the token
 * and retries once with a new one (libraries do the same; reference §3.5). Failures are SatusehatError from
 * classifySatusehat. Writes never post blind after an ambiguous failure: `create` searches by identifier first when
 * asked to reconcile, and a `duplicate` answer resolves to the existing id.
 */
export class SatusehatClient {
  readonly config: SatusehatConfig
  readonly token: TokenManager
  private readonly fetchImpl: typeof fetch
  private readonly now: () => number
  private readonly log: Logger

  constructor(opts: SatusehatClientOptions) {
    this.config = resolveSatusehatConfig(opts.config)
    this.fetchImpl = opts.fetch ?? fetch
    this.now = opts.now ?? Date.now
    this.log = opts.logger ?? createLogger({ scope: 'satusehat' })
    this.token = new TokenManager({
      tokenUrl: `${this.config.authBase}/${this.config.tokenPath}`,
      credentials: opts.credentials,
      refreshMarginMs: this.config.tokenRefreshMarginMs,
      failureWaitMs: this.config.tokenFailureWaitMs,
      timeoutMs: this.config.timeouts.totalMs,
      fetch: this.fetchImpl,
      now: this.now,
    })
  }

  /**
   * A raw FHIR call, `path` relative to fhirBase (`''` for a transaction Bundle), or relative to `base` (the KFA
   * base for `kfaProduct`). Throws SatusehatError.
   */
  async request<R>(method: Method, path: string, body?: unknown, base = this.config.fhirBase): Promise<FhirAnswer<R>> {
    const token = await this.token.get()
    try {
      return await this.send<R>(method, path, token, body, base)
    } catch (err) {
      if (!(err instanceof SatusehatError) || err.httpStatus !== 401) throw err
      // An expired or revoked token (the platform's clock or a restart elsewhere): one new token, one retry.
      this.token.invalidate(token)
      return this.send<R>(method, path, await this.token.get(), body, base)
    }
  }

  /**
   * A KFA product by its code (reference §4: `GET {kfaBase}/products?identifier=kfa&code=<kfa>`, the answer's
   * `result{kfa_code, name, active, …}`, null when KFA knows no such code). Throws SatusehatError.
   */
  async kfaProduct(code: string): Promise<{ code: string; name: string; active: boolean } | null> {
    const r = await this.request<{ result?: { kfa_code?: string; name?: string; active?: boolean } | null }>('GET', `products?identifier=kfa&code=${encodeURIComponent(code)}`, undefined, this.config.kfaBase)
    const p = r.body.result
    return p?.kfa_code && p.name ? { code: p.kfa_code, name: p.name, active: p.active !== false } : null
  }

  private async send<R>(method: Method, path: string, token: string, body: unknown, base: string): Promise<FhirAnswer<R>> {
    const url = path === '' ? base : `${base}/${path.replace(/^\/+/, '')}`
    const started = performance.now()
    // The path can hold a NIK (search by identifier); the logger masks 16-digit runs.
    const logPath = path.split('?')[0]
    try {
      const answer = await fetchWithTimeouts(
        this.fetchImpl,
        url,
        {
          method,
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        },
        this.config.timeouts,
      )
      if (!answer.ok) {
        throw classifySatusehat({ transport: answer.transport, method, phase: 'fhir', message: answer.transport === 'timeout' ? `no complete answer within the timeout (${logPath})` : `network error: ${networkCause(answer.error)}` })
      }
      const { res, text } = answer
      const facts = { httpStatus: res.status, body: text, contentType: res.headers.get('content-type'), method, phase: 'fhir' as const }
      if (res.status < 200 || res.status >= 300) throw classifySatusehat({ ...facts, retryAfterMs: retryAfterMs(res.headers.get('retry-after'), this.now()) })
      let parsed: R
      try {
        parsed = JSON.parse(text) as R
      } catch {
        throw classifySatusehat({ ...facts, message: `answer ${res.status} is not JSON` })
      }
      this.log.info('response', { method, path: logPath, httpStatus: res.status, ms: Math.round(performance.now() - started) })
      return { status: res.status, body: parsed }
    } catch (err) {
      if (err instanceof SatusehatError) this.log.warn('failed', { method, path: logPath, kind: err.kind, reason: err.reason, httpStatus: err.httpStatus, rules: err.rules, ms: Math.round(performance.now() - started) })
      throw err
    }
  }

  /** Credentials and organization check for the setup screen: a token, then `GET Organization/{orgId}`. */
  async ping(): Promise<{ organizationName: string | null }> {
    const org = await this.request<{ name?: string }>('GET', `Organization/${encodeURIComponent(this.config.orgId)}`)
    return { organizationName: org.body.name ?? null }
  }

  /** Resources of `type` whose identifier is `system|value` (a searchset; `total: 0` is an empty list, not an error). */
  async searchByIdentifier<T extends Resource>(type: ResourceType, system: string, value: string): Promise<T[]> {
    const q = encodeURIComponent(`${system}|${value}`)
    const r = await this.request<Bundle<T>>('GET', `${type}?identifier=${q}`)
    return (r.body.entry ?? []).flatMap((e) => (e.resource && e.resource.resourceType === type ? [e.resource] : []))
  }

  private async byNik<T extends Patient | Practitioner>(type: 'Patient' | 'Practitioner', nik: string): Promise<IhsRef | null> {
    // Found-nothing is HTTP 200 with total 0 and no entry, never 404 (reference §2.2).
    const [hit] = await this.searchByIdentifier<T>(type, NIK_SYSTEM, nik)
    if (!hit?.id) return null
    const name = hit.name?.[0]
    const display = name?.text ?? ([...(name?.given ?? []), name?.family ?? ''].join(' ').trim() || null)
    return { id: hit.id, display }
  }

  /** The Patient IHS id for a NIK (MPI); null when the platform holds none (`total: 0`). */
  patientByNik(nik: string): Promise<IhsRef | null> {
    return this.byNik<Patient>('Patient', nik)
  }

  /** The Practitioner IHS id for a clinician's NIK; null when none. A setup step, cached on the user. */
  practitionerByNik(nik: string): Promise<IhsRef | null> {
    return this.byNik<Practitioner>('Practitioner', nik)
  }

  /**
   * Create a resource that carries a business identifier, exactly once: with `reconcile` (an earlier attempt may
   * have landed: timeout, network, 5xx) it searches by the identifier first and adopts what it finds; a `duplicate`
   * answer is resolved the same way. Returns the server id and whether this call created it. Throws SatusehatError.
   */
  async create(resource: Identified, opts: { reconcile?: boolean } = {}): Promise<{ id: string; created: boolean }> {
    const ident = resource.identifier?.[0]
    const type = resource.resourceType
    const find = async (): Promise<string | null> => {
      if (!ident?.system || !ident.value) return null
      const [hit] = await this.searchByIdentifier(type, ident.system, ident.value)
      return hit?.id ?? null
    }
    if (opts.reconcile) {
      const id = await find()
      if (id) return { id, created: false }
    }
    try {
      const r = await this.request<Resource>('POST', type, resource)
      if (!r.body.id) throw classifySatusehat({ httpStatus: r.status, method: 'POST', phase: 'fhir', message: `create answer without id (${type})` })
      return { id: r.body.id, created: true }
    } catch (err) {
      if (err instanceof SatusehatError && err.reason === 'duplicate') {
        const id = await find()
        if (id) return { id, created: false }
      }
      throw err
    }
  }

  /** Replace a resource the platform holds (PUT `Type/id`, body with the same id): a correction, never a second resource. */
  async update<T extends Resource>(resource: T & { id: string }): Promise<T> {
    return (await this.request<T>('PUT', `${resource.resourceType}/${encodeURIComponent(resource.id)}`, resource)).body
  }

  async read<T extends Resource>(type: ResourceType, id: string): Promise<T> {
    return (await this.request<T>('GET', `${type}/${encodeURIComponent(id)}`)).body
  }

  /**
   * A poli as a Location, created or looked up by its `sys-ids…/location/{orgId}|<code>` identifier (a setup step;
   * reference §2.4). Returns the Location id.
   */
  async ensureLocation(poli: { code: string; name: string; description?: string }): Promise<string> {
    const location: Location = {
      resourceType: 'Location',
      identifier: [{ system: sysIds('location', this.config.orgId), value: poli.code }],
      status: 'active',
      name: poli.name,
      description: poli.description ?? poli.name,
      mode: 'instance',
      physicalType: { coding: [{ system: SYSTEMS.locationPhysicalType, code: 'ro', display: 'Room' }] },
      managingOrganization: { reference: `Organization/${this.config.orgId}` },
    }
    return (await this.create(location, { reconcile: true })).id
  }

  /**
   * POST a transaction Bundle to the FHIR base itself (not `/Bundle`; reference §2.8) and read each response entry's
   * resourceType and id (`resourceID`, else the id in `location`), in request order. Throws SatusehatError; a bundle
   * answer with fewer entries than sent is a transient bad_body that may have committed (reconcile by identifier).
   */
  async postBundle(bundle: Bundle): Promise<TransactionEntryResult[]> {
    const r = await this.request<Bundle | OperationOutcome>('POST', '', bundle)
    const sent = bundle.entry ?? []
    const got: BundleEntry[] = r.body.resourceType === 'Bundle' ? (r.body.entry ?? []) : []
    const results = sent.map((e, i): TransactionEntryResult | null => {
      const resp = got[i]?.response as (BundleEntry['response'] & { resourceType?: string; resourceID?: string }) | undefined
      const type = resp?.resourceType ?? e.resource?.resourceType ?? ''
      const id = resp?.resourceID ?? idFromLocation(resp?.location, type)
      return id ? { resourceType: type, id, status: resp?.status ?? '' } : null
    })
    if (results.some((x) => x === null)) {
      throw classifySatusehat({ httpStatus: r.status, method: 'POST', phase: 'fhir', message: `transaction answer names ${got.length} of ${sent.length} entries` })
    }
    return results as TransactionEntryResult[]
  }
}
