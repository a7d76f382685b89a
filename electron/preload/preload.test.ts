import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { channelNames } from '../contract/channels'

/**
 * The preload under Node with a stand-in `electron` module: what reaches the page is exactly one
 * object with one function, and that function forwards only contract channels with (channel, input).
 */
const exposed: Record<string, unknown> = {}
const invoke = vi.fn()
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => void (exposed[key] = value) },
  ipcRenderer: { invoke: (...args: unknown[]) => invoke(...args), on: vi.fn(), send: vi.fn() },
}))

type Api = { invoke: (channel: unknown, input?: unknown) => Promise<unknown> }
let api: Api
beforeAll(async () => {
  await import('./index')
  api = exposed.faskes as Api
})
beforeEach(() => invoke.mockReset())

describe('preload', () => {
  it('exposes only window.faskes with only invoke', () => {
    expect(Object.keys(exposed)).toEqual(['faskes'])
    expect(Object.keys(api)).toEqual(['invoke'])
    expect(typeof api.invoke).toBe('function')
  })

  it.each(channelNames)('forwards %s with exactly (channel, input) and returns main’s Result', async (channel) => {
    const result = { ok: true, value: { channel } }
    invoke.mockResolvedValueOnce(result)
    await expect(api.invoke(channel, { a: 1 })).resolves.toBe(result)
    expect(invoke).toHaveBeenCalledExactlyOnceWith(channel, { a: 1 })
  })

  it.each(['db.exec', '__proto__', 'constructor', 'toString', '', 'APP.INFO', 42, null, { toString: () => 'app.info' }])(
    'refuses %j without touching ipc',
    async (channel) => {
      await expect(api.invoke(channel, {})).resolves.toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String) } })
      expect(invoke).not.toHaveBeenCalled()
    },
  )

  it('turns an ipc failure into an UNAVAILABLE Result instead of a rejection', async () => {
    invoke.mockRejectedValueOnce(new Error("No handler registered for 'app.info'"))
    await expect(api.invoke('app.info', {})).resolves.toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: expect.any(String) } })
  })
})
