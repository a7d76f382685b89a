import { describe, expect, it } from 'vitest'
import { resolveSatusehatConfig, SATUSEHAT_HOSTS } from './config'

describe('resolveSatusehatConfig', () => {
  it('defaults to production hosts, the bundle style, UTC times and the one-minute token rules', () => {
    const c = resolveSatusehatConfig({ orgId: '10000004' })
    expect([c.authBase, c.fhirBase]).toEqual([SATUSEHAT_HOSTS.production.authBase, SATUSEHAT_HOSTS.production.fhirBase])
    expect([c.encounterStyle, c.timeStyle, c.tokenRefreshMarginMs, c.tokenFailureWaitMs]).toEqual(['bundle', 'utc', 60_000, 60_000])
  })

  it('takes each base as given (never derived from another), trims slashes, and refuses nonsense', () => {
    const c = resolveSatusehatConfig({ orgId: '1', ...SATUSEHAT_HOSTS.sandbox, fhirBase: 'http://127.0.0.1:9/fhir-r4/v1/' })
    expect([c.authBase, c.fhirBase]).toEqual([SATUSEHAT_HOSTS.sandbox.authBase, 'http://127.0.0.1:9/fhir-r4/v1'])
    expect(() => resolveSatusehatConfig({ orgId: '1', authBase: 'ftp://x' })).toThrow(TypeError)
    expect(() => resolveSatusehatConfig({ orgId: '' })).toThrow(TypeError)
    expect(() => resolveSatusehatConfig({ orgId: '1', timeouts: { totalMs: 0 } })).toThrow(TypeError)
  })
})
