import { readFile, stat } from 'node:fs/promises'
import nodePath from 'node:path'
import { APP_HOST, APP_SCHEME } from './origin'

/**
 * The app:// protocol that serves the built renderer (out/renderer) in production. file:// would
 * give the page an opaque origin, and module scripts then fail CORS. Requests are mapped to files
 * strictly inside the renderer folder.
 */
type PathApi = Pick<typeof nodePath, 'resolve' | 'sep' | 'extname'>

export type ResolvedPath = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404 }

/**
 * Maps `app://faskes/<path>` to a file under `root`. Refuses other hosts, credentials, ports,
 * NUL bytes, backslashes and colons, malformed escapes, and anything that resolves outside `root`
 * (`..` hidden behind an encoded slash, absolute paths). `pathApi` lets tests check the Windows rules on Linux.
 */
export function resolveAppPath(root: string, requestUrl: string, pathApi: PathApi = nodePath): ResolvedPath {
  let u: URL
  try {
    u = new URL(requestUrl)
  } catch {
    return { ok: false, status: 400 }
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '') {
    return { ok: false, status: 403 }
  }
  let decoded: string
  try {
    decoded = decodeURIComponent(u.pathname)
  } catch {
    return { ok: false, status: 400 }
  }
  // Built assets never contain these; refusing them shuts out Windows separators, drive letters,
  // UNC prefixes and NTFS alternate data streams (`file:stream`) on every platform alike.
  if (/[\0\\:]/.test(decoded)) return { ok: false, status: 400 }
  const rel = decoded === '/' || decoded === '' ? '/index.html' : decoded
  const base = pathApi.resolve(root)
  const full = pathApi.resolve(base, '.' + rel)
  if (full !== base && !full.startsWith(base + pathApi.sep)) return { ok: false, status: 403 }
  return { ok: true, path: full }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export function contentTypeFor(file: string, pathApi: PathApi = nodePath): string {
  return CONTENT_TYPES[pathApi.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export interface AppResponse {
  status: number
  headers: Record<string, string>
  body: Buffer | null
}

/**
 * The whole protocol handler minus Electron: GET/HEAD only, path guard, client-side routes
 * (a path without an extension that is not a file) fall back to index.html, CSP on every answer.
 */
export async function serveAppRequest(
  root: string,
  req: { url: string; method: string },
  csp: string,
): Promise<AppResponse> {
  const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' }
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, headers, body: null }
  const resolved = resolveAppPath(root, req.url)
  if (!resolved.ok) return { status: resolved.status, headers, body: null }
  let file = resolved.path
  if (!(await isFile(file))) {
    if (nodePath.extname(file) !== '') return { status: 404, headers, body: null }
    file = nodePath.join(nodePath.resolve(root), 'index.html')
  }
  try {
    const body = await readFile(file)
    return {
      status: 200,
      headers: { ...headers, 'Content-Type': contentTypeFor(file) },
      body: req.method === 'HEAD' ? null : body,
    }
  } catch {
    return { status: 404, headers, body: null }
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile()
  } catch {
    return false
  }
}
