import { existsSync, readFileSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { formatServerMessage } from '../../electron/contract/messages'
import { en } from '../../renderer/src/locales/en'
import { id, type MessageKey } from '../../renderer/src/locales/id'
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
  // The app's own stylesheet (style-src 'self', as the app), no script: the form works by keyboard and plain posts.
  'Content-Security-Policy': "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'same-origin',
}
/**
 * How long a page load waits for the hub to say whether it still accepts this desk (refusedNow); past it the app is
 * served as when the hub is away (the desk works offline). A LAN round trip takes milliseconds.
 */
const PAGE_CHECK_MS = 2_000

/** Starts a desk shell; pairs through its own form, or uses the pairing already in `dataDir`. */
export async function startDeskShell(options: DeskShellOptions): Promise<DeskShell> {
  const indexFile = join(options.rendererDir, 'index.html')
  if (!existsSync(indexFile)) throw new Error(`Renderer not built: ${indexFile} is missing. Run \`npx electron-vite build\` first.`)
  const existing = readDeskPairing(options.dataDir)
  const open = (pairing: DeskPairing) => openDeskNode({ dataDir: options.dataDir, pairing, log: options.log })
  let hub: DeskNode | null = existing ? await open(existing) : null
  /**
   * Set when the hub refused this desk (revoked, or a hub that no longer knows it: FORBIDDEN hub.deskRefused), by a
   * call of the page or by the check at each page load (refusedNow): the page then gets the pairing form again, with
   * that reason, and a new code from the admin pairs it again. desk.json and desk.db stay as they are until a pairing
   * succeeds (docs/hub.md "A revoked desk").
   */
  let refused = false
  let port = 0
  // The app's built stylesheet, which the pairing page shares (the same tokens and classes as the sign-in screen).
  const stylesheet = stylesheetOf(await readFile(indexFile, 'utf8'))

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
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const pathname = url.pathname
    if (pathname === '/rpc' && req.method === 'POST') return rpc(req, res)
    if (pathname === '/pair' && req.method === 'POST') return pair(req, res)
    const lang = langOf(url.searchParams.get('lang'))
    const form = () => send(res, 200, 'text/html; charset=utf-8', pairingPage({ lang, stylesheet, error: refused ? formatServerMessage(lang, 'hub.deskRefused') : null, ...lastPairing() }), pairingHeaders)
    const file = resolveStaticPath(options.rendererDir, pathname)
    if (stylesheet && pathname === stylesheet && file) return send(res, 200, contentTypeOf(file), await readFile(file))
    if (!hub || refused) return form()
    if (pathname === SHELL_SCRIPT_PATH) return send(res, 200, contentTypeOf(SHELL_SCRIPT_PATH), pageScript)
    const info = file ? await stat(file).catch(() => null) : null
    if (file && info?.isFile() && file !== indexFile) return send(res, 200, contentTypeOf(file), await readFile(file))
    // A page load: the app only if the hub still accepts this desk (else the first reload after a revocation would
    // still show the workspace, refused at its every call).
    if (await refusedNow(hub)) return form()
    return send(res, 200, contentTypeOf(indexFile), injectShellScript(await readFile(indexFile, 'utf8')))
  }

  /**
   * Asks the hub whether it still accepts this desk (auth.me, public: any answer but hub.deskRefused means yes), at
   * most PAGE_CHECK_MS; an unreachable or slow hub counts as accepting, so the desk keeps working offline.
   */
  async function refusedNow(node: DeskNode): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<null>((done) => (timer = setTimeout(() => done(null), PAGE_CHECK_MS)))
    const answer = await Promise.race([node.client.call('auth.me', {}, undefined), late]).finally(() => clearTimeout(timer))
    if (answer && isDeskRefused(answer.result)) refused = true
    return refused
  }

  /** The form's address and name, filled from this desk's last pairing (desk.json) when it has one; the code never. */
  function lastPairing(): { hub: string; name: string; focus: PairingField } {
    const last = hub?.pairing ?? readDeskPairing(options.dataDir)
    return last ? { hub: new URL(last.hubUrl).host, name: last.deskName, focus: 'code' } : { hub: '', name: '', focus: 'hub' }
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
    if (isDeskRefused(answer.result)) refused = true
    json(res, 200, parsed.channel === 'hub.status' ? withThisDesk(answer.result, hub.pairing) : answer.result)
  }

  async function pair(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req))
    const lang = langOf(form.get('lang'))
    const hubUrl = (form.get('hub') ?? '').trim()
    const code = form.get('code') ?? ''
    const name = (form.get('name') ?? '').trim().slice(0, 60)
    try {
      if (!hubUrl || !code.trim() || !name) throw new AppError('INVALID_INPUT', msg('hub.pairMissing'))
      // desk.json is rewritten only by a pairing that succeeded (pairDesk writes it last): a failed one keeps the old.
      const pairing = await pairDesk(options.dataDir, hubUrl.includes('://') ? hubUrl : `https://${hubUrl}`, code, name)
      await hub?.stop()
      hub = await open(pairing)
      refused = false
      res.writeHead(303, { ...headers, Location: '/' })
      res.end()
    } catch (err) {
      // No errno text (ECONNREFUSED …) for whoever sets the desk up: the address they typed, and what to check.
      const e = err instanceof AppError && err.key !== 'hub.unreachable' ? err : new AppError('UNAVAILABLE', msg('hub.pairUnreachable', { address: hubUrl }))
      const text = formatServerMessage(lang, e.key, e.params)
      // The address and name stay filled (never the code); the field to fix has the focus.
      const focus = !hubUrl ? 'hub' : !name ? 'name' : e.key === 'hub.pairUnreachable' || e.key === 'hub.pinMismatch' ? 'hub' : 'code'
      send(res, 403, 'text/html; charset=utf-8', pairingPage({ lang, stylesheet, error: text, hub: hubUrl, name, focus }), pairingHeaders)
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

type Lang = 'id' | 'en'
type PairingField = 'hub' | 'code' | 'name'
const pageText: Record<Lang, Record<MessageKey, string>> = { id, en }

/** The pairing page's language: `?lang=en` (or the form's `lang`) for English, Bahasa Indonesia otherwise. */
function langOf(value: string | null): Lang {
  return value === 'en' ? 'en' : 'id'
}

/** The hub's answer refuses this desk itself (revoked, or unknown to the hub), not only the call. */
function isDeskRefused(result: Result<unknown>): boolean {
  return !result.ok && result.error.code === 'FORBIDDEN' && result.error.key === 'hub.deskRefused'
}

/**
 * The path of the built app's stylesheet as index.html links it (`./assets/index-….css` → `/assets/index-….css`), or
 * null (a renderer without one, or a link to another origin).
 */
function stylesheetOf(indexHtml: string): string | null {
  const link = /<link\b[^>]*rel="stylesheet"[^>]*>/.exec(indexHtml)?.[0]
  const href = link ? /href="([^"]+)"/.exec(link)?.[1] : undefined
  if (!href) return null
  const url = new URL(href, 'http://desk/')
  return url.origin === 'http://desk' ? url.pathname : null
}

