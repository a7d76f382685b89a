import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { CSP } from './csp'
import { contentTypeFor, resolveAppPath, serveAppRequest } from './protocol'

describe('resolveAppPath (POSIX)', () => {
  const root = '/opt/faskes/resources/app.asar/out/renderer'

  it.each([
    ['app://faskes/', `${root}/index.html`],
    ['app://faskes', `${root}/index.html`],
    ['app://faskes/index.html', `${root}/index.html`],
    ['app://faskes/assets/index-abc.js?v=1#x', `${root}/assets/index-abc.js`],
    ['app://faskes/assets/a%20b.png', `${root}/assets/a b.png`],
    // The URL parser folds dot segments before we see them; still inside root.
    ['app://faskes/../../../etc/passwd', `${root}/etc/passwd`],
    ['app://faskes/%2e%2e/%2e%2e/etc/passwd', `${root}/etc/passwd`],
  ])('%s → %s', (url, expected) => {
    expect(resolveAppPath(root, url)).toEqual({ ok: true, path: expected })
  })

  it.each([
    ['app://faskes/..%5C..%5Cetc%5Cpasswd', 400],
    ['app://faskes/C:%5Cwindows%5Cwin.ini', 400],
    ['app://faskes/index.html:secret', 400],
    ['app://faskes/assets/..%2f..%2f..%2fetc%2fpasswd', 403],
    ['app://faskes/%2fetc%2fpasswd/..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd', 403],
    ['app://faskes/..%2Frenderer-evil%2Fx.js', 403],
    ['app://faskes/index.html%00.png', 400],
    ['app://faskes/%E0%A4%A', 400],
    ['app://evil/index.html', 403],
    ['app://faskes.evil/index.html', 403],
    ['app://user@faskes/index.html', 403],
    ['app://faskes:81/index.html', 403],
    ['file:///etc/passwd', 403],
    ['https://faskes/index.html', 403],
    ['not a url', 400],
  ] as const)('refuses %s with %d', (url, status) => {
    expect(resolveAppPath(root, url)).toEqual({ ok: false, status })
  })

  it('does not treat a sibling folder with the same prefix as inside', () => {
    // root "/r/renderer" must not admit "/r/renderer-evil/x".
    expect(resolveAppPath('/r/renderer', 'app://faskes/..%2Frenderer-evil%2Fx')).toEqual({ ok: false, status: 403 })
  })
})

describe('resolveAppPath (Windows rules)', () => {
  const root = 'C:\\Program Files\\Faskes\\resources\\app.asar\\out\\renderer'

  it('keeps normal files inside', () => {
    expect(resolveAppPath(root, 'app://faskes/assets/x.js', path.win32)).toEqual({ ok: true, path: `${root}\\assets\\x.js` })
  })

  it.each([
    'app://faskes/..%5C..%5C..%5Cwindows%5Cwin.ini',
    'app://faskes/assets%5C..%5C..%5C..%5Csecret.txt',
    'app://faskes/C:%5Cwindows%5Cwin.ini',
    'app://faskes/%5C%5Cevil%5Cshare%5Cx',
    'app://faskes/..%2F..%2F..%2Fwindows%2Fwin.ini',
  ])('refuses %s', (url) => {
    const r = resolveAppPath(root, url, path.win32)
    expect(r.ok).toBe(false)
  })
})

describe('serveAppRequest (real files)', () => {
  let tmp: ReturnType<typeof tempDir>
  let root: string
  beforeAll(() => {
    tmp = tempDir()
    root = path.join(tmp.dir, 'renderer')
    mkdirSync(path.join(root, 'assets'), { recursive: true })
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Faskes</title>')
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(path.join(tmp.dir, 'secret.txt'), 'do not serve')
  })
  afterAll(() => tmp.cleanup())

  it('serves index.html for / with the CSP and nosniff', async () => {
    const r = await serveAppRequest(root, { url: 'app://faskes/', method: 'GET' }, CSP)
    expect(r.status).toBe(200)
    expect(r.body?.toString()).toContain('<title>Faskes</title>')
    expect(r.headers['Content-Type']).toBe('text/html; charset=utf-8')
    expect(r.headers['Content-Security-Policy']).toBe(CSP)
    expect(r.headers['X-Content-Type-Options']).toBe('nosniff')
  })

  it('serves assets with their type', async () => {
    const r = await serveAppRequest(root, { url: 'app://faskes/assets/app.js', method: 'GET' }, CSP)
    expect(r.status).toBe(200)
    expect(r.headers['Content-Type']).toBe('text/javascript; charset=utf-8')
    expect(r.body?.toString()).toBe('console.log(1)')
  })

  it('falls back to index.html for client-side routes, 404 for missing files', async () => {
    const route = await serveAppRequest(root, { url: 'app://faskes/pemeriksaan', method: 'GET' }, CSP)
    expect(route.status).toBe(200)
    expect(route.body?.toString()).toContain('<title>Faskes</title>')
    const missing = await serveAppRequest(root, { url: 'app://faskes/assets/nope.js', method: 'GET' }, CSP)
    expect(missing.status).toBe(404)
    expect(missing.body).toBeNull()
  })

  it('never serves a file outside the renderer folder', async () => {
    const r = await serveAppRequest(root, { url: 'app://faskes/..%2fsecret.txt', method: 'GET' }, CSP)
    expect(r.status).toBe(403)
    expect(r.body).toBeNull()
  })

  it('allows only GET and HEAD', async () => {
    expect((await serveAppRequest(root, { url: 'app://faskes/', method: 'POST' }, CSP)).status).toBe(405)
    const head = await serveAppRequest(root, { url: 'app://faskes/', method: 'HEAD' }, CSP)
    expect(head.status).toBe(200)
    expect(head.body).toBeNull()
  })

  it('maps unknown extensions to octet-stream', () => {
    expect(contentTypeFor('x.exe')).toBe('application/octet-stream')
    expect(contentTypeFor('X.CSS')).toBe('text/css; charset=utf-8')
  })
})
