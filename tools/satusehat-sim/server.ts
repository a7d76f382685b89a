import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { Bundle, BundleEntry, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes'
import { createLogger, type Logger } from '../../electron/core/log'
import { issue, platformIssues, type RuleContext } from './rules'
import { KFA_PRODUCTS, MPI_PATIENTS, SEED_PRACTITIONERS, SIM_CLIENTS } from './seed'
import { closeNow, listenLocal, loadSimState, saveSimState } from '../lib/sim'
import { emptyState, type SimState } from './state'
import { ensureIndexed, fhirR4Issues } from './validate'

/**
 * Run-time faults (POST /__sim/faults):
 * - `token500`: the token call answers 500 text/plain;
 * - `plain5xx`: a FHIR call answers `status` (default 504) with a text/plain body, after applying the write when
 *   `commit` (an ambiguous failure: the reconcile-before-retry case);
 * - `slow`: the answer waits `delayMs` (default options.slowMs), the write applied first unless `commit: false`;
 * - `rate429`: 429 with Retry-After (`retryAfterSeconds`, default 1);
 * - `drop`: the connection is destroyed without an answer, after the write when `commit` (default true).
 */
export type SimFaultMode = 'none' | 'token500' | 'plain5xx' | 'slow' | 'rate429' | 'drop'

export interface SimFault {
  mode: SimFaultMode
  /** How many matching requests to affect; unlimited when absent. */
  count?: number
  /** Only FHIR paths starting with this (`Encounter`, `Patient`; `` matches the Bundle POST too). */
  pathPrefix?: string
  /** Only requests with this method (`POST` with pathPrefix `''` is the transaction Bundle alone). */
  method?: string
  commit?: boolean
  delayMs?: number
  status?: number
  retryAfterSeconds?: number
}

export interface SatusehatSimOptions {
  /** 0 (default) picks a free port; the host is always 127.0.0.1. */
  port?: number
  /** JSON file that keeps the state across restarts (crash tests). */
  statePath?: string
  /** Token lifetime in seconds: 3599 on the sandbox (default), 14399 seen in production, tiny for expiry tests. */
  tokenTtlSeconds?: number
  /** Status of the "one attempt per minute after a failure" refusal (UNCONFIRMED; reference §1.2). */
  tokenRateLimitStatus?: number
  /** Status of a `duplicate` refusal (UNCONFIRMED, likely 400; reference §3.2). */
  duplicateStatus?: number
  /** Refuse datetimes with an offset other than +00:00 (documented contract; field practice says any offset). */
  utcOnly?: boolean
  /** Refuse a finished Encounter without arrived, in-progress and finished in statusHistory. */
  requireStatusHistory?: boolean
  /** How far in the future a time may be before rule 10132 (the real tolerance is UNCONFIRMED). */
  skewSeconds?: number
  /** Apply a failing Bundle's entries up to the first bad one (atomicity is UNCONFIRMED; reference §2.8). */
  bundlePartialApply?: boolean
  slowMs?: number
  now?: () => number
  logger?: Logger
}

type Opts = Required<Omit<SatusehatSimOptions, 'port' | 'statePath' | 'logger' | 'now'>>

export interface SatusehatSimulator {
  readonly url: string
  readonly authBase: string
  readonly fhirBase: string
  readonly kfaBase: string
  /** The simulator's own fake credentials (first client) and the org they are bound to. */
  readonly credentials: { clientId: string; clientSecret: string; orgId: string }
  state(): SimState
  /** Stored resources of a type (tests count them to prove no second Encounter). */
  resources(type: string): Resource[]
  setFault(fault: SimFault): void
  setOptions(opts: Partial<Opts>): void
  reset(): void
  close(): Promise<void>
}

interface Reply {
  status: number
  body: string
  contentType: string
  headers?: Record<string, string>
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body: JSON.stringify(body), contentType: 'application/json', headers })
const text = (status: number, body: string): Reply => ({ status, body, contentType: 'text/plain' })
const outcome = (status: number, issues: OperationOutcomeIssue[]): Reply => json(status, { resourceType: 'OperationOutcome', text: { status: 'generated' }, issue: issues })

const WRITABLE = new Set(['Location', 'Encounter', 'Condition', 'Observation', 'MedicationRequest'])
const STATUS_ORDER = ['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished']
/**
 * Encounter status moves (FHIR R4's state machine as we read it; the platform's own rules are not public): forward along
 * STATUS_ORDER; `entered-in-error` from any status; `cancelled` only before `finished`; nothing leaves either of them.
 */