/**
 * The pairing form, in one language at a time (`lang`; Bahasa Indonesia first, a link switches), with the app's
 * stylesheet and the sign-in screen's classes; no script (the app's CSP applies). `hub` and `name` fill the fields
 * (the desk's last pairing, or what was typed in a failed attempt; never the code); `focus` names the field to fix
 * (autofocus, no script). Tab order: address, code, name, the button, then the language link.
 */
function pairingPage({ lang, stylesheet, error, hub = '', name = '', focus }: { lang: Lang; stylesheet: string | null; error: string | null; hub?: string; name?: string; focus: PairingField }): string {
  const t = (key: MessageKey) => escape(pageText[lang][key])
  const other: Lang = lang === 'id' ? 'en' : 'id'
  const af = (field: PairingField) => (field === focus ? ' autofocus' : '')
  const input = (field: PairingField, attrs: string) =>
    `<div class="field"><label for="${field}">${t(`pair.${field}`)}</label><input name="${field}" id="${field}" required autocomplete="off" aria-describedby="${field}-hint"${attrs}${af(field)}><p class="hint" id="${field}-hint">${t(`pair.${field}Hint`)}</p></div>`
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${t('pair.title')}</title>${stylesheet ? `<link rel="stylesheet" href="${escape(stylesheet)}">` : ''}</head><body>
<main class="boot"><section class="card auth-card" aria-labelledby="pair-title">
<h1 id="pair-title">${t('pair.title')}</h1>
<p class="muted">${t('pair.intro')}</p>
<form method="post" action="/pair" class="auth-form">
${error ? `<p role="alert" class="alert" id="pair-error">${escape(error)}</p>` : ''}
<input type="hidden" name="lang" value="${lang}">
${input('hub', ` placeholder="192.168.1.10:8443" value="${escape(hub)}"`)}
${input('code', ' placeholder="XXXXX-XXXXX"')}
${input('name', ` maxlength="60" placeholder="Poli Umum" value="${escape(name)}"`)}
<div class="actions"><button type="submit" id="pair">${t('pair.submit')}</button></div>
</form>
<p class="pair-locale"><a href="/?lang=${other}" lang="${other}" hreflang="${other}" id="pair-locale">${escape(pageText[other][`locale.${other}`])}</a></p>
</section></main></body></html>`
}
