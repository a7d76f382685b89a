import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { openDatabase, type DB } from '../db'
import { createLogger, memorySink } from '../log'
import { ChainEventListener, reconnectDelay } from './events'

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  tmp = tempDir()
  db = openDatabase(join(tmp.dir, 'e.db'))
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

it('reconnectDelay doubles per consecutive failure and stops at 8x', () => {
  expect([0, 1, 2, 3, 4, 5, 50].map((n) => reconnectDelay(5000, n))).toEqual([5000, 5000, 10_000, 20_000, 40_000, 40_000, 40_000])
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
    { retryMs: 20, log },
  )
  // A checkpoint exists, so the listener tries to connect at once (a new workstation waits for its own first block).
  listener.checkpointer.save(5n, null)
  listener.start()
  const end = Date.now() + 3000
  while (attempts.length < 6 && Date.now() < end) await new Promise((r) => setTimeout(r, 10))
  await listener.stop()
  expect(attempts.length).toBeGreaterThanOrEqual(6)
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i])
  // 20, 40, 80, 160, 160 ms (timers fire late, never early).
  expect(gaps[0]).toBeGreaterThanOrEqual(19)
  expect(gaps[2]).toBeGreaterThanOrEqual(79)
  expect(gaps[4]).toBeGreaterThanOrEqual(159)
  expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['chain event stream ended; reconnecting'])
  expect(lines.filter((l) => l.level === 'debug').length).toBeGreaterThanOrEqual(attempts.length - 2)
})
