import { createHash } from 'node:crypto'
import { request } from 'node:https'
import type { ErrorCode } from '../../contract'
import type { ServerMessageKey } from '../../contract/messages'
import { AppError, msg } from '../errors'
import type { DigestSigner } from './csr'

/**
 * A Fabric CA server (fabric-ca-server 1.5) as the workstation reaches it: its https URL, the CA name inside the
 * server (`caname`; null = the server's default CA) and the PEM the CA's TLS server certificate chains to.
 */
export interface CaEndpoint {
  url: string
  caName: string | null
  tlsCaPem: string
  /** Per-request deadline in ms (default CA_TIMEOUT_MS). */
  timeoutMs?: number
}

/** One CA call may take this long before the workstation says the CA is unreachable (ms). */
const CA_TIMEOUT_MS = 15_000

/** Why an enrolment failed, in the words the page shows (keys in contract/messages.ts). */
export type EnrolmentFailure = 'auth' | 'locked' | 'unreachable' | 'tls' | 'missingAttr' | 'refused' | 'badCert' | 'token'

const FAILURE: Record<EnrolmentFailure, { code: ErrorCode; key: ServerMessageKey }> = {
  auth: { code: 'FORBIDDEN', key: 'ledger.caAuth' },
  locked: { code: 'FORBIDDEN', key: 'ledger.caLocked' },
  unreachable: { code: 'UNAVAILABLE', key: 'ledger.caUnreachable' },
  tls: { code: 'UNAVAILABLE', key: 'ledger.caTls' },
  missingAttr: { code: 'FORBIDDEN', key: 'ledger.caMissingAttr' },
  refused: { code: 'UNAVAILABLE', key: 'ledger.caRefused' },
  badCert: { code: 'CONFLICT', key: 'ledger.certRefused' },
  token: { code: 'UNAVAILABLE', key: 'ledger.tokenFailed' },
}

/**
 * An enrolment step failed. `failure` says which way (tests and callers branch on it); the message is the staff
 * sentence of that failure with `detail` (the CA's or TLS's own words, English) as a parameter for support.
 */
export class EnrolmentError extends AppError {
  constructor(
    readonly failure: EnrolmentFailure,
    readonly detail: string,
  ) {
    super(FAILURE[failure].code, msg(FAILURE[failure].key, { detail }))
  }
}

/** Fabric CA's answer envelope (fabric-ca api/net.go; cfssl api.Response): `result` on success, `errors` otherwise. */
interface CaResponse<T> {
  success: boolean
  result?: T
  errors?: { code: number; message: string }[]
}

/** fabric-ca lib/caerrors: 20 = the generic "Authentication failure" every enrol login failure answers remotely. */
const CA_ERR_AUTHENTICATION = 20
/** fabric-ca lib/caerrors ErrPasswordAttempts: too many wrong secrets, the identity is locked until an admin resets it. */
const CA_ERR_PASSWORD_ATTEMPTS = 73

/** The TLS error codes of Node that mean "the server is not the one the configured certificate names". */
const TLS_CODES = /^(?:ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_SIGNATURE_FAILURE|CERT_HAS_EXPIRED|CERT_UNTRUSTED|ERR_SSL_.*)$/

/**
 * Maps a failed CA answer to the staff failure. Remotely Fabric CA hides why a login failed: a wrong secret, an
 * unknown id, a used one-time secret (max enrollments reached) and a revoked identity all answer HTTP 401 code 20
 * "Authentication failure" (fabric-ca lib/caerrors NewAuthenticationErr), so the workstation cannot tell them apart
 * and says all of them in one sentence.
 */
export function caFailure(status: number, errors: { code: number; message: string }[]): EnrolmentError {
  const detail = errors.map((e) => `${e.code}: ${e.message}`).join('; ') || `HTTP ${status}`
  if (errors.some((e) => e.code === CA_ERR_PASSWORD_ATTEMPTS)) return new EnrolmentError('locked', detail)
  if (status === 401 || errors.some((e) => e.code === CA_ERR_AUTHENTICATION)) return new EnrolmentError('auth', detail)
  // lib/attrmgr: "The following required attributes are missing: [kdPPK]" (attr_reqs without optional).
  if (errors.some((e) => /required attributes are missing/i.test(e.message))) return new EnrolmentError('missingAttr', detail)
  return new EnrolmentError('refused', detail)
}

/** Maps a transport failure (no HTTP answer) to unreachable or TLS. */
export function transportFailure(err: unknown): EnrolmentError {
  const e = err as NodeJS.ErrnoException
  const detail = `${e?.code ?? ''} ${e?.message ?? String(err)}`.trim()
  return new EnrolmentError(e?.code && TLS_CODES.test(e.code) ? 'tls' : 'unreachable', detail)
}

type Auth = { basic: { id: string; secret: string } } | { token: { certPem: string; sign: DigestSigner } }

/**
 * Fabric CA's token for x509 callers (fabric-ca util.GenECDSAToken): `b64(certPEM) + "." + b64(sig)`, the
 * signature over SHA-256 of `method + "." + b64(uri) + "." + b64(body) + "." + b64(certPEM)`, where uri is the
 * request URI (path and query) the server sees (lib/serverrequestcontext.go uses r.URL.RequestURI()).
 */
