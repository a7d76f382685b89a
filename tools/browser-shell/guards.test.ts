import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { contentTypeOf, injectShellScript, isAllowedOrigin, isLoopbackHost, resolveStaticPath } from './guards'

describe('isLoopbackHost', () => {
  it('accepts only loopback names with our port', () => {
    expect(isLoopbackHost('127.0.0.1:8080', 8080)).toBe(true)
    expect(isLoopbackHost('LOCALHOST:8080', 8080)).toBe(true)
    expect(isLoopbackHost('127.0.0.1:8081', 8080)).toBe(false)
    expect(isLoopbackHost('127.0.0.1', 8080)).toBe(false)
    expect(isLoopbackHost('evil.example:8080', 8080)).toBe(false)
    expect(isLoopbackHost('127.0.0.1.evil.example:8080', 8080)).toBe(false)
    expect(isLoopbackHost(undefined, 8080)).toBe(false)
  })
})

describe('isAllowedOrigin', () => {
  it('allows no origin and our own, nothing else', () => {
    expect(isAllowedOrigin(undefined, 8080)).toBe(true)
    expect(isAllowedOrigin('http://127.0.0.1:8080', 8080)).toBe(true)
    expect(isAllowedOrigin('http://localhost:8080', 8080)).toBe(true)
    expect(isAllowedOrigin('null', 8080)).toBe(false)
    expect(isAllowedOrigin('https://127.0.0.1:8080', 8080)).toBe(false)
    expect(isAllowedOrigin('http://evil.example', 8080)).toBe(false)
  })
})

describe('resolveStaticPath', () => {
  const tmp = tempDir('faskes-guards-')
  afterAll(tmp.cleanup)
  const root = join(tmp.dir, 'renderer')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'assets', 'a.js'), '')
  writeFileSync(join(tmp.dir, 'secret.txt'), 'secret')
  symlinkSync(join(tmp.dir, 'secret.txt'), join(root, 'assets', 'link.txt'))

  it('maps paths inside root', () => {
    expect(resolveStaticPath(root, '/assets/a.js')).toBe(join(root, 'assets', 'a.js'))
    expect(resolveStaticPath(root, '/')).toBe(root)
    expect(resolveStaticPath(root, '/./assets//a.js')).toBe(join(root, 'assets', 'a.js'))
  })

  it('refuses every way out of root', () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets%2f..%2f..%2fsecret.txt', '/..\\secret.txt', '/a%00.js', '/%E0%A4%A', '/assets/link.txt']) {
      expect(resolveStaticPath(root, p), p).toBeNull()
    }
  })
})

describe('injectShellScript', () => {
  it('puts the shell script before the first script', () => {
    const html = '<html><head><meta charset="utf-8"><script type="module" src="./assets/i.js"></script></head><body></body></html>'
    const out = injectShellScript(html)
    expect(out.indexOf('<script src="/browser-shell.js"></script>')).toBeGreaterThan(-1)
    expect(out.indexOf('/browser-shell.js')).toBeLessThan(out.indexOf('./assets/i.js'))
  })
  it('falls back to the end of head, and refuses a page without head', () => {
    expect(injectShellScript('<head></head>')).toMatch(/<script src="\/browser-shell.js"><\/script>\s*<\/head>/)
    expect(() => injectShellScript('<body></body>')).toThrow(/no <head>/)
  })
})

it('contentTypeOf knows the bundle types', () => {
  expect(contentTypeOf('x.js')).toMatch(/^text\/javascript/)
  expect(contentTypeOf('x.css')).toMatch(/^text\/css/)
  expect(contentTypeOf('x.HTML')).toMatch(/^text\/html/)
  expect(contentTypeOf('x.woff2')).toBe('font/woff2')
  expect(contentTypeOf('x.unknown')).toBe('application/octet-stream')
})
