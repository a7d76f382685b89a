import { describe, expect, it } from 'vitest'
import { gate } from './gate'

/** A promise with its resolve and reject. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('gate', () => {
  it('runs at most `limit` at once, the rest in call order as slots free, and passes results and rejections through', async () => {
    const run = gate(2)
    const calls = Array.from({ length: 5 }, () => deferred<number>())
    const started: number[] = []
    const results = calls.map((d, i) => run(() => (started.push(i), d.promise)).then((v) => `ok ${v}`, (e: Error) => `err ${e.message}`))
    await tick()
    expect(started).toEqual([0, 1])
    calls[1].reject(new Error('one'))
    await tick()
    // A rejection frees its slot like a result: the third call starts, not the fourth.
    expect(started).toEqual([0, 1, 2])
    calls[0].resolve(0)
    calls[2].resolve(2)
    await tick()
    expect(started).toEqual([0, 1, 2, 3, 4])
    calls[3].resolve(3)
    calls[4].resolve(4)
    expect(await Promise.all(results)).toEqual(['ok 0', 'err one', 'ok 2', 'ok 3', 'ok 4'])
  })

  it('a caller arriving while a freed slot is handed to a waiter does not run beside it', async () => {
    const run = gate(1)
    const first = deferred<void>()
    let inside = 0
    let most = 0
    const body = (p: Promise<void>) => async () => {
      most = Math.max(most, ++inside)
      await p
      inside--
    }
    const a = run(body(first.promise))
    const b = run(body(Promise.resolve()))
    await tick()
    first.resolve()
    // Synchronously after the release is queued, a third caller comes: it must wait behind the second.
    const c = run(body(Promise.resolve()))
    await Promise.all([a, b, c])
    expect(most).toBe(1)
  })

  it('refuses a limit below one', () => {
    expect(() => gate(0)).toThrow(RangeError)
  })
})
