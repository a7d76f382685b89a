import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore } from '../../electron/core/app'
import { CSP } from '../../electron/core/security/csp'
import { tempDir } from '../../test/helpers/tmp'
import { MAX_BODY_BYTES, startBrowserShell, type BrowserShell } from './server'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Raw HTTP (not fetch) so tests can send any Host header and un-normalised paths. */
function raw(shell: BrowserShell, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: shell.port, method, path, headers: { host: `127.0.0.1:${shell.port}`, ...headers }, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end(body)
  })
}

const rpc = (shell: BrowserShell, payload: unknown, headers: Record<string, string> = {}) =>
  raw(shell, 'POST', '/rpc', { 'content-type': 'application/json', ...headers }, JSON.stringify(payload))

describe('browser shell server', () => {
  const tmp = tempDir('faskes-shell-')
  const rendererDir = join(tmp.dir, 'renderer')
  const dataDir = join(tmp.dir, 'data')
  let shell: BrowserShell

  beforeAll(async () => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true })
    writeFileSync(
      join(rendererDir, 'index.html'),
      '<!doctype html><html><head><script type="module" crossorigin src="./assets/app.js"></script></head><body><div id="root"></div></body></html>',
    )
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app")')
    writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}')
    writeFileSync(join(tmp.dir, 'outside.txt'), 'must not be served')
    shell = await startBrowserShell({ port: 0, dataDir, version: '0.0.0-test', rendererDir })
  })
  afterAll(async () => {
    await shell?.close()
    tmp.cleanup()
  })

  it('binds to loopback and reports its URL', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/`)
    expect(shell.port).toBeGreaterThan(0)
  })

  it('serves index.html with the shell script injected before the app, under the app CSP', async () => {
    const r = await raw(shell, 'GET', '/')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(r.headers['content-security-policy']).toBe(CSP)
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.body.indexOf('<script src="/browser-shell.js"></script>')).toBeGreaterThan(-1)
    expect(r.body.indexOf('/browser-shell.js')).toBeLessThan(r.body.indexOf('./assets/app.js'))
  })

  it('serves assets with their MIME type, the page script, and 404 for missing files', async () => {
    const js = await raw(shell, 'GET', '/assets/app.js')
    expect([js.status, js.headers['content-type'], js.body]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log("app")'])
    expect((await raw(shell, 'GET', '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8')
    const page = await raw(shell, 'GET', '/browser-shell.js')
    expect([page.status, page.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8'])
    expect(page.body).toContain("fetch('/rpc'")
    expect((await raw(shell, 'GET', '/assets/missing.js')).status).toBe(404)
  })

  it('falls back to index.html for extension-less paths (SPA)', async () => {
    const r = await raw(shell, 'GET', '/pendaftaran')
    expect(r.status).toBe(200)
    expect(r.body).toContain('/browser-shell.js')
  })

  it('refuses path traversal', async () => {
    for (const p of ['/../outside.txt', '/assets/%2e%2e/%2e%2e/outside.txt', '/..%2foutside.txt', '/assets/..%5c..%5coutside.txt']) {
      const r = await raw(shell, 'GET', p)
      expect(r.body, p).not.toContain('must not be served')
      expect([400, 404], p).toContain(r.status)
    }
  })

  it('refuses foreign Host and Origin headers (DNS rebinding, cross-site)', async () => {
    expect((await raw(shell, 'GET', '/', { host: `evil.example:${shell.port}` })).status).toBe(403)
    expect((await raw(shell, 'GET', '/', { host: '127.0.0.1:1' })).status).toBe(403)
    const cross = await rpc(shell, { channel: 'auth.me', input: {} }, { origin: 'http://evil.example' })
    expect(cross.status).toBe(403)
    expect(JSON.parse(cross.body).error.code).toBe('FORBIDDEN')
    const same = await rpc(shell, { channel: 'auth.me', input: {} }, { origin: `http://127.0.0.1:${shell.port}` })
    expect(same.status).toBe(200)
  })

  it('answers RPC transport errors with typed errors', async () => {
    const get = await raw(shell, 'GET', '/rpc')
    expect(get.status).toBe(405)
    const text = await raw(shell, 'POST', '/rpc', { 'content-type': 'text/plain' }, JSON.stringify({ channel: 'app.info' }))
    expect([text.status, JSON.parse(text.body).error.code]).toEqual([415, 'INVALID_INPUT'])
    const bad = await raw(shell, 'POST', '/rpc', { 'content-type': 'application/json' }, '{"channel":')
    expect([bad.status, JSON.parse(bad.body).error.code]).toEqual([400, 'INVALID_INPUT'])
    const shape = await rpc(shell, ['app.info'])
    expect(shape.status).toBe(400)
    const big = await raw(shell, 'POST', '/rpc', { 'content-type': 'application/json' }, Buffer.alloc(MAX_BODY_BYTES + 1, 0x20))
    expect(big.status).toBe(413)
  })

  it('dispatches into the handler table: unknown channel, invalid input with fields, a refusal, and a real write', async () => {
    const unknown = JSON.parse((await rpc(shell, { channel: 'db.drop', input: {} })).body)
    expect(unknown).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String), key: 'err.unknownChannel' } })

    const invalid = JSON.parse((await rpc(shell, { channel: 'settings.update', input: { kdPPK: 'abc' } })).body)
    expect(invalid.ok).toBe(false)
    expect(invalid.error.code).toBe('INVALID_INPUT')
    expect(invalid.error.fields.map((f: { field: string }) => f.field)).toEqual(['kdPPK'])

    // No cookie: nothing but the sign-in and first-run channels answers, even before the first user exists.
    const anonymous = JSON.parse((await rpc(shell, { channel: 'settings.update', input: { faskesName: 'Klinik Uji RPC' } })).body)
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    const me = JSON.parse((await rpc(shell, { channel: 'auth.me' })).body)
    expect(me).toEqual({ ok: true, value: { user: null, setupRequired: true, setupCodeRequired: true, locale: 'id' } })
    // The first admin, with the one-time code the shell printed and wrote to its data folder.
    expect(shell.setupCode).toBe(readFileSync(join(dataDir, 'setup-code'), 'utf8').trim())
    const setup = JSON.parse((await rpc(shell, { channel: 'auth.setup', input: { username: 'pemilik', password: 'rahasia-pemilik-1', setupCode: shell.setupCode } })).body)
    expect(setup).toMatchObject({ ok: true, value: { username: 'pemilik', role: 'admin' } })
  })

  it('page.js gives window.faskes that returns Results and never rejects', async () => {
    const source = readFileSync(new URL('./page.js', import.meta.url), 'utf8')
    const run = (base: string) => {
      const window: Record<string, unknown> = {}
      runInNewContext(source, { window, fetch: (path: string, init: RequestInit) => fetch(new URL(path, base), init) })
      return window.faskes as { invoke(c: string, i?: unknown): Promise<unknown> }
    }
    const faskes = run(shell.url)
    expect(Object.isFrozen(faskes)).toBe(true)
    expect(await faskes.invoke('auth.me', {})).toMatchObject({ ok: true, value: { user: null, setupRequired: false } })
    expect(await faskes.invoke('nope', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
    // Nothing listens on port 9 of loopback: the bridge reports UNAVAILABLE instead of throwing.
    expect(await run('http://127.0.0.1:9/').invoke('auth.me', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } })
  })

  it('wrote the admin to the SQLite file itself, spent the setup code, and makes none on the next start', async () => {
    await shell.close()
    const core = await openCore({ dataDir, version: 'check' })
    try {
      expect(core.db.prepare('SELECT username, role FROM users').all()).toEqual([{ username: 'pemilik', role: 'admin' }])
    } finally {
      await core.close()
    }
    expect(existsSync(join(dataDir, 'setup-code'))).toBe(false)
    shell = await startBrowserShell({ port: 0, dataDir, version: '0.0.0-test', rendererDir })
    expect(shell.setupCode).toBeNull()
    expect(existsSync(join(dataDir, 'setup-code'))).toBe(false)
  })
})

it('refuses to start without a built renderer', async () => {
  const tmp = tempDir('faskes-shell-empty-')
  try {
    await expect(startBrowserShell({ port: 0, dataDir: tmp.dir, version: 't', rendererDir: join(tmp.dir, 'none') })).rejects.toThrow(/electron-vite build/)
  } finally {
    tmp.cleanup()
  }
})
