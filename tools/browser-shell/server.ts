import { existsSync, readFileSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join } from 'node:path'
import type { ErrorShape } from '../../electron/contract'
import { formatServerMessage, type ServerMessageKey } from '../../electron/contract/messages'
import { openCore, type Core } from '../../electron/core/app'
import type { EngineOptions, Remotes } from '../../electron/core/sync/engine'
import { AuthService } from '../../electron/core/auth'
import { cookieSessionCarrier } from '../../electron/core/auth/cookie'
import { openSetupCodeGate } from '../../electron/core/auth/setup-gate'
import { dispatch } from '../../electron/core/ipc/dispatch'
import { createHandlers } from '../../electron/core/ipc/handlers'
import { createLogger, type Logger } from '../../electron/core/log'
// The same production policy Electron applies to the app page.
import { CSP } from '../../electron/core/security/csp'
import { contentTypeOf, injectShellScript, isAllowedOrigin, isLoopbackHost, resolveStaticPath, SHELL_SCRIPT_PATH } from './guards'

/** The browser shell binds here and nowhere else: it serves patient data to whoever can connect. */
export const HOST = '127.0.0.1'
/** Largest accepted RPC body; real calls are a few kB. */
export const MAX_BODY_BYTES = 1024 * 1024

export interface BrowserShellOptions {
  /** 0 = any free port. */
  port: number
  dataDir: string
  version: string
  /** The built renderer (electron-vite's out/renderer). */
  rendererDir: string
  logger?: Logger
  /** When given, the real sync engine runs against these remotes (demo simulator/network or configured services). */
  remotes?: Remotes
  engine?: EngineOptions
}

export interface BrowserShell {
  url: string
  port: number
  core: Core
  /**
   * First run (no user yet): the one-time code auth.setup asks for, to print on the console; also in `setupCodeFile`
   * (mode 0600). Null when users exist.
   */
  setupCode: string | null
  setupCodeFile: string
  close(): Promise<void>
}

const pageScript = readFileSync(new URL('./page.js', import.meta.url), 'utf8')

const baseHeaders = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
}

/**
 * Serves the built renderer and `POST /rpc`, which dispatches into the same handler table Electron's
 * ipcMain uses, so the UI runs (and is tested) where Electron cannot start.
 */
export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const indexFile = join(options.rendererDir, 'index.html')
  if (!existsSync(indexFile)) {
    throw new Error(`Renderer not built: ${indexFile} is missing. Run \`npx electron-vite build\` first.`)
  }
  const log = options.logger ?? createLogger({ scope: 'browser-shell' })
  // faskes.db encrypted with the keychain's key (under tools/dev/with-keyring.sh where no desktop keychain exists).
  const core = await openCore({ dataDir: options.dataDir, version: options.version, remotes: options.remotes, engine: options.engine, log })
  core.engine?.start()
  const handlers = createHandlers(core)
  // Any local process can reach this port: the first admin also needs a code only whoever started the shell can read.
  const setup = openSetupCodeGate(options.dataDir, new AuthService(core.db, null).hasUsers())
  let port = 0

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('request failed', { path: req.url, error: err instanceof Error ? err.message : String(err) })
      if (!res.headersSent) sendError(res, 500, keyed('INTERNAL', 'shell.internal'))
      else res.destroy()
    })
  })
  // Bounded waits: a stalled client cannot hold a connection open for ever.
  server.requestTimeout = 15_000
  server.headersTimeout = 10_000
  server.keepAliveTimeout = 5_000

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!isLoopbackHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port)) {
      return sendError(res, 403, keyed('FORBIDDEN', 'shell.localOnly'))
    }
    const pathname = new URL(req.url ?? '/', `http://${HOST}`).pathname
    if (pathname === '/rpc') return handleRpc(req, res)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return sendError(res, 405, keyed('INVALID_INPUT', 'shell.method'))
    }
    if (pathname === SHELL_SCRIPT_PATH) return send(res, 200, contentTypeOf(SHELL_SCRIPT_PATH), pageScript, req.method)
    return serveStatic(req, res, pathname)
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string) {
    const file = resolveStaticPath(options.rendererDir, pathname)
    if (!file) return sendError(res, 400, keyed('INVALID_INPUT', 'shell.badPath'))
    const info = await stat(file).catch(() => null)
    if (info?.isFile() && file !== indexFile) {
      return send(res, 200, contentTypeOf(file), await readFile(file), req.method)
    }
    // SPA fallback: routes are in the hash, but any extension-less path still gets the app.
    if (info?.isDirectory() || file === indexFile || (!info && extname(file) === '')) {
      const html = injectShellScript(await readFile(indexFile, 'utf8'))
      return send(res, 200, contentTypeOf(indexFile), html, req.method)
    }
    return sendError(res, 404, keyed('NOT_FOUND', 'shell.notFound'))
  }

  async function handleRpc(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST')
      return sendError(res, 405, keyed('INVALID_INPUT', 'shell.postOnly'))
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (type !== 'application/json') {
      return sendError(res, 415, keyed('INVALID_INPUT', 'shell.jsonOnly'))
    }
    const body = await readBody(req, MAX_BODY_BYTES)
    if (body === 'too-large') {
      res.setHeader('Connection', 'close')
      return sendError(res, 413, keyed('INVALID_INPUT', 'shell.tooLarge'))
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return sendError(res, 400, keyed('INVALID_INPUT', 'shell.badJson'))
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as { channel?: unknown }).channel !== 'string') {
      return sendError(res, 400, keyed('INVALID_INPUT', 'shell.shape'))
    }
    const { channel, input } = parsed as { channel: string; input?: unknown }
    const result = await dispatch(handlers, channel, input, {
        transport: 'browser-shell',
        source: req.socket.remoteAddress,
        session: cookieSessionCarrier(req.headers.cookie, (c) => res.setHeader('Set-Cookie', c)),
        setupGate: setup.gate,
      }, (ch, err) =>
      log.error('handler failed', { channel: ch, error: err instanceof Error ? err.message : String(err) }),
    )
    send(res, 200, 'application/json; charset=utf-8', JSON.stringify(result), 'POST')
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port, HOST, () => {
      server.off('error', reject)
      resolveListen()
    })
  }).catch(async (err: unknown) => {
    await core.close()
    throw err
  })
  port = (server.address() as AddressInfo).port

  let closed: Promise<void> | undefined
  return {
    url: `http://${HOST}:${port}/`,
    port,
    core,
    setupCode: setup.code,
    setupCodeFile: setup.file,
    close: () =>
      (closed ??= new Promise<void>((done) => {
        server.close(() => {
          void core.close().then(done, done)
        })
        server.closeAllConnections()
      })),
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, method: string | undefined) {
  res.writeHead(status, { ...baseHeaders, 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) })
  res.end(method === 'HEAD' ? undefined : body)
}

/** A transport-level refusal by catalogue key, so the page can show it in its language like core's errors. */
function keyed(code: ErrorShape['code'], key: ServerMessageKey): ErrorShape {
  return { code, message: formatServerMessage('id', key), key }
}

function sendError(res: ServerResponse, status: number, error: ErrorShape) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify({ ok: false, error }), 'GET')
}

/** The whole body, or 'too-large' as soon as it passes `limit` (the rest is not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) {
    req.resume()
    return Promise.resolve('too-large')
  }
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        resolveBody('too-large')
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!done) resolveBody(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}
