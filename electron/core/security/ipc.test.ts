import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { createCore, type Core } from '../app'
import type { HandlerTable } from '../ipc/dispatch'
import { createHandlers } from '../ipc/handlers'
import { createIpcInvoker } from './ipc'

let tmp: ReturnType<typeof tempDir>
let core: Core
beforeEach(() => {
  tmp = tempDir()
  core = createCore({ dataDir: tmp.dir, version: '1.2.3' })
})
afterEach(() => {
  core.close()
  tmp.cleanup()
})

function spiedTable(): { table: HandlerTable; calls: string[] } {
  const calls: string[] = []
  const real = createHandlers(core)
  const table = Object.fromEntries(
    Object.entries(real).map(([name, fn]) => [name, (input: never, ctx: never) => (calls.push(`${name}:${(ctx as { transport: string }).transport}`), (fn as (i: never, c: never) => unknown)(input, ctx))]),
  ) as unknown as HandlerTable
  return { table, calls }
}

describe('createIpcInvoker', () => {
  it('dispatches a call from the app page with transport ipc, the window being its first-run proof (no setup code)', async () => {
    const { table, calls } = spiedTable()
    const invoke = createIpcInvoker({ table, appOrigin: 'app://faskes' })
    const r = await invoke({ url: 'app://faskes/index.html', isMainFrame: true }, 'auth.me', {})
    expect(r).toMatchObject({ ok: true, value: { user: null, setupRequired: true, setupCodeRequired: false } })
    expect(calls).toEqual(['auth.me:ipc'])
  })

  it.each([
    [{ url: 'https://evil.com/', isMainFrame: true }],
    [{ url: 'app://faskes/index.html', isMainFrame: false }],
    [{ url: 'file:///tmp/index.html', isMainFrame: true }],
    [{ url: undefined, isMainFrame: true }],
    [null],
  ])('returns FORBIDDEN and dispatches nothing for frame %j', async (frame) => {
    const { table, calls } = spiedTable()
    const refused: string[] = []
    const invoke = createIpcInvoker({ table, appOrigin: 'app://faskes', onForbidden: (c) => refused.push(c) })
    const r = await invoke(frame, 'settings.update', { faskesName: 'hacked' })
    expect(r).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String), key: 'err.foreignSender' } })
    expect(calls).toEqual([])
    expect(refused).toEqual(['settings.update'])
    expect(core.settings.get().faskesName).not.toBe('hacked')
  })

  it('still validates input for trusted frames', async () => {
    const { table, calls } = spiedTable()
    const invoke = createIpcInvoker({ table, appOrigin: 'http://localhost:5173' })
    const r = await invoke({ url: 'http://localhost:5173/', isMainFrame: true }, 'settings.update', { kdPPK: 'nope' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('INVALID_INPUT')
    expect(calls).toEqual([])
  })
})
