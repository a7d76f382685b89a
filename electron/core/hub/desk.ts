import { randomBytes, X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { Agent, request } from 'node:https'
import { join } from 'node:path'
import type { PeerCertificate, TLSSocket } from 'node:tls'
import { z } from 'zod'
import type { Result } from '../../contract'
import type { Changes } from '../clinic/changes'
import { AppError, msg } from '../errors'
import { certFingerprint, derFingerprint, selfSignedCertificate, writePrivateFile, type KeyAndCert } from './cert'
import type { DeskApplyRequest } from './apply'
import { deskProof, hubProof, pairingKey, proofsEqual } from './pairing'
import { SESSION_HEADER, SESSION_SET_HEADER } from './wire'

/**
 * What a desk holds (issue 16): its own P-256 key and self-signed client certificate (desk-tls.key/.crt, 0600) and,
 * once paired, desk.json: the hub's address, the hub certificate it pinned and the id the hub gave it. Nothing else:
 * no PCare credential, no ledger key, no patient data (the first half works online only; docs/hub.md).
 */
const DESK_FILE = 'desk.json'
const DESK_KEY_FILE = 'desk-tls.key'
const DESK_CERT_FILE = 'desk-tls.crt'
/** Bound on a pairing or RPC round trip on the LAN; a long-poll waits longer (EVENTS_WAIT_MS + this). */
const REQUEST_TIMEOUT_MS = 15_000

const Pairing = z.object({
  hubUrl: z.string().url(),
  hubCertPem: z.string(),
  hubFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  deskId: z.string(),
  deskName: z.string(),
  pairedAt: z.number(),
})
/** A desk's pairing as stored in desk.json. */
export type DeskPairing = z.infer<typeof Pairing>

/** The desk's pairing, or null when it has none yet. */
export function readDeskPairing(dataDir: string): DeskPairing | null {
  const file = join(dataDir, DESK_FILE)
  if (!existsSync(file)) return null
  const parsed = Pairing.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  return parsed.success ? parsed.data : null
}

/** The desk's client key and certificate, made once. */
function deskCertificate(dataDir: string): KeyAndCert {
  const keyFile = join(dataDir, DESK_KEY_FILE)
  const certFile = join(dataDir, DESK_CERT_FILE)
  if (existsSync(keyFile) && existsSync(certFile)) return { keyPem: readFileSync(keyFile, 'utf8'), certPem: readFileSync(certFile, 'utf8') }
  const made = selfSignedCertificate('Faskes desk', [], 'client')
  writePrivateFile(keyFile, made.keyPem)
  writePrivateFile(certFile, made.certPem)
  return made
}

function peerPem(cert: PeerCertificate): string {
  return new X509Certificate(cert.raw).toString()
}

/**
 * Pairs this desk with the hub at `hubUrl` using the admin's one-time `code` (pairing.ts has the protocol). The first
 * connection trusts no certificate; the code decides: the hub's proof must match the fingerprint this desk saw, and
 * only then is that certificate pinned in desk.json. Throws AppError with a hub.* message when the code is wrong or
 * spent, the hub's proof fails (a machine in the middle) or the hub cannot be reached.
 */
export async function pairDesk(dataDir: string, hubUrl: string, code: string, deskName: string, now = Date.now()): Promise<DeskPairing> {
  const url = new URL(hubUrl)
  if (url.protocol !== 'https:') throw new AppError('INVALID_INPUT', msg('hub.pairBadCode'))
  const own = deskCertificate(dataDir)
  const deskFingerprint = certFingerprint(own.certPem)
  const nonce = randomBytes(32).toString('hex')
  const { status, body, peer } = await rawRequest(new URL('/pair', url), {
    method: 'POST',
    key: own.keyPem,
    cert: own.certPem,
    // Trust comes from the code below, not from a CA: the certificate is pinned only once the proofs match.
    body: async (hubFingerprint) => {
      const key = pairingKey(code, hubFingerprint)
      if (!key) throw new AppError('INVALID_INPUT', msg('hub.pairBadCode'))
      return { name: deskName, nonce, proof: deskProof(key, { hubFingerprint, deskFingerprint, nonce }, deskName) }
    },
  })
  const hubFingerprint = derFingerprint(peer.raw)
  const answer = body as { ok?: boolean; reason?: string; deskId?: string; proof?: string }
  if (status === 403) throw new AppError('FORBIDDEN', msg(answer.reason === 'noCode' ? 'hub.pairNoCode' : 'hub.pairBadCode'))
  const key = pairingKey(code, hubFingerprint)
  if (status !== 200 || !answer.ok || typeof answer.deskId !== 'string' || typeof answer.proof !== 'string' || !key) {
    throw new AppError('UNAVAILABLE', msg('hub.unreachable', { cause: `HTTP ${status}` }))
  }
  if (!proofsEqual(hubProof(key, { hubFingerprint, deskFingerprint, nonce }, answer.deskId), answer.proof)) {
    throw new AppError('FORBIDDEN', msg('hub.pairHubProof'))
  }
  const pairing: DeskPairing = { hubUrl: url.origin + '/', hubCertPem: peerPem(peer), hubFingerprint, deskId: answer.deskId, deskName, pairedAt: now }
  writePrivateFile(join(dataDir, DESK_FILE), JSON.stringify(pairing, null, 2))
  return pairing
}

interface RawOptions {
  method: 'GET' | 'POST'
  key: string
  cert: string
  /** The pinned hub certificate fingerprint; a different certificate ends the request before any byte is sent. */
  pin?: string
  agent?: Agent
  headers?: Record<string, string>
  timeoutMs?: number
  /** The body, computed once the TLS handshake showed the hub's certificate fingerprint (pairing needs it). */
  body?: (hubFingerprint: string) => Promise<unknown>
}

/** One HTTPS request; the body is written only after the handshake, so pairing can bind the certificate it saw. */
function rawRequest(url: URL, o: RawOptions): Promise<{ status: number; body: unknown; peer: PeerCertificate; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolveReq, reject) => {
    const req = request(url, {
      method: o.method,
      agent: o.agent ?? false,
      key: o.agent ? undefined : o.key,
      cert: o.agent ? undefined : o.cert,
      // No CA vouches for the hub: the pin below (or, while pairing, the code) does, checked before anything is sent.
      rejectUnauthorized: false,
      headers: { 'content-type': 'application/json', ...o.headers },
      timeout: o.timeoutMs ?? REQUEST_TIMEOUT_MS,
    })
    let peer: PeerCertificate | null = null
    req.on('socket', (socket) => {
      const tls = socket as TLSSocket
      const start = () => {
        peer = tls.getPeerCertificate()
        const seen = derFingerprint(peer.raw)
        if (o.pin && seen !== o.pin) return req.destroy(new AppError('FORBIDDEN', msg('hub.pinMismatch')))
        if (!o.body) return req.end()
        o.body(seen).then((b) => req.end(JSON.stringify(b)), (err: unknown) => (req.destroy(), reject(err)))
      }
      // A reused keep-alive socket is already connected.
      if (tls.encrypted && !tls.connecting && tls.getPeerCertificate().raw) start()
      else tls.once('secureConnect', start)
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (err) => reject(err instanceof AppError ? err : new AppError('UNAVAILABLE', msg('hub.unreachable', { cause: err.message }))))
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        let body: unknown
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          body = undefined
        }
        resolveReq({ status: res.statusCode ?? 0, body, peer: peer ?? (res.socket as TLSSocket).getPeerCertificate(), headers: res.headers })
      })
      res.on('error', reject)
    })
  })
}

