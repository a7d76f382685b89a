import { describe, expect, it } from 'vitest'
import { decidePermissionCheck, decidePermissionRequest } from './permissions'

const APP = 'app://faskes'

describe('decidePermissionRequest', () => {
  it('allows the webcam (video only) for the app page', () => {
    expect(decidePermissionRequest({ permission: 'media', requestingUrl: 'app://faskes/index.html', mediaTypes: ['video'] }, APP)).toBe(true)
  })

  it.each([
    ['media', 'app://faskes/index.html', ['audio']],
    ['media', 'app://faskes/index.html', ['video', 'audio']],
    ['media', 'app://faskes/index.html', []],
    ['media', 'app://faskes/index.html', undefined],
    ['media', 'https://evil.com/', ['video']],
    ['media', 'app://faskes.evil/', ['video']],
    ['media', 'app://x@faskes/', ['video']],
    ['media', undefined, ['video']],
    ['geolocation', 'app://faskes/index.html', undefined],
    ['notifications', 'app://faskes/index.html', undefined],
    ['clipboard-read', 'app://faskes/index.html', undefined],
    ['display-capture', 'app://faskes/index.html', undefined],
    ['openExternal', 'app://faskes/index.html', undefined],
    ['hid', 'app://faskes/index.html', undefined],
    ['serial', 'app://faskes/index.html', undefined],
    ['usb', 'app://faskes/index.html', undefined],
    ['fullscreen', 'app://faskes/index.html', undefined],
  ] as [string, string | undefined, string[] | undefined][])('denies %s from %s (%j)', (permission, requestingUrl, mediaTypes) => {
    expect(decidePermissionRequest({ permission, requestingUrl, mediaTypes }, APP)).toBe(false)
  })
})

describe('decidePermissionCheck', () => {
  it('answers yes only for media from the app origin', () => {
    expect(decidePermissionCheck('media', 'app://faskes', APP)).toBe(true)
    expect(decidePermissionCheck('media', 'app://faskes/', APP)).toBe(true)
    expect(decidePermissionCheck('media', 'https://evil.com', APP)).toBe(false)
    expect(decidePermissionCheck('geolocation', 'app://faskes', APP)).toBe(false)
    expect(decidePermissionCheck('media', undefined, APP)).toBe(false)
  })
})
