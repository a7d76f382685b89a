import { fetchWithTimeouts } from '../util/http'
import { classifySatusehat, SatusehatError } from './errors'

/** The client credentials of one faskes (the secret lives in the OS keychain; never logged). */
export interface SatusehatCredentials {
  clientId: string
  clientSecret: string
}

/**
 * The token answer (Apigee style, every number a string; reference §1.2, official MPI REST page and two logged
 * production answers). Only the fields we read are typed; the others (`application_name`, `developer.email`,
 * `api_product_list`, …) pass through unread.
 */
interface TokenAnswer {
  access_token: string
  token_type: string
  /** Seconds as a string: "3599" on the sandbox, "14399" seen in production. */
  expires_in: string
  /** Epoch milliseconds as a string. */
  issued_at: string
  organization_name?: string
  status?: string
}

/** A usable token and when it must be replaced (ms epoch, already less the refresh margin). */
export interface CachedToken {
  accessToken: string
  refreshAtMs: number
}

export interface TokenManagerOptions {
  /** `{authBase}/{tokenPath}`. */
  tokenUrl: string
  credentials: SatusehatCredentials
  refreshMarginMs: number
  failureWaitMs: number
  /** Whole token call timeout. */
  timeoutMs: number
  fetch: typeof fetch
  now: () => number
}

/**
 * The OAuth2 client-credentials token, cached and shared: one call in flight at a time, replaced `refreshMarginMs`
 * before `expires_in` runs out, and after a failed call no new one for `failureWaitMs` (the platform allows one
 * attempt per minute after a failure; reference §1.2, §1.3 of docs/satusehat.md). mlite and Khanza mint a token per
 * request, which with that rule lets one wrong secret stall a whole batch.
 */
export class TokenManager {
  private cached: CachedToken | null = null
  private inFlight: Promise<string> | null = null
  private failedAtMs: number | null = null
  private lastFailure: SatusehatError | null = null
  /** Token calls made (for tests and monitoring). */
  calls = 0

  constructor(private readonly opts: TokenManagerOptions) {}

  /** A valid access token: the cached one, or a new one. Throws SatusehatError (token_wait inside the failure wait). */
  get(): Promise<string> {
    const now = this.opts.now()
    if (this.cached && now < this.cached.refreshAtMs) return Promise.resolve(this.cached.accessToken)
    if (this.inFlight) return this.inFlight
    if (this.failedAtMs !== null && now - this.failedAtMs < this.opts.failureWaitMs) {
      const wait = this.opts.failureWaitMs - (now - this.failedAtMs)
      return Promise.reject(
        new SatusehatError({
          kind: 'transient',
          reason: 'token_wait',
          httpStatus: null,
          message: `token call failed ${Math.round((now - this.failedAtMs) / 1000)} s ago (${this.lastFailure?.reason ?? 'unknown'})`,
          issues: this.lastFailure?.issues ?? [],
          retryAfterMs: wait,
          mayHaveCommitted: false,
        }),
      )
    }
    this.inFlight = this.fetchToken().finally(() => {
      this.inFlight = null
    })
    return this.inFlight
  }

  /** Drop the cached token (the platform answered 401 to it), so the next get() asks for a new one. */
  invalidate(token: string): void {
    if (this.cached?.accessToken === token) this.cached = null
  }

  private async fetchToken(): Promise<string> {
    this.calls++
    const body = new URLSearchParams({ client_id: this.opts.credentials.clientId, client_secret: this.opts.credentials.clientSecret })
    try {
      // grant_type in the query, the credentials in a form body: what every source does (reference §1.2).
      const call = await fetchWithTimeouts(
        this.opts.fetch,
        `${this.opts.tokenUrl}?grant_type=client_credentials`,
        { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: body.toString() },
        { totalMs: this.opts.timeoutMs },
      )
      if (!call.ok) throw classifySatusehat({ transport: call.transport, method: 'POST', phase: 'token', message: `token call: ${call.error instanceof Error ? call.error.message : String(call.error)}` })
      const { res, text } = call
      const answer = parseTokenAnswer(res.status, text)
      if (!answer) throw classifySatusehat({ httpStatus: res.status, body: text, contentType: res.headers.get('content-type'), method: 'POST', phase: 'token' })
      // expires_in counted from our own clock: issued_at is the gateway's, and a skewed puskesmas PC must not keep a
      // dead token (or drop a good one) because of it.
      const lifetimeMs = Number(answer.expires_in) * 1000
      this.cached = { accessToken: answer.access_token, refreshAtMs: this.opts.now() + Math.max(lifetimeMs - this.opts.refreshMarginMs, 0) }
      this.failedAtMs = null
      this.lastFailure = null
      return answer.access_token
    } catch (err) {
      this.failedAtMs = this.opts.now()
      this.lastFailure = err instanceof SatusehatError ? err : null
      throw err
    }
  }
}

/**
 * The token answer when it is a success: HTTP 200 with an `access_token` and a numeric `expires_in` (string or
 * number). Anything else is null (the caller classifies the answer).
 */
function parseTokenAnswer(status: number, text: string): TokenAnswer | null {
  if (status !== 200) return null
  let j: Partial<TokenAnswer>
  try {
    j = JSON.parse(text) as Partial<TokenAnswer>
  } catch {
    return null
  }
  if (typeof j.access_token !== 'string' || j.access_token === '') return null
  const expires = Number(j.expires_in)
  if (!Number.isFinite(expires) || expires <= 0) return null
  return { ...j, access_token: j.access_token, token_type: String(j.token_type ?? ''), expires_in: String(j.expires_in), issued_at: String(j.issued_at ?? '') }
}
