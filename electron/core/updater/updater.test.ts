import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { createLogger, memorySink } from '../log'
import { defaultSettings } from '../settings'
import { isSelfUpdateSupported, startUpdater, updateVerification, updaterOptions, type AutoUpdaterLike, type GenericFeed } from './index'

const withUrl = (url: string | null) => ({ updater: { url } })

describe('updaterOptions', () => {
  it('is off with the default settings', () => {
    expect(updaterOptions(defaultSettings, { production: true })).toBeNull()
  })

  it('gives a generic feed for an https URL', () => {
    expect(updaterOptions(withUrl('https://updates.example.org/faskes/'), { production: true })).toEqual({
      provider: 'generic',
      url: 'https://updates.example.org/faskes/',
    })
  })

  it('refuses plain http in production but allows it in development (local test feed)', () => {
    expect(updaterOptions(withUrl('http://updates.example.org/'), { production: true })).toBeNull()
    expect(updaterOptions(withUrl('http://127.0.0.1:8080/'), { production: false })).toEqual({
      provider: 'generic',
      url: 'http://127.0.0.1:8080/',
    })
  })

  it.each(['http://updates.example.org/', 'http://127.0.0.1.example.org/', 'http://localhost.example.org/'])(
    'refuses plain http to another computer also in development: %s',
    (url) => {
      expect(updaterOptions(withUrl(url), { production: false })).toBeNull()
    },
  )

  it('allows plain http to this computer in development only (localhost, 127.0.0.1, ::1)', () => {
    for (const url of ['http://localhost:8080/feed/', 'http://[::1]:8080/']) {
      expect(updaterOptions(withUrl(url), { production: false })?.url).toBe(url)
      expect(updaterOptions(withUrl(url), { production: true })).toBeNull()
    }
  })

  it.each(['file:///tmp/feed', 'ftp://example.org/', 'javascript:alert(1)', 'not a url', 'https://user:pw@example.org/'])(
    'refuses %s in any mode',
    (url) => {
      expect(updaterOptions(withUrl(url), { production: true })).toBeNull()
      expect(updaterOptions(withUrl(url), { production: false })).toBeNull()
    },
  )
})

describe('updateVerification', () => {
  const yml = (publisher: string) => `provider: generic\nurl: https://u.example/\n${publisher}updaterCacheDirName: x-updater\n`

  it('on Windows, names the publishers electron-updater checks the installer against', () => {
    expect(updateVerification('win32', yml('publisherName:\n  - Faskes Workstation\n  - "PT Contoh, Tbk"\n'))).toEqual({
      ok: true,
      check: 'authenticode',
      publisherNames: ['Faskes Workstation', 'PT Contoh, Tbk'],
    })
    expect(updateVerification('win32', yml("publisherName: 'Faskes Workstation'\n"))).toMatchObject({ publisherNames: ['Faskes Workstation'] })
    expect(updateVerification('win32', yml('publisherName: [A, B]\n'))).toMatchObject({ publisherNames: ['A', 'B'] })
  })

  it('on Windows, refuses a build whose app-update.yml names no publisher (nothing would be checked), or has none', () => {
    for (const text of [yml(''), yml('publisherName:\n'), yml('publisherName: null\n'), yml('publisherName: []\n'), null]) {
      expect(updateVerification('win32', text).ok, String(text)).toBe(false)
    }
  })

  it('on Linux, says the AppImage is checked by sha512 over https only; elsewhere refuses', () => {
    expect(updateVerification('linux', null)).toEqual({ ok: true, check: 'sha512-over-https' })
    expect(updateVerification('darwin', yml('publisherName:\n  - X\n')).ok).toBe(false)
  })
})

describe('isSelfUpdateSupported', () => {
  it('only for packaged Windows/macOS builds and the Linux AppImage', () => {
    expect(isSelfUpdateSupported('win32', {}, true)).toBe(true)
    expect(isSelfUpdateSupported('linux', { APPIMAGE: '/home/u/Faskes.AppImage' }, true)).toBe(true)
    expect(isSelfUpdateSupported('linux', {}, true)).toBe(false)
    expect(isSelfUpdateSupported('win32', {}, false)).toBe(false)
    expect(isSelfUpdateSupported('freebsd', {}, true)).toBe(false)
  })
})

/** A fake electron-updater: an EventEmitter whose checks follow a script. */
class FakeUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = false
  autoInstallOnAppQuit = false
  feed: GenericFeed | null = null
  checks = 0
  constructor(private readonly script: ('ok' | 'reject' | 'reject+event')[]) {
    super()
  }
  setFeedURL(options: GenericFeed) {
    this.feed = options
  }
  async checkForUpdates() {
    const step = this.script[this.checks++] ?? 'ok'
    if (step === 'ok') return { updateInfo: { version: '0.2.0' } }
    const err = new Error(`net::ERR_NAME_NOT_RESOLVED #${this.checks}`)
    // electron-updater both emits 'error' and rejects the promise for one failure.
    if (step === 'reject+event') this.emit('error', err)
    throw err
  }
}

