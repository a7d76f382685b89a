import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { z } from 'zod'
import type { Channel } from '../../contract'
import type { Core } from '../app'
import { VISIT_WRITES } from '../clinic/changes'
import { dispatch, type HandlerTable } from '../ipc/dispatch'
import type { Logger } from '../log'
import { applyDeskCall, DeskApplyRequest, startAppliedPruning } from './apply'
import { derFingerprint, certFingerprint, loadOrCreateHubCertificate } from './cert'
import { hubProof } from './pairing'
import { deskByFingerprint, redeemPairing } from './registry'
import { readJsonBody, sendJson, SESSION_HEADER, SESSION_SET_HEADER } from './wire'

/** The hub's TLS key and certificate inside its data folder (0600, made at the first start). */
const HUB_KEY_FILE = 'hub-tls.key'
export const HUB_CERT_FILE = 'hub-tls.crt'
/** Longest a GET /events waits for a change before answering with no change (the desk asks again). */
const EVENTS_WAIT_MS = 20_000

export interface HubServerOptions {
  core: Core
  /** The same handler table Electron and the browser shell dispatch into (ipc/handlers.ts createHandlers). */
  handlers: HandlerTable
  dataDir: string
  /** The LAN address to listen on and to name in the certificate (tests: 127.0.0.1). */
  host: string
  /** 0 = any free port. */
  port: number
  log: Logger
}

export interface HubServer {
  /** https://host:port/ */
  url: string
  port: number
  /** SHA-256 of the hub certificate: what pairing authenticates and each desk pins. */
  fingerprint: string
  close(): Promise<void>
}

const PairRequest = z.object({
  name: z.string().trim().min(1).max(60),
  nonce: z.string().regex(/^[0-9a-f]{64}$/),
  proof: z.string().regex(/^[0-9a-f]{64}$/),
})
const RpcRequest = z.object({ channel: z.string(), input: z.unknown().optional() })

/**
 * The hub's LAN endpoint (issue 16, Deliver 2): HTTPS with the hub's own certificate, every desk authenticated by its
 * mTLS client certificate against the paired desks (registry.ts) on every request, so a revoked desk is refused at its
 * next call. Routes:
 * - POST /pair {name, nonce, proof}: pairing.ts; answers {deskId, proof} or 403 {reason}.
 * - POST /rpc {channel, input}: the contract's dispatch into the handler table, ctx.transport 'hub', ctx.desk and
 *   ctx.source `desk:<id>` (sign-in throttling counts per desk); the user's hub session travels in SESSION_HEADER and
 *   comes back in SESSION_SET_HEADER when it changes.
 * - POST /apply {key, channel, input, user, at}: a write the desk made while the hub was away, replayed from its
 *   outbox exactly once (apply.ts: the key is stored with the answer; a registration merges with the same visit).
 * - GET /events?cursor=C: answers {cursor, changed} (clinic/changes.ts: the visits changed after C, null = reload all)
 *   as soon as a visit changed after C, else after EVENTS_WAIT_MS with none. The page's own feed is the
 *   registration.changes channel over /rpc; this route serves desk processes that watch without a page.
 */
