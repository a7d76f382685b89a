import type { IncomingMessage, ServerResponse } from 'node:http'

/** The user's hub session token, desk → hub (the desk shell keeps it in its page's HttpOnly cookie). */
export const SESSION_HEADER = 'x-faskes-session'
/** A new session token (empty = signed out), hub → desk, set when a call changed the session. */
export const SESSION_SET_HEADER = 'x-faskes-session-set'
/** Largest body either side accepts; real calls are a few kB. */
export const MAX_BODY_BYTES = 1024 * 1024

/** Sends `value` as JSON, never cached. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

/** The request body parsed as JSON; undefined when it is not JSON or passes MAX_BODY_BYTES (the rest is dropped). */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) over = true
      else chunks.push(chunk)
    })
    req.on('end', () => {
      if (over) return resolveBody(undefined)
      try {
        resolveBody(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      } catch {
        resolveBody(undefined)
      }
    })
    req.on('error', reject)
  })
}