/** Manual clock: timers run only when the test says so. */
function manualSchedule() {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = []
  const schedule = (fn: () => void, ms: number) => {
    const t = { fn, ms, cancelled: false }
    timers.push(t)
    return () => {
      t.cancelled = true
    }
  }
  const pending = () => timers.filter((t) => !t.cancelled)
  const runNext = async () => {
    const t = pending()[0]
    if (!t) throw new Error('no pending timer')
    t.cancelled = true
    t.fn()
    await new Promise((r) => setTimeout(r, 0))
    return t.ms
  }
  return { schedule, pending, runNext }
}

const FEED: GenericFeed = { provider: 'generic', url: 'https://updates.example.org/faskes/' }

function setup(script: ('ok' | 'reject' | 'reject+event')[]) {
  const updater = new FakeUpdater(script)
  const clock = manualSchedule()
  const mem = memorySink()
  const handle = startUpdater({
    autoUpdater: updater,
    options: FEED,
    log: createLogger({ sink: mem.sink, level: 'debug' }),
    schedule: clock.schedule,
    firstCheckMs: 1_000,
    intervalMs: 100_000,
    retryMs: 10_000,
  })
  return { updater, clock, records: mem.records, handle }
}

describe('startUpdater', () => {
  it('configures the feed and background download, first check after a delay', async () => {
    const { updater, clock } = setup(['ok'])
    expect(updater.feed).toEqual(FEED)
    expect(updater.autoDownload).toBe(true)
    expect(updater.autoInstallOnAppQuit).toBe(true)
    expect(updater.checks).toBe(0)
    expect(await clock.runNext()).toBe(1_000)
    expect(updater.checks).toBe(1)
    expect(clock.pending().map((t) => t.ms)).toEqual([100_000])
  })

  it('a rejected check is logged and retried later, never thrown', async () => {
    const { updater, clock, records } = setup(['reject', 'ok'])
    await clock.runNext()
    expect(updater.checks).toBe(1)
    expect(records.some((r) => r.level === 'warn' && String(r.error).includes('ERR_NAME_NOT_RESOLVED'))).toBe(true)
    expect(clock.pending().map((t) => t.ms)).toEqual([10_000])
    await clock.runNext()
    expect(updater.checks).toBe(2)
    expect(clock.pending().map((t) => t.ms)).toEqual([100_000])
  })

  it('an error reported twice (event and rejection) leaves exactly one retry timer', async () => {
    const { clock } = setup(['reject+event'])
    await clock.runNext()
    expect(clock.pending().map((t) => t.ms)).toEqual([10_000])
  })

  it('an error event during download (no listener crash) schedules a retry', () => {
    const { updater, clock } = setup([])
    expect(() => updater.emit('error', new Error('sha512 checksum mismatch'))).not.toThrow()
    expect(clock.pending().map((t) => t.ms)).toEqual([10_000])
  })

  it('an update refused for its signature is logged as such and checked again later', () => {
    const { updater, clock, records } = setup([])
    const err = Object.assign(new Error('New version 0.2.0 is not signed by the application owner: publisherNames: Faskes Workstation'), {
      code: 'ERR_UPDATER_INVALID_SIGNATURE',
    })
    updater.emit('error', err)
    expect(records.find((r) => r.level === 'warn')?.msg).toMatch(/refused: not signed/)
    expect(clock.pending().map((t) => t.ms)).toEqual([10_000])
  })

  it('logs a downloaded update with its version', () => {
    const { updater, records } = setup([])
    updater.emit('update-downloaded', { version: '0.2.0' })
    expect(records.find((r) => r.msg.includes('downloaded'))?.version).toBe('0.2.0')
  })

  it('checkNow never rejects, and stop() clears timers and listeners', async () => {
    const { updater, clock, handle } = setup(['reject'])
    await expect(handle.checkNow()).resolves.toBeUndefined()
    handle.stop()
    expect(clock.pending()).toEqual([])
    expect(updater.listenerCount('error')).toBe(0)
    await handle.checkNow()
    expect(updater.checks).toBe(1)
  })

  it('a throwing setFeedURL leaves the app running without updates', () => {
    const updater = new FakeUpdater([])
    updater.setFeedURL = () => {
      throw new Error('bad feed')
    }
    const clock = manualSchedule()
    const mem = memorySink()
    expect(() =>
      startUpdater({ autoUpdater: updater, options: FEED, log: createLogger({ sink: mem.sink }), schedule: clock.schedule }),
    ).not.toThrow()
    expect(clock.pending()).toEqual([])
    expect(mem.records.some((r) => r.level === 'warn' && r.msg.includes('could not start'))).toBe(true)
  })
})