export async function caToken(method: string, uri: string, body: string, certPem: string, sign: DigestSigner): Promise<string> {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
  const payload = `${method}.${b64(uri)}.${b64(body)}.${b64(certPem)}`
  const sig = await sign(createHash('sha256').update(payload, 'utf8').digest())
  return `${b64(certPem)}.${Buffer.from(sig).toString('base64')}`
}

/** POSTs `body` (JSON) to `<url>/api/v1/<endpoint>` and answers `result`; every failure is an EnrolmentError. */
async function post<T>(ca: CaEndpoint, endpoint: string, body: unknown, auth: Auth): Promise<T> {
  const base = new URL(ca.url)
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1/${endpoint}`, base)
  const text = JSON.stringify(body)
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }
  if ('basic' in auth) headers.authorization = `Basic ${Buffer.from(`${auth.basic.id}:${auth.basic.secret}`).toString('base64')}`
  else headers.authorization = await caToken('POST', url.pathname + url.search, text, auth.token.certPem, auth.token.sign)
  const timeoutMs = ca.timeoutMs ?? CA_TIMEOUT_MS
  const { status, raw } = await new Promise<{ status: number; raw: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, ca: ca.tlsCaPem, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', (err) => reject(transportFailure(err)))
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })))
    req.on('error', (err) => reject(transportFailure(err)))
    req.end(text)
  })
  let parsed: CaResponse<T>
  try {
    parsed = JSON.parse(raw) as CaResponse<T>
  } catch {
    throw new EnrolmentError('refused', `HTTP ${status}: not a Fabric CA answer`)
  }
  if (status >= 300 || !parsed.success || parsed.result === undefined) throw caFailure(status, parsed.errors ?? [])
  return parsed.result
}

/** Fabric CA's enrolment result (api.EnrollmentResponseNet): the certificate and the CA chain, both base64 of PEM. */
interface EnrolmentResult {
  Cert: string
  ServerInfo: { CAName: string; CAChain: string }
}

/** What an enrolment answers: the new certificate and the chain of the CA that signed it (PEM text). */
export interface Enrolled {
  certPem: string
  chainPem: string
}

const decode = (r: EnrolmentResult): Enrolled => ({
  certPem: Buffer.from(r.Cert, 'base64').toString('utf8'),
  chainPem: Buffer.from(r.ServerInfo?.CAChain ?? '', 'base64').toString('utf8'),
})

/** Attributes every workstation enrolment asks for, not optional: a registration without them fails at the CA. */
const WORKSTATION_ATTRS = ['kdPPK', 'role'] as const

/**
 * POST /api/v1/enroll with the one-time id and secret (Basic auth) and our CSR; `attr_reqs` asks for the named
 * attributes so the CA puts them in the certificate or refuses (fabric-ca api.EnrollmentRequestNet: the cfssl
 * SignRequest fields `certificate_request`, plus `caname` and `attr_reqs`).
 */
export async function enrol(ca: CaEndpoint, input: { enrollmentId: string; secret: string; csrPem: string; attrs?: readonly string[] }): Promise<Enrolled> {
  const body = { certificate_request: input.csrPem, caname: ca.caName ?? '', attr_reqs: (input.attrs ?? WORKSTATION_ATTRS).map((name) => ({ name })) }
  return decode(await post<EnrolmentResult>(ca, 'enroll', body, { basic: { id: input.enrollmentId, secret: input.secret } }))
}

/**
 * POST /api/v1/reenroll, authorised by a token signed with the CURRENT key over the current certificate; the CSR
 * carries the new key. Same attributes as the first enrolment.
 */
export async function reenrol(ca: CaEndpoint, input: { certPem: string; sign: DigestSigner; csrPem: string; attrs?: readonly string[] }): Promise<Enrolled> {
  const body = { certificate_request: input.csrPem, caname: ca.caName ?? '', attr_reqs: (input.attrs ?? WORKSTATION_ATTRS).map((name) => ({ name })) }
  return decode(await post<EnrolmentResult>(ca, 'reenroll', body, { token: { certPem: input.certPem, sign: input.sign } }))
}

/** One identity to register (fabric-ca api.RegistrationRequest); attributes go into enrolment certificates (ecert). */
export interface Registration {
  id: string
  type: 'client'
  /** -1 unlimited; 1 = a one-time secret (a workstation's). */
  maxEnrollments: number
  attrs: Record<string, string>
}

/**
 * POST /api/v1/register as a registrar (token auth) and answer the new identity's secret. Used by the demo path and
 * tests with the network's registrar; an org admin uses `npm run ledger:register`.
 */
export async function register(ca: CaEndpoint, registrar: { certPem: string; sign: DigestSigner }, r: Registration): Promise<string> {
  const body = {
    id: r.id,
    type: r.type,
    affiliation: '',
    max_enrollments: r.maxEnrollments,
    attrs: Object.entries(r.attrs).map(([name, value]) => ({ name, value, ecert: true })),
    caname: ca.caName ?? '',
  }
  const result = await post<{ secret: string }>(ca, 'register', body, { token: registrar })
  return result.secret
}
