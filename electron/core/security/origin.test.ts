import { describe, expect, it } from 'vitest'
import { PRODUCTION_ORIGIN, appOriginFor, isAllowedNavigation, isTrustedSender, originOf } from './origin'

const DEV = 'http://localhost:5173'

describe('appOriginFor', () => {
  it('is app://faskes in production and the dev server origin in development', () => {
    expect(appOriginFor(undefined)).toBe('app://faskes')
    expect(appOriginFor('')).toBe(PRODUCTION_ORIGIN)
    expect(appOriginFor('http://localhost:5173/')).toBe(DEV)
  })
  it('refuses a dev server URL that is not http(s)', () => {
    expect(() => appOriginFor('file:///tmp/index.html')).toThrow()
    expect(() => appOriginFor('not a url')).toThrow()
  })
})

describe('originOf', () => {
  it('handles the non-special app: scheme (Node reports origin "null" for it)', () => {
    expect(originOf('app://faskes/index.html#/pemeriksaan')).toBe('app://faskes')
    expect(originOf('APP://FASKES/')).toBe('app://faskes')
  })
  it('refuses credentials and garbage', () => {
    expect(originOf('app://user@faskes/')).toBeNull()
    expect(originOf('http://a:b@localhost:5173/')).toBeNull()
    expect(originOf(undefined)).toBeNull()
    expect(originOf('')).toBeNull()
    expect(originOf('/index.html')).toBeNull()
  })
})

// Each row: a URL the app window might be asked to go to, and whether that is its own page.
const NAVIGATION_TABLE: [string, string, boolean][] = [
  [PRODUCTION_ORIGIN, 'app://faskes/index.html', true],
  [PRODUCTION_ORIGIN, 'app://faskes/pendaftaran?x=1#top', true],
  [PRODUCTION_ORIGIN, 'app://faskes', true],
  [PRODUCTION_ORIGIN, 'app://faskes.evil.com/index.html', false],
  [PRODUCTION_ORIGIN, 'app://evilfaskes/index.html', false],
  [PRODUCTION_ORIGIN, 'app://faskes@evil.com/', false],
  [PRODUCTION_ORIGIN, 'app://evil.com@faskes/', false],
  [PRODUCTION_ORIGIN, 'app://faskes:8080/', false],
  [PRODUCTION_ORIGIN, 'apps://faskes/', false],
  [PRODUCTION_ORIGIN, 'file:///C:/app/out/renderer/index.html', false],
  [PRODUCTION_ORIGIN, 'file:///etc/passwd', false],
  [PRODUCTION_ORIGIN, 'javascript:alert(1)', false],
  [PRODUCTION_ORIGIN, 'data:text/html,<script>alert(1)</script>', false],
  [PRODUCTION_ORIGIN, 'blob:app://faskes/1234', false],
  [PRODUCTION_ORIGIN, '//faskes/index.html', false],
  [PRODUCTION_ORIGIN, 'https://faskes/', false],
  [PRODUCTION_ORIGIN, 'about:blank', false],
  [PRODUCTION_ORIGIN, 'chrome://settings', false],
  [DEV, 'http://localhost:5173/', true],
  [DEV, 'http://localhost:5173/#/admin', true],
  [DEV, 'http://localhost:5174/', false],
  [DEV, 'http://localhost:5173.evil.com/', false],
  [DEV, 'http://localhost/', false],
  [DEV, 'https://localhost:5173/', false],
  [DEV, 'http://127.0.0.1:5173/', false],
  [DEV, 'http://localhost:5173@evil.com/', false],
  [DEV, 'http://evil.com#@localhost:5173/', false],
  [DEV, 'ws://localhost:5173/', false],
  [DEV, 'app://faskes/index.html', false],
]

describe('isAllowedNavigation', () => {
  it.each(NAVIGATION_TABLE)('origin %s, url %s → %s', (origin, url, allowed) => {
    expect(isAllowedNavigation(url, origin)).toBe(allowed)
  })
  it('refuses non-strings', () => {
    expect(isAllowedNavigation(null, PRODUCTION_ORIGIN)).toBe(false)
    expect(isAllowedNavigation({ toString: () => 'app://faskes/' }, PRODUCTION_ORIGIN)).toBe(false)
  })
})

describe('isTrustedSender', () => {
  it.each(NAVIGATION_TABLE)('top frame, origin %s, url %s → %s', (origin, url, allowed) => {
    expect(isTrustedSender({ url, isMainFrame: true }, origin)).toBe(allowed)
  })
  it('refuses sub-frames even on the app origin, and missing frames', () => {
    expect(isTrustedSender({ url: 'app://faskes/index.html', isMainFrame: false }, PRODUCTION_ORIGIN)).toBe(false)
    expect(isTrustedSender({ url: undefined, isMainFrame: true }, PRODUCTION_ORIGIN)).toBe(false)
    expect(isTrustedSender(null, PRODUCTION_ORIGIN)).toBe(false)
    expect(isTrustedSender(undefined, PRODUCTION_ORIGIN)).toBe(false)
  })
})
