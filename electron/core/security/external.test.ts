import { describe, expect, it, vi } from 'vitest'
import { isAllowedExternalUrl, openExternalIfAllowed, windowOpenHandler } from './external'

const HOSTILE = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'javascript://bpjs-kesehatan.go.id/%0aalert(1)',
  'file:///etc/passwd',
  'file://bpjs-kesehatan.go.id/share/x.exe',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'ms-msdt:/id PCWDiagnostic',
  'smb://bpjs-kesehatan.go.id/share',
  '\\\\evil\\share\\x.exe',
  '//bpjs-kesehatan.go.id/',
  '/relative/path',
  'bpjs-kesehatan.go.id',
  'http://bpjs-kesehatan.go.id/',
  'https://bpjs-kesehatan.go.id@evil.com/',
  'https://user:pass@bpjs-kesehatan.go.id/',
  'https://bpjs-kesehatan.go.id:444/',
  'https://bpjs-kesehatan.go.id.evil.com/',
  'https://evilbpjs-kesehatan.go.id/',
  'https://bpjs-kesehatan.go.іd/',
  'https://evil.com/#https://bpjs-kesehatan.go.id/',
  'https://evil.com/?u=https://bpjs-kesehatan.go.id/',
  'app://faskes/index.html',
  'app://faskes.evil/',
  'http://localhost:5173/',
  'https://localhost/',
  '',
]

describe('isAllowedExternalUrl', () => {
  it.each(HOSTILE)('refuses %j', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false)
  })

  it.each(['https://bpjs-kesehatan.go.id/', 'https://www.bpjs-kesehatan.go.id/bpjs/pages/faq', 'HTTPS://BPJS-KESEHATAN.GO.ID/x'])(
    'allows %s',
    (url) => {
      expect(isAllowedExternalUrl(url)).toBe(true)
    },
  )

  it('refuses non-strings and honours a custom allowlist', () => {
    expect(isAllowedExternalUrl(undefined)).toBe(false)
    expect(isAllowedExternalUrl(42)).toBe(false)
    expect(isAllowedExternalUrl('https://example.org/', ['example.org'])).toBe(true)
    expect(isAllowedExternalUrl('https://bpjs-kesehatan.go.id/', ['example.org'])).toBe(false)
  })
})

describe('windowOpenHandler', () => {
  it.each(HOSTILE)('denies %j and never calls the OS opener', (url) => {
    const open = vi.fn()
    expect(windowOpenHandler(open)({ url })).toEqual({ action: 'deny' })
    expect(open).not.toHaveBeenCalled()
  })

  it('denies the window but hands an allowlisted link to the OS browser, normalised', () => {
    const open = vi.fn()
    expect(windowOpenHandler(open)({ url: 'HTTPS://WWW.BPJS-KESEHATAN.GO.ID/faq' })).toEqual({ action: 'deny' })
    expect(open).toHaveBeenCalledExactlyOnceWith('https://www.bpjs-kesehatan.go.id/faq')
  })

  it('survives an opener that rejects', async () => {
    const open = vi.fn(() => Promise.reject(new Error('no browser')))
    expect(openExternalIfAllowed('https://bpjs-kesehatan.go.id/', open)).toBe(true)
    await new Promise((r) => setTimeout(r, 0))
    expect(open).toHaveBeenCalledOnce()
  })
})