export async function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const { core, handlers, log } = options
  const tls = loadOrCreateHubCertificate(join(options.dataDir, HUB_KEY_FILE), join(options.dataDir, HUB_CERT_FILE), [options.host])
  const fingerprint = certFingerprint(tls.certPem)

  const server: Server = createServer(
    // Any client certificate is accepted by TLS itself; the request handler decides by its fingerprint.
    { key: tls.keyPem, cert: tls.certPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.3' },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        log.error('hub request failed', { path: req.url, error: err instanceof Error ? err.message : String(err) })
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'internal' } })
        else res.destroy()
      })
    },
  )
  server.requestTimeout = EVENTS_WAIT_MS + 10_000
  server.headersTimeout = 10_000
  server.keepAliveTimeout = 30_000

  function peerFingerprint(req: IncomingMessage): string | null {
    const cert = (req.socket as TLSSocket).getPeerCertificate()
    return cert && cert.raw ? derFingerprint(cert.raw) : null
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'https://hub')
    const peer = peerFingerprint(req)
    if (!peer) return sendJson(res, 401, { ok: false, reason: 'noClientCertificate' })
    if (url.pathname === '/pair' && req.method === 'POST') return pair(req, res, peer)
    const desk = deskByFingerprint(core.db, peer)
    if (!desk) {
      log.warn('hub refused a desk', { fingerprint: peer.slice(0, 16) })
      return sendJson(res, 403, { ok: false, reason: 'deskRefused' })
    }
    if (url.pathname === '/rpc' && req.method === 'POST') return rpc(req, res, desk)
    if (url.pathname === '/apply' && req.method === 'POST') return apply(req, res, desk)
    if (url.pathname === '/events' && req.method === 'GET') return events(res, url.searchParams.get('cursor'))
    return sendJson(res, 404, { ok: false, reason: 'notFound' })
  }

  async function pair(req: IncomingMessage, res: ServerResponse, deskFingerprint: string) {
    const body = PairRequest.safeParse(await readJsonBody(req))
    if (!body.success) return sendJson(res, 400, { ok: false, reason: 'badRequest' })
    const t = { hubFingerprint: fingerprint, deskFingerprint, nonce: body.data.nonce }
    const outcome = redeemPairing(core.db, t, body.data.name, body.data.proof)
    if (!outcome.ok) {
      log.warn('pairing refused', { reason: outcome.reason, name: body.data.name })
      return sendJson(res, 403, { ok: false, reason: outcome.reason })
    }
    log.info('desk paired', { desk: outcome.desk.id, name: outcome.desk.name })
    return sendJson(res, 200, { ok: true, deskId: outcome.desk.id, proof: hubProof(outcome.key, t, outcome.desk.id) })
  }

  async function rpc(req: IncomingMessage, res: ServerResponse, desk: { id: string; name: string }) {
    const body = RpcRequest.safeParse(await readJsonBody(req))
    if (!body.success) return sendJson(res, 400, { ok: false, reason: 'badRequest' })
    const header = req.headers[SESSION_HEADER]
    let token = typeof header === 'string' && header !== '' ? header : undefined
    let changed = false
    const result = await dispatch(
      handlers,
      body.data.channel,
      body.data.input,
      {
        transport: 'hub',
        source: `desk:${desk.id}`,
        desk: { id: desk.id, name: desk.name },
        session: { token: () => token, set: (t) => ((token = t ?? undefined), (changed = true)) },
      },
      (ch, err) => log.error('handler failed', { channel: ch, desk: desk.id, error: err instanceof Error ? err.message : String(err) }),
    )
    // The hub's audit of desk traffic: which desk, which channel, whether it passed. Never inputs (patient data).
    if (!result.ok || VISIT_WRITES.has(body.data.channel as Channel)) {
      log.info('desk call', { desk: desk.id, deskName: desk.name, channel: body.data.channel, ok: result.ok, code: result.ok ? undefined : result.error.code })
    }
    if (changed) res.setHeader(SESSION_SET_HEADER, token ?? '')
    sendJson(res, 200, result)
  }

  async function apply(req: IncomingMessage, res: ServerResponse, desk: { id: string; name: string }) {
    const body = DeskApplyRequest.safeParse(await readJsonBody(req))
    if (!body.success) return sendJson(res, 400, { ok: false, reason: 'badRequest' })
    const result = applyDeskCall(core, desk.id, body.data)
    log.info('desk replay', { desk: desk.id, deskName: desk.name, channel: body.data.channel, key: body.data.key, ok: result.ok, code: result.ok ? undefined : result.error.code })
    sendJson(res, 200, result)
  }

  async function events(res: ServerResponse, cursor: string | null) {
    const closed = new AbortController()
    res.on('close', () => closed.abort())
    const changes = await core.changes.wait(cursor, EVENTS_WAIT_MS, closed.signal)
    if (!res.writableEnded && !closed.signal.aborted) sendJson(res, 200, changes)
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  // The keys of desks' replays (apply.ts): at the start and daily, the old ones go.
  const pruning = startAppliedPruning(core.db, { log })
  const port = (server.address() as AddressInfo).port
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `https://${hostInUrl}:${port}/`,
    port,
    fingerprint,
    close: () =>
      new Promise<void>((done) => {
        pruning.stop()
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
