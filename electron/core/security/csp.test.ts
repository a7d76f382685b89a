import { describe, expect, it } from 'vitest'
import { CSP, buildCsp, withCspHeader } from './csp'

function parse(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/)
      return [name, values] as [string, string[]]
    }),
  )
}

describe('CSP', () => {
  const p = parse(CSP)

  it.each([
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'"]],
    ['connect-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['media-src', ["'self'", 'blob:', 'mediastream:']],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['form-action', ["'none'"]],
  ])('production %s is exactly %j', (name, values) => {
    expect(p.get(name)).toEqual(values)
  })

  it('never allows eval, inline code, wildcards or remote hosts in production', () => {
    expect(CSP).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval|\*|https?:|wss?:/)
  })

  it('each directive appears once', () => {
    const names = CSP.split(';').map((d) => d.trim().split(/\s+/)[0])
    expect(new Set(names).size).toBe(names.length)
  })

  it('dev policy only adds what the Vite dev server needs, for that server only', () => {
    const dev = parse(buildCsp({ devServerOrigin: 'http://localhost:5173' }))
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173'])
    expect(dev.get('script-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect(dev.get('script-src')).not.toContain("'unsafe-eval'")
    expect(dev.get('object-src')).toEqual(["'none'"])
    expect(dev.get('frame-ancestors')).toEqual(["'none'"])
  })
})

describe('withCspHeader', () => {
  it('replaces any policy sent by the server whatever its case, keeps other headers', () => {
    const out = withCspHeader(
      { 'content-security-policy': ["default-src *"], 'Content-Security-Policy': 'x', 'Content-Type': ['text/html'] },
      CSP,
    )
    expect(out['Content-Security-Policy']).toEqual([CSP])
    expect(out['content-security-policy']).toBeUndefined()
    expect(out['Content-Type']).toEqual(['text/html'])
  })

  it('works without incoming headers', () => {
    expect(withCspHeader(undefined, CSP)).toEqual({ 'Content-Security-Policy': [CSP] })
  })
})
