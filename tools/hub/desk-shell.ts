import { existsSync, readFileSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { formatServerMessage } from '../../electron/contract/messages'
import { cookieSessionCarrier } from '../../electron/core/auth/cookie'
import { AppError, msg } from '../../electron/core/errors'
import type { Result } from '../../electron/contract'
import { pairDesk, readDeskPairing, type DeskPairing } from '../../electron/core/hub/desk'
import { openDeskNode, type DeskNode } from '../../electron/core/hub/desk-node'
import type { Logger } from '../../electron/core/log'
import { MAX_BODY_BYTES } from '../../electron/core/hub/wire'
import { CSP } from '../../electron/core/security/csp'
import { contentTypeOf, injectShellScript, isAllowedOrigin, isLoopbackHost, resolveStaticPath, SHELL_SCRIPT_PATH } from '../browser-shell/guards'

/**
 * A desk (issue 16): the built renderer on 127.0.0.1 like the browser shell, but every `POST /rpc` goes to the paired
 * hub over pinned mTLS (core/hub/desk.ts), carrying the user's hub session from this page's HttpOnly cookie. Until
 * the desk is paired, `/` is a plain pairing form (hub address, one-time code, desk name), typed once by whoever sets
 * the desk up. Once paired it keeps working while the hub is away (core/hub/desk-node.ts): its own desk.db, encrypted
 * with its own keychain item, holds the caches and the outbox of what waits for the hub; never a hub secret.
 */
export interface DeskShellOptions {
  port: number
  dataDir: string
  rendererDir: string
  /** Where the desk's store logs its sends to the hub; silent by default. */
  log?: Logger
}

export interface DeskShell {
  url: string
  port: number
  close(): Promise<void>
}

const pageScript = readFileSync(new URL('../browser-shell/page.js', import.meta.url), 'utf8')
const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' }
/**
 * The pairing form's own headers: the app's CSP forbids every form submission (form-action 'none'), and with
 * `no-referrer` Chromium sends a form post with `Origin: null`, which isAllowedOrigin refuses; so the form could not
 * pair in a browser. This page may post to this desk only (no script, style or image), and names its origin there.
 */
const pairingHeaders = {
  ...headers,
  'Content-Security-Policy': "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'same-origin',
}

/** Starts a desk shell; pairs through its own form, or uses the pairing already in `dataDir`. */
export async function startDeskShell(options: DeskShellOptions): Promise<DeskShell> {
  const indexFile = join(options.rendererDir, 'index.html')
  if (!existsSync(indexFile)) throw new Error(`Renderer not built: ${indexFile} is missing. Run \`npx electron-vite build\` first.`)
  const existing = readDeskPairing(options.dataDir)
  const open = (pairing: DeskPairing) => openDeskNode({ dataDir: options.dataDir, pairing, log: options.log })
  let hub: DeskNode | null = existing ? await open(existing) : null
  /**
   * Set when the hub refused this desk (revoked, or a hub that no longer knows it: FORBIDDEN hub.deskRefused): the
   * page then gets the pairing form again, with that reason, and a new code from the admin pairs it again. desk.json
   * and desk.db stay as they are until a pairing succeeds (docs/hub.md "A revoked desk").
   */
  let refusal: string | null = null
  let port = 0

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { ok: false, error: new AppError('INTERNAL', msg('shell.internal')).toShape() })
      else res.destroy()
    })
  })
  // Long enough for a hub round trip; bounded so a stalled client cannot hold a connection for ever.
  server.requestTimeout = 30_000

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!isLoopbackHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port)) {
      return json(res, 403, { ok: false, error: new AppError('FORBIDDEN', msg('shell.localOnly')).toShape() })
    }
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (pathname === '/rpc' && req.method === 'POST') return rpc(req, res)
    if (pathname === '/pair' && req.method === 'POST') return pair(req, res)
    if (!hub || refusal) return send(res, 200, 'text/html; charset=utf-8', pairingPage({ error: refusal, focus: 'hub' }), pairingHeaders)
    if (pathname === SHELL_SCRIPT_PATH) return send(res, 200, contentTypeOf(SHELL_SCRIPT_PATH), pageScript)
    const file = resolveStaticPath(options.rendererDir, pathname)
    const info = file ? await stat(file).catch(() => null) : null
    if (file && info?.isFile() && file !== indexFile) return send(res, 200, contentTypeOf(file), await readFile(file))
    return send(res, 200, contentTypeOf(indexFile), injectShellScript(await readFile(indexFile, 'utf8')))
  }

  async function rpc(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req)
    let parsed: { channel?: unknown; input?: unknown } | null
    try {
      parsed = JSON.parse(body) as { channel?: unknown; input?: unknown } | null
    } catch {
      parsed = null
    }
    if (!parsed || typeof parsed.channel !== 'string') return json(res, 400, { ok: false, error: new AppError('INVALID_INPUT', msg('shell.shape')).toShape() })
    if (!hub) return json(res, 200, { ok: false, error: new AppError('UNAVAILABLE', msg('hub.notPaired')).toShape() })
    const session = cookieSessionCarrier(req.headers.cookie, (c) => res.setHeader('Set-Cookie', c))
    const answer = await hub.call(parsed.channel, parsed.input, session.token())
    if (answer.session !== undefined) session.set(answer.session)
    if (!answer.result.ok && answer.result.error.code === 'FORBIDDEN' && answer.result.error.key === 'hub.deskRefused') refusal = bilingual(answer.result.error.key, {})
    json(res, 200, parsed.channel === 'hub.status' ? withThisDesk(answer.result, hub.pairing) : answer.result)
  }

  async function pair(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req))
    const hubUrl = (form.get('hub') ?? '').trim()
    const code = form.get('code') ?? ''
    const name = (form.get('name') ?? '').trim().slice(0, 60)
    try {
      if (!hubUrl || !code.trim() || !name) throw new AppError('INVALID_INPUT', msg('hub.pairMissing'))
      // desk.json is rewritten only by a pairing that succeeded (pairDesk writes it last): a failed one keeps the old.
      const pairing = await pairDesk(options.dataDir, hubUrl.includes('://') ? hubUrl : `https://${hubUrl}`, code, name)
      await hub?.stop()
      hub = await open(pairing)
      refusal = null
      res.writeHead(303, { ...headers, Location: '/' })
      res.end()
    } catch (err) {
      // No errno text (ECONNREFUSED …) for whoever sets the desk up: the address they typed, and what to check.
      const e = err instanceof AppError && err.key !== 'hub.unreachable' ? err : new AppError('UNAVAILABLE', msg('hub.pairUnreachable', { address: hubUrl }))
      const text = bilingual(e.key, e.params)
      // The address and name stay filled (never the code); the field to fix has the focus.
      const focus = !hubUrl ? 'hub' : !name ? 'name' : e.key === 'hub.pairUnreachable' || e.key === 'hub.pinMismatch' ? 'hub' : 'code'
      send(res, 403, 'text/html; charset=utf-8', pairingPage({ error: text, hub: hubUrl, name, focus }), pairingHeaders)
    }
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolveListen())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => void (hub ? hub.stop() : Promise.resolve()).finally(() => done()))
        server.closeAllConnections()
      }),
  }
}