function encounterMove(from: string, to: string): boolean {
  if (from === to) return true
  if (from === 'entered-in-error' || from === 'cancelled') return false
  if (to === 'entered-in-error') return true
  if (to === 'cancelled') return from !== 'finished'
  return STATUS_ORDER.indexOf(to) >= STATUS_ORDER.indexOf(from)
}
const BUSINESS_RULE = 'resource cannot be accessed due to business rule'

/** Platform timestamps: microseconds and +00:00, like `meta.lastUpdated` in the reference's examples. */
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00')

/**
 * A protocol-faithful SATUSEHAT on 127.0.0.1 (docs/satusehat.md#simulator): the Apigee-style token with string
 * numbers and expiry, FHIR R4 validation by Medplum's validator plus the platform rules (rules.ts), duplicates by
 * identifier, transaction Bundles answered with resourceType/resourceID per entry, and run-time faults.
 */
export async function startSatusehatSimulator(options: SatusehatSimOptions = {}): Promise<SatusehatSimulator> {
  const log = options.logger ?? createLogger({ scope: 'satusehat-sim' })
  ensureIndexed()
  const now = options.now ?? Date.now
  const opts: Opts = {
    tokenTtlSeconds: 3599,
    tokenRateLimitStatus: 429,
    duplicateStatus: 400,
    utcOnly: false,
    requireStatusHistory: true,
    skewSeconds: 60,
    bundlePartialApply: false,
    slowMs: 35_000,
    ...Object.fromEntries(Object.entries(options).filter(([k, v]) => v !== undefined && !['port', 'statePath', 'logger', 'now'].includes(k))),
  }
  let state = loadSimState(options.statePath, emptyState)
  let fault: SimFault = { mode: 'none' }
  const persist = (): void => saveSimState(options.statePath, state)
  const bump = (m: Record<string, number>, type: string): void => {
    m[type] = (m[type] ?? 0) + 1
  }
  const store = (type: string): Record<string, { resource: Resource; orgId: string; version: number }> => (state.resources[type] ??= {})

  const exists = (type: string, id: string): boolean => {
    if (type === 'Patient') return MPI_PATIENTS.some((p) => p.id === id)
    if (type === 'Practitioner') return SEED_PRACTITIONERS.some((p) => p.id === id)
    if (type === 'Organization') return SIM_CLIENTS.some((c) => c.orgId === id)
    return Boolean(state.resources[type]?.[id])
  }

  /* ---- token ---- */
  function token(req: URL, form: URLSearchParams): Reply {
    state.counts.tokenCalls++
    const clientId = form.get('client_id') ?? ''
    const failedAt = state.tokenFailedAt[clientId]
    if (failedAt !== undefined && now() - failedAt < 60_000) {
      return text(opts.tokenRateLimitStatus, 'Authentication temporarily cannot be performed due to the rate limit policy. Rate limit: 1 request per minute after a failed attempt.')
    }
    const client = SIM_CLIENTS.find((c) => c.clientId === clientId && c.clientSecret === form.get('client_secret'))
    if (req.searchParams.get('grant_type') !== 'client_credentials' || !client) {
      state.tokenFailedAt[clientId] = now()
      persist()
      return json(401, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'invalid', code: 'value', details: { text: 'The user or system was not able to be authenticated (either client_id or client_secret combination is unacceptable)' } }],
      })
    }
    delete state.tokenFailedAt[clientId]
    const issuedAt = now()
    const access = randomBytes(18).toString('base64url')
    state.tokens = state.tokens.filter((t) => t.expiresAtMs > issuedAt)
    state.tokens.push({ token: access, clientId, orgId: client.orgId, expiresAtMs: issuedAt + opts.tokenTtlSeconds * 1000 })
    persist()
    return json(200, {
      refresh_token_expires_in: '0',
      api_product_list: '[api-satusehat-sim]',
      api_product_list_json: ['api-satusehat-sim'],
      organization_name: 'ihs-sim',
      'developer.email': 'sim@example.invalid',
      token_type: 'BearerToken',
      issued_at: String(issuedAt),
      client_id: clientId,
      access_token: access,
      application_name: '00000000-0000-0000-0000-000000000000',
      scope: '',
      expires_in: String(opts.tokenTtlSeconds),
      refresh_count: '0',
      status: 'approved',
    })
  }

  /** The org of a valid Bearer token, or null (missing, unknown or expired). */
  function bearerOrg(req: IncomingMessage): string | null {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')
    const t = m ? state.tokens.find((x) => x.token === m[1]) : undefined
    return t && t.expiresAtMs > now() ? t.orgId : null
  }

  /* ---- validation ---- */
  const ruleContext = (orgId: string, extraIds: Map<string, Set<string>> = new Map()): RuleContext => ({
    orgId,
    nowMs: now(),
    skewMs: opts.skewSeconds * 1000,
    utcOnly: opts.utcOnly,
    requireStatusHistory: opts.requireStatusHistory,
    exists: (type, id) => exists(type, id) || Boolean(extraIds.get(type)?.has(id)),
  })

  function issuesOf(r: Resource, ctx: RuleContext, path: string): OperationOutcomeIssue[] {
    const platform = platformIssues(r, ctx, path)
    const base = fhirR4Issues(r).map((i) => ({ ...i, expression: (i.expression ?? []).map((e) => e.replace(new RegExp(`^${r.resourceType}`), path)) }))
    return [...platform, ...base]
  }

  const identKeys = (r: Resource): string[] => ((r as { identifier?: { system?: string; value?: string }[] }).identifier ?? []).map((i) => `${i.system}|${i.value}`)
  function duplicateOf(r: Resource, alsoTaken: Set<string> = new Set()): boolean {
    const keys = identKeys(r)
    if (keys.some((k) => alsoTaken.has(`${r.resourceType}|${k}`))) return true
    return Object.values(state.resources[r.resourceType] ?? {}).some((s) => identKeys(s.resource).some((k) => keys.includes(k)))
  }
  const duplicateReply = (type: string): Reply => {
    bump(state.counts.duplicatesRejected, type)
    persist()
    return outcome(opts.duplicateStatus, [issue('duplicate', `Found duplicate resource: ${type}`)])
  }

  function saved(type: string, id: string, r: Resource, orgId: string, version: number): Resource {
    const resource = { ...r, id, meta: { ...(r.meta ?? {}), versionId: String(version), lastUpdated: stamp(now()) } } as Resource
    store(type)[id] = { resource, orgId, version }
    bump(version === 1 ? state.counts.created : state.counts.updated, type)
    return resource
  }

  /** Checks of a PUT against what is stored: the same id and identifier, the org, status only forward. */
  function updateIssues(r: Resource, id: string, orgId: string, path: string): { status: number; issues: OperationOutcomeIssue[] } | null {
    const cur = state.resources[r.resourceType]?.[id]
    if (!cur) return { status: 404, issues: [{ severity: 'error', code: 'not-found', details: { text: `Resource ${r.resourceType}/${id} not found` } }] }
    if (cur.orgId !== orgId) return { status: 403, issues: [issue('value', BUSINESS_RULE)] }
    if (r.id !== id) return { status: 400, issues: [issue('value', `Element not found: ${path}.id (RuleNumber: 10263)`, `${path}.id`)] }
    const before = identKeys(cur.resource)
    if (before.length && !identKeys(r).some((k) => before.includes(k))) return { status: 400, issues: [issue('value', `Identifier cannot be changed: ${path}.identifier`, `${path}.identifier`)] }
    if (r.resourceType === 'Encounter' && cur.resource.resourceType === 'Encounter' && !encounterMove(cur.resource.status, r.status)) {
      return { status: 400, issues: [issue('value', `Invalid status transition: ${cur.resource.status} to ${r.status}`, `${path}.status`)] }
    }
    return null
  }

  /* ---- FHIR ---- */
  function searchset(type: string, resources: Resource[], url: string): Reply {
    return json(200, {
      resourceType: 'Bundle',
      type: 'searchset',
      total: resources.length,
      link: [{ relation: 'self', url }],
      ...(resources.length ? { entry: resources.map((r) => ({ fullUrl: `${fhirBase}/${type}/${r.id}`, resource: r, search: { mode: 'match' } })) } : {}),
    })
  }

  function search(type: string, q: URLSearchParams, url: string): Reply {
    const identifier = q.get('identifier')
    if (type === 'Patient' || type === 'Practitioner') {
      const nik = identifier?.startsWith('https://fhir.kemkes.go.id/id/nik|') ? identifier.split('|')[1] : null
      const seeds = type === 'Patient' ? MPI_PATIENTS : SEED_PRACTITIONERS
      const hits = seeds.filter((p) => p.nik === nik).map((p) => personResource(type, p))
      return searchset(type, hits, url)
    }
    let hits = Object.values(state.resources[type] ?? {}).map((s) => s.resource)
    if (identifier) hits = hits.filter((r) => identKeys(r).includes(identifier))
    const byRef = (param: string, field: string, refType: string): void => {
      const v = q.get(param)
      if (v) hits = hits.filter((r) => (r as unknown as Record<string, { reference?: string }>)[field]?.reference === (v.includes('/') ? v : `${refType}/${v}`))
    }
    byRef('encounter', 'encounter', 'Encounter')
    byRef('subject', 'subject', 'Patient')
    byRef('organization', 'managingOrganization', 'Organization')
    return searchset(type, hits, url)
  }

  function personResource(type: 'Patient' | 'Practitioner', p: { nik: string; id: string; name: string }): Resource {
    return {
      resourceType: type,
      id: p.id,
      active: true,
      identifier: [{ system: 'https://fhir.kemkes.go.id/id/nik', use: 'official', value: p.nik }],
      name: [{ use: 'official', text: p.name }],
      meta: { versionId: '1', lastUpdated: stamp(now()) },
    } as Resource
  }

  function read(type: string, id: string, orgId: string): Reply {
    if (type === 'Organization') {
      if (!exists(type, id)) return outcome(404, [{ severity: 'error', code: 'not-found', details: { text: `Resource Organization/${id} not found` } }])
      if (id !== orgId) return outcome(403, [issue('value', BUSINESS_RULE)])
      return json(200, { resourceType: 'Organization', id, active: true, name: `Faskes simulator ${id}` })
    }
    if (type === 'Patient' || type === 'Practitioner') {
      const p = (type === 'Patient' ? MPI_PATIENTS : SEED_PRACTITIONERS).find((x) => x.id === id)
      return p ? json(200, personResource(type, p)) : outcome(404, [{ severity: 'error', code: 'not-found', details: { text: `Resource ${type}/${id} not found` } }])
    }
    const s = state.resources[type]?.[id]
    return s ? json(200, s.resource) : outcome(404, [{ severity: 'error', code: 'not-found', details: { text: `Resource ${type}/${id} not found` } }])
  }

  function create(type: string, body: Resource, orgId: string): Reply {
    if (body.resourceType !== type) return outcome(400, [issue('value', `Element not found: ${type}.resourceType (RuleNumber: 10263)`)])
    const r = { ...body } as Resource
    delete (r as { id?: string }).id
    const issues = issuesOf(r, ruleContext(orgId), type)
    if (issues.length) return outcome(400, issues)
    if (duplicateOf(r)) return duplicateReply(type)
    const out = saved(type, randomUUID(), r, orgId, 1)
    persist()
    return json(201, out)
  }

  function update(type: string, id: string, body: Resource, orgId: string): Reply {
    if (body.resourceType !== type) return outcome(400, [issue('value', `Element not found: ${type}.resourceType (RuleNumber: 10263)`)])
    const refused = updateIssues(body, id, orgId, type)
    if (refused) return outcome(refused.status, refused.issues)
    const issues = issuesOf(body, ruleContext(orgId), type)
    if (issues.length) return outcome(400, issues)
    const out = saved(type, id, body, orgId, (state.resources[type][id].version ?? 1) + 1)
    persist()
    return json(200, out)
  }

  /** Replace `urn:uuid:` references by `Type/id` everywhere in a resource. */
  function resolveRefs<T>(node: T, urns: Map<string, string>): T {
    if (Array.isArray(node)) return node.map((x) => resolveRefs(x, urns)) as T
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'reference' && typeof v === 'string' && urns.has(v) ? urns.get(v) : resolveRefs(v, urns)])) as T
    }
    return node
  }

  function transaction(bundle: Bundle, orgId: string): Reply {
    if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') return outcome(400, [issue('value', 'Bundle.type must be transaction', 'Bundle.type')])
    const entries: BundleEntry[] = bundle.entry ?? []
    const urns = new Map<string, string>()
    const pending = new Map<string, Set<string>>()
    const plan = entries.map((e) => {
      const type = e.resource?.resourceType ?? ''
      const method = e.request?.method
      const id = method === 'PUT' ? (e.request?.url ?? '').split('/')[1] ?? '' : randomUUID()
      if (e.fullUrl?.startsWith('urn:uuid:')) urns.set(e.fullUrl, `${type}/${id}`)
      if (!pending.has(type)) pending.set(type, new Set())
      pending.get(type)?.add(id)
      return { type, method, id }
    })
    const ctx = ruleContext(orgId, pending)
    const taken = new Set<string>()
    const results: BundleEntry[] = []
    const allIssues: OperationOutcomeIssue[] = []
    let applied = false
    const applyOne = (i: number, r: Resource): BundleEntry => {
      const p = plan[i]
      const version = p.method === 'PUT' ? (state.resources[p.type][p.id].version ?? 1) + 1 : 1
      const out = saved(p.type, p.id, { ...r, id: p.id } as Resource, orgId, version)
      applied = true
      return {
        response: {
          status: p.method === 'PUT' ? '200 OK' : '201 Created',
          location: `${fhirBase}/${p.type}/${p.id}/_history/${version}`,
          etag: `W/"${version}"`,
          lastModified: out.meta?.lastUpdated,
          resourceType: p.type,
          resourceID: p.id,
        } as BundleEntry['response'],
      }
    }
    for (let i = 0; i < entries.length; i++) {
      const p = plan[i]
      const path = `Bundle.entry[${i}].resource`
      const r = resolveRefs(entries[i].resource, urns)
      let issues: OperationOutcomeIssue[]
      let status = 400
      if (!r || !WRITABLE.has(p.type) || (p.method !== 'POST' && p.method !== 'PUT') || (p.method === 'POST' && entries[i].request?.url !== p.type)) {
        issues = [issue('value', `Element not found: Bundle.entry[${i}].request (RuleNumber: 10263)`, `Bundle.entry[${i}].request`)]
      } else if (p.method === 'PUT') {
        const refused = updateIssues(r, p.id, orgId, path)
        if (refused) [status, issues] = [refused.status, refused.issues]
        else issues = issuesOf(r, ctx, path)
      } else {
        issues = issuesOf(r, ctx, path)
        if (!issues.length && duplicateOf(r, taken)) {
          bump(state.counts.duplicatesRejected, p.type)
          issues = [issue('duplicate', `Found duplicate resource: ${p.type}`, path)]
          status = opts.duplicateStatus
        }
        for (const k of identKeys(r)) taken.add(`${p.type}|${k}`)
      }
      if (issues.length) {
        allIssues.push(...issues)
        if (opts.bundlePartialApply) {
          persist()
          return outcome(status, allIssues)
        }
        continue
      }
      if (opts.bundlePartialApply && r) results.push(applyOne(i, r))
    }
    if (allIssues.length) return outcome(400, allIssues)
    if (!opts.bundlePartialApply) entries.forEach((e, i) => results.push(applyOne(i, resolveRefs(e.resource, urns) as Resource)))
    if (applied) persist()
    return json(200, { resourceType: 'Bundle', type: 'transaction-response', entry: results })
  }

  function fhir(method: string, path: string, url: URL, body: unknown, orgId: string): Reply {
    const [type, id, ...rest] = path.split('/').filter(Boolean)
    if (rest.length) return outcome(404, [{ severity: 'error', code: 'not-found', details: { text: `Unknown path ${path}` } }])
    if (method === 'POST' && !type) return transaction(body as Bundle, orgId)
    if (method === 'GET' && type && id) return read(type, id, orgId)
    if (method === 'GET' && type) return search(type, url.searchParams, url.toString())
    if (method === 'POST' && type && !id && WRITABLE.has(type)) return create(type, body as Resource, orgId)
    if (method === 'PUT' && type && id && WRITABLE.has(type)) return update(type, id, body as Resource, orgId)
    return outcome(405, [{ severity: 'error', code: 'not-supported', details: { text: `${method} ${path} is not supported` } }])
  }

  function kfa(url: URL): Reply {
    const code = url.searchParams.get('code')
    const keyword = (url.searchParams.get('keyword') ?? '').toLowerCase()
    if (url.pathname.endsWith('/products')) {
      const p = KFA_PRODUCTS.find((x) => x.kfa_code === code)
      return json(200, { search_code: code, search_identifier: url.searchParams.get('identifier'), result: p ? { ...p, active: true, state: 'valid' } : null })
    }
    const items = KFA_PRODUCTS.filter((p) => p.name.toLowerCase().includes(keyword))
    return json(200, { total: items.length, page: 1, size: items.length, items: { data: items } })
  }

  /* ---- dispatch ---- */
  const FHIR = '/fhir-r4/v1'
  const takeFault = (kind: 'token' | 'fhir', path: string, method = 'GET'): SimFault | null => {
    if (fault.mode === 'none') return null
    if ((fault.mode === 'token500') !== (kind === 'token')) return null
    if (kind === 'fhir' && fault.pathPrefix !== undefined && !path.startsWith(fault.pathPrefix)) return null
    if (kind === 'fhir' && fault.method !== undefined && fault.method !== method) return null
    const f = fault
    if (f.count !== undefined) {
      const left = f.count - 1
      fault = left > 0 ? { ...f, count: left } : { mode: 'none' }
    }
    return f
  }

  async function handle(req: IncomingMessage, raw: string): Promise<Reply | 'dropped'> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    if (url.pathname === '/__sim/state' && method === 'GET') return json(200, { counts: state.counts, resources: Object.fromEntries(Object.entries(state.resources).map(([t, m]) => [t, Object.keys(m).length])), fault })
    if (url.pathname === '/__sim/faults' && method === 'POST') {
      fault = JSON.parse(raw) as SimFault
      return json(200, { fault })
    }
    if (url.pathname === '/__sim/reset' && method === 'POST') {
      state = emptyState()
      fault = { mode: 'none' }
      persist()
      return json(200, { ok: true })
    }
    if (url.pathname === '/oauth2/v1/accesstoken' && method === 'POST') {
      if (takeFault('token', '')) return text(500, 'Internal Server Error')
      return token(url, new URLSearchParams(raw))
    }
    const isFhir = url.pathname === FHIR || url.pathname.startsWith(`${FHIR}/`)
    const isKfa = url.pathname.startsWith('/kfa-v2/')
    if (!isFhir && !isKfa) return text(404, 'Not Found')
    const orgId = bearerOrg(req)
    // The gateway's own answer to a missing, unknown or expired token (Apigee-like; body shape UNCONFIRMED, §3.2).
    if (!orgId) return json(401, { fault: { faultstring: 'Invalid Access Token', detail: { errorcode: 'keymanagement.service.invalid_access_token' } } })
    if (isKfa) return kfa(url)
    const path = url.pathname.slice(FHIR.length).replace(/^\/+/, '')
    const f = takeFault('fhir', path, req.method ?? 'GET')
    if (f?.mode === 'rate429') return { ...text(429, 'Too Many Requests'), headers: { 'Retry-After': String(f.retryAfterSeconds ?? 1) } }
    const commit = f?.commit ?? (f?.mode === 'slow' || f?.mode === 'drop')
    if (f && !commit) {
      if (f.mode === 'plain5xx') return text(f.status ?? 504, 'Gateway Timeout')
      if (f.mode === 'drop') return 'dropped'
    }
    let body: unknown
    try {
      body = raw === '' ? undefined : JSON.parse(raw)
    } catch {
      return outcome(400, [issue('structure', 'Body is not JSON')])
    }
    const reply = fhir(method, path, url, body, orgId)
    if (f?.mode === 'plain5xx') return text(f.status ?? 504, 'Gateway Timeout')
    if (f?.mode === 'drop') return 'dropped'
    if (f?.mode === 'slow') await new Promise((r) => setTimeout(r, f.delayMs ?? opts.slowMs))
    return reply
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      handle(req, Buffer.concat(chunks).toString('utf8'))
        .then((reply) => {
          if (reply === 'dropped') {
            req.socket.destroy()
            return
          }
          log.debug('answer', { method: req.method, path: (req.url ?? '').split('?')[0], status: reply.status })
          if (res.destroyed) return
          res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'X-Request-Id': randomUUID(), ...(reply.headers ?? {}) })
          res.end(reply.body)
        })
        .catch((err: unknown) => {
          log.error('simulator failure', { error: err instanceof Error ? err.message : String(err) })
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' })
          res.end('Internal Server Error')
        })
    })
  })
  const { url } = await listenLocal(server, options.port)
  const fhirBase = `${url}${FHIR}`
  const first = SIM_CLIENTS[0]
  return {
    url,
    authBase: `${url}/oauth2/v1`,
    fhirBase,
    kfaBase: `${url}/kfa-v2`,
    credentials: { clientId: first.clientId, clientSecret: first.clientSecret, orgId: first.orgId },
    state: () => state,
    resources: (type) => Object.values(state.resources[type] ?? {}).map((s) => s.resource),
    setFault: (f) => {
      fault = f
    },
    setOptions: (o) => Object.assign(opts, o),
    reset: () => {
      state = emptyState()
      fault = { mode: 'none' }
      persist()
    },
    close: () => closeNow(server),
  }
}