/** One call's answer at the desk: the contract Result, and the new hub session token when the call changed it. */
export interface HubCallResult {
  result: Result<unknown>
  /** Undefined = unchanged; null = signed out; a string = the new token. */
  session?: string | null
}

/**
 * The desk's connection to its hub: keep-alive mTLS with the desk's own certificate, and the hub's certificate pinned
 * (exactly the paired one, by SHA-256: no CA is asked and the host name does not decide).
 */
export class HubClient {
  private readonly agent: Agent
  private readonly own: KeyAndCert
  readonly pairing: DeskPairing

  constructor(dataDir: string, pairing: DeskPairing) {
    this.pairing = pairing
    this.own = deskCertificate(dataDir)
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 16,
      key: this.own.keyPem,
      cert: this.own.certPem,
      rejectUnauthorized: false,
      // Every connection shows its certificate in a full handshake, so the pin is checked on each (rawRequest).
      maxCachedSessions: 0,
    })
  }

  /** Calls `channel` on the hub with the user's hub session; transport failures come back as a typed Result. */
  async call(channel: string, input: unknown, session: string | undefined): Promise<HubCallResult> {
    try {
      const r = await this.request('POST', '/rpc', { channel, input }, session ? { [SESSION_HEADER]: session } : {})
      if (r.status === 403) return { result: { ok: false, error: new AppError('FORBIDDEN', msg('hub.deskRefused')).toShape() } }
      if (r.status !== 200 || !isResult(r.body)) return { result: { ok: false, error: new AppError('UNAVAILABLE', msg('hub.unreachable', { cause: `HTTP ${r.status}` })).toShape() } }
      const set = r.headers[SESSION_SET_HEADER]
      return { result: r.body, session: typeof set === 'string' ? set || null : undefined }
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('UNAVAILABLE', msg('hub.unreachable', { cause: err instanceof Error ? err.message : String(err) }))
      return { result: { ok: false, error: e.toShape() } }
    }
  }

  /**
   * Replays one write the desk made while the hub was away (POST /apply, core/hub/apply.ts). Answers the hub's Result
   * (a refused desk: FORBIDDEN hub.deskRefused); throws AppError UNAVAILABLE when the hub cannot be reached or its
   * answer is not a Result, so the caller cannot tell whether the hub applied it (sending the same key again is safe).
   */
  async apply(request: DeskApplyRequest): Promise<Result<unknown>> {
    const r = await this.request('POST', '/apply', request, {})
    if (r.status === 403) return { ok: false, error: new AppError('FORBIDDEN', msg('hub.deskRefused')).toShape() }
    if (r.status !== 200 || !isResult(r.body)) throw new AppError('UNAVAILABLE', msg('hub.unreachable', { cause: `HTTP ${r.status}` }))
    return r.body
  }

  /**
   * Waits (up to the hub's EVENTS_WAIT_MS) for a visit change after `cursor` (null: answers at once); answers the new
   * cursor and the changed noRawats, or `changed: null` when the cursor is unknown to the hub (reload everything).
   */
  async nextChange(cursor: string | null): Promise<Changes> {
    const query = cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}`
    const r = await this.request('GET', `/events${query}`, undefined, {}, 40_000)
    const body = r.body as Partial<Changes> | undefined
    if (r.status !== 200 || typeof body?.cursor !== 'string' || !(body.changed === null || Array.isArray(body.changed))) {
      throw new AppError('UNAVAILABLE', msg('hub.unreachable', { cause: `HTTP ${r.status}` }))
    }
    return { cursor: body.cursor, changed: body.changed }
  }

  private request(method: 'GET' | 'POST', path: string, body: unknown, headers: Record<string, string>, timeoutMs?: number) {
    return rawRequest(new URL(path, this.pairing.hubUrl), {
      method,
      key: this.own.keyPem,
      cert: this.own.certPem,
      pin: this.pairing.hubFingerprint,
      agent: this.agent,
      headers,
      timeoutMs,
      body: body === undefined ? undefined : () => Promise.resolve(body),
    })
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy()
  }
}

function isResult(body: unknown): body is Result<unknown> {
  if (!body || typeof body !== 'object') return false
  const b = body as { ok?: unknown; error?: unknown }
  return b.ok === true ? 'value' in b : b.ok === false && typeof b.error === 'object' && b.error !== null
}