/**
 * Adds this desk's own pairing (desk.json: hub address, the hub certificate it pinned, its id, name and pairing time)
 * to the hub's answer to hub.status, so Pengaturan shows what this desk trusts beside what the hub says of itself. Only
 * to an answer the hub gave (its admin policy decided who sees it); never the desk's key or the pinned PEM.
 */
function withThisDesk(result: Result<unknown>, pairing: DeskPairing): Result<unknown> {
  if (!result.ok || !result.value || typeof result.value !== 'object') return result
  const { hubUrl, hubFingerprint, deskId, deskName, pairedAt } = pairing
  return { ok: true, value: { ...result.value, thisDesk: { hubUrl, hubFingerprint, deskId, deskName, pairedAt } } }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, base: Record<string, string> = headers) {
  res.writeHead(status, { ...base, 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

function json(res: ServerResponse, status: number, value: unknown) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value))
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new Error('body too large')
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A server message in Bahasa Indonesia, then English (the pairing form has no locale setting). */
function bilingual(key: Parameters<typeof formatServerMessage>[1], params: Parameters<typeof formatServerMessage>[2]): string {
  return `${formatServerMessage('id', key, params)} / ${formatServerMessage('en', key, params)}`
}

/**
 * The pairing form: no script and no style (the app's CSP applies), Bahasa Indonesia with English. `hub` and `name`
 * refill the fields after a failed attempt (never the code); `focus` names the field to fix (autofocus, no script).
 */
function pairingPage({ error, hub = '', name = '', focus }: { error: string | null; hub?: string; name?: string; focus: 'hub' | 'code' | 'name' }): string {
  const af = (field: typeof focus) => (field === focus ? ' autofocus' : '')
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Pasangkan meja / Pair this desk</title></head><body>
<h1>Pasangkan meja dengan hub <small>/ Pair this desk with the hub</small></h1>
<p>Admin hub membuat kode pemasangan sekali pakai (<code>npm run hub:admin -- code</code>). Masukkan alamat hub dan kode itu di sini.<br>
<small>The hub admin makes a one-time pairing code. Enter the hub address and that code here.</small></p>
${error ? `<p role="alert" id="pair-error">${escape(error)}</p>` : ''}
<form method="post" action="/pair">
<p><label>Alamat hub / Hub address <input name="hub" id="hub" required placeholder="192.168.1.10:8443" autocomplete="off" value="${escape(hub)}"${af('hub')}></label></p>
<p><label>Kode pemasangan / Pairing code <input name="code" id="code" required placeholder="XXXXX-XXXXX" autocomplete="off"${af('code')}></label></p>
<p><label>Nama meja / Desk name <input name="name" id="name" required maxlength="60" placeholder="Poli Umum" value="${escape(name)}"${af('name')}></label></p>
<p><button type="submit" id="pair">Pasangkan / Pair</button></p>
</form></body></html>`
}
