import { describe, expect, it } from 'vitest'
import { ANTREAN_BASE_URLS, antreanBaseUrlFor, PCARE_BASE_URLS, resolveConfig } from './config'

describe('antreanBaseUrlFor: the Antrean FKTP service beside a PCare base URL', () => {
  it('maps the BPJS gateway hosts onto the documented Antrean hosts', () => {
    expect(antreanBaseUrlFor(PCARE_BASE_URLS.production)).toBe(ANTREAN_BASE_URLS.production)
    expect(antreanBaseUrlFor(PCARE_BASE_URLS.development)).toBe(ANTREAN_BASE_URLS.development)
  })

  it.each([
    ['https://apijkn.bpjs-kesehatan.go.id/pcare-rest/', 'https://apijkn.bpjs-kesehatan.go.id/antreanfktp'],
    ['http://127.0.0.1:8787/pcare-rest', 'http://127.0.0.1:8787/antreanfktp'],
    ['http://127.0.0.1:8787/pcare-rest-dev', 'http://127.0.0.1:8787/antreanfktp_dev'],
    ['https://proxy.puskesmas.local/bpjs/pcare?x=1', 'https://proxy.puskesmas.local/bpjs/antreanfktp'],
    ['https://gateway.local', 'https://gateway.local/antreanfktp'],
  ])('%s → %s', (pcare, antrean) => {
    expect(antreanBaseUrlFor(pcare)).toBe(antrean)
  })

  it('never answers a path under the PCare service', () => {
    for (const base of [...Object.values(PCARE_BASE_URLS), 'http://127.0.0.1:1/pcare-rest']) {
      expect(antreanBaseUrlFor(base).startsWith(`${base}/`)).toBe(false)
    }
  })

  it('refuses what is not an http(s) URL', () => {
    expect(() => antreanBaseUrlFor('ftp://host/pcare-rest')).toThrow(TypeError)
    expect(() => antreanBaseUrlFor('pcare-rest')).toThrow(TypeError)
  })
})

describe('resolveConfig: which Antrean URL a client uses', () => {
  it('an explicit Antrean URL wins over the derived one', () => {
    const cfg = resolveConfig({ baseUrl: PCARE_BASE_URLS.development, antreanBaseUrl: 'https://other.example/antrean/' })
    expect(cfg.antreanBaseUrl).toBe('https://other.example/antrean')
  })

  it('only a PCare URL: its Antrean sibling, not the production default', () => {
    expect(resolveConfig({ baseUrl: PCARE_BASE_URLS.development }).antreanBaseUrl).toBe(ANTREAN_BASE_URLS.development)
    expect(resolveConfig({ baseUrl: 'http://127.0.0.1:9/pcare-rest' }).antreanBaseUrl).toBe('http://127.0.0.1:9/antreanfktp')
  })

  it('nothing set: the production hosts', () => {
    const cfg = resolveConfig()
    expect(cfg.baseUrl).toBe(PCARE_BASE_URLS.production)
    expect(cfg.antreanBaseUrl).toBe(ANTREAN_BASE_URLS.production)
  })
})
