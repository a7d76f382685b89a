import { join } from 'node:path'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { openDatabase, type DB } from '../db'
import { createLogger, memorySink } from '../log'
import { reconnectDelay } from './backoff'
import { ChainEventListener } from './events'

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  vi.useFakeTimers()
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'e.db'))
})
afterEach(() => {
  vi.useRealTimers()
  db.close()
  tmp.cleanup()
})

it('a peer that stays down is logged once, then retried ever more slowly', async () => {
  const { sink, records: lines } = memorySink()
  const log = createLogger({ level: 'debug', sink })
  const attempts: number[] = []
  const listener = new ChainEventListener(
    db,
    async () => {
      attempts.push(Date.now())
      throw new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:9051')
    },
    { retryMs: 1000, log },
  )
  // A checkpoint exists, so the listener tries to connect at once (a new workstation waits for its own first block).
  listener.checkpointer.save(5n, null)
  listener.start()
  // Each step: let the due reconnect run, then wait until the loop is parked in its next pause.
  for (let i = 0; i < 7; i++) {
    await listener.whenIdle()
    await vi.advanceTimersToNextTimerAsync()
  }
  await listener.stop()
  expect(attempts).toHaveLength(8)
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i])
  expect(gaps).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => reconnectDelay(1000, n)))
  expect(gaps).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000])
  expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['chain event stream ended; reconnecting'])
  expect(lines.filter((l) => l.level === 'debug')).toHaveLength(7)
})

it('whenIdle waits out a connection attempt in progress, and stop() ends a pause at once', async () => {
  let release: (() => void) | null = null
  const listener = new ChainEventListener(
    db,
    () =>
      new Promise((_, reject) => {
        release = () => reject(new Error('14 UNAVAILABLE: No connection established'))
      }),
    { retryMs: 60_000 },
  )
  listener.checkpointer.save(5n, null)
  listener.start()
  let idle = false
  void listener.whenIdle().then(() => (idle = true))
  await vi.advanceTimersByTimeAsync(0)
  expect(idle).toBe(false)
  release!()
  await vi.advanceTimersByTimeAsync(0)
  expect(idle).toBe(true)
  // Parked in a one-minute pause; stop does not wait for it.
  await listener.stop()
  expect(vi.getTimerCount()).toBe(0)
})
