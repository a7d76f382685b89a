import { describe, expect, it } from 'vitest'
import { mainWindowOptions } from './window'

describe('mainWindowOptions', () => {
  const opts = mainWindowOptions({ preloadPath: '/app/out/preload/index.js', devTools: false })
  const wp = opts.webPreferences

  // One assertion per flag, so flipping any single one fails a named test.
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
    ['safeDialogs', true],
  ] as const)('webPreferences.%s is %s', (flag, expected) => {
    expect(wp[flag]).toBe(expected)
  })

  it('has no other webPreferences than the reviewed set (no enableBlinkFeatures, no additionalArguments)', () => {
    expect(Object.keys(wp).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'devTools',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    )
  })

  it('uses the given preload and devTools setting', () => {
    expect(wp.preload).toBe('/app/out/preload/index.js')
    expect(wp.devTools).toBe(false)
    expect(mainWindowOptions({ preloadPath: '/p.js', devTools: true }).webPreferences.devTools).toBe(true)
  })

  it('starts hidden (shown on ready-to-show) and refuses an empty preload path', () => {
    expect(opts.show).toBe(false)
    expect(() => mainWindowOptions({ preloadPath: '', devTools: false })).toThrow(/preloadPath/)
  })
})
