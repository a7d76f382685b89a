import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { NO_ANSWER, createPoller, settleAnswer, viewAnswers, type Answers } from './poller'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/**
 * A load whose calls each take `takesMs` of fake time, answering 1, 2, 3… (or failing on the calls listed in
 * `failOn`); it records when each call started and the most calls that were running at once.
 */
function slowLoad(takesMs: number, failOn: number[] = []) {
  const started: number[] = []
  let running = 0
  let maxRunning = 0
  const load = () => {
    started.push(Date.now())
    const n = started.length
    running += 1
    maxRunning = Math.max(maxRunning, running)
    return new Promise<number>((resolve, reject) => {
      setTimeout(() => {
        running -= 1
        if (failOn.includes(n)) reject(new Error(`call ${n} failed`))
        else resolve(n)
      }, takesMs)
    })
  }
  return { load, started, maxRunning: () => maxRunning }
}

function recorder() {
  const values: number[] = []
  const errors: string[] = []
  return { values, errors, on: { value: (v: number) => values.push(v), error: (e: unknown) => errors.push((e as Error).message) } }
}

it('asks at once, then pollMs after each answer: a call slower than the interval is never overlapped', async () => {
  const t0 = Date.now()
  const l = slowLoad(3000)
  const r = recorder()
  const p = createPoller(l.load, r.on, { pollMs: 1000 })
  await vi.advanceTimersByTimeAsync(10_000)
  p.stop()
  // Each call takes 3 s and the next starts 1 s after it settled: 0, 4, 8 s. A setInterval would have started ten.
  expect(l.started.map((s) => s - t0)).toEqual([0, 4000, 8000])
  expect(l.maxRunning()).toBe(1)
  expect(r.values).toEqual([1, 2])
})

it('reports a failure and keeps polling', async () => {
  const l = slowLoad(10, [2])
  const r = recorder()
  const p = createPoller(l.load, r.on, { pollMs: 100 })
  await vi.advanceTimersByTimeAsync(300)
  p.stop()
  expect(r.errors).toEqual(['call 2 failed'])
  expect(r.values).toEqual([1, 3])
})

it('reload during a call asks once more right after it settled, however often it was pressed', async () => {
  const t0 = Date.now()
  const l = slowLoad(500)
  const r = recorder()
  const p = createPoller(l.load, r.on, { pollMs: 10_000 })
  await vi.advanceTimersByTimeAsync(100)
  p.reload()
  p.reload()
  p.reload()
  await vi.advanceTimersByTimeAsync(1500)
  p.stop()
  expect(l.started.map((s) => s - t0)).toEqual([0, 500])
  expect(l.maxRunning()).toBe(1)
  expect(r.values).toEqual([1, 2])
})

it('reload while waiting asks now and restarts the wait from that answer', async () => {
  const t0 = Date.now()
  const l = slowLoad(0)
  const r = recorder()
  const p = createPoller(l.load, r.on, { pollMs: 1000 })
  await vi.advanceTimersByTimeAsync(600)
  p.reload()
  await vi.advanceTimersByTimeAsync(1200)
  p.stop()
  // Not at 1000 (the old wait was dropped) but 1000 after the reload's answer.
  expect(l.started.map((s) => s - t0)).toEqual([0, 600, 1600])
})

it('without pollMs asks once, and again only on reload', async () => {
  const l = slowLoad(5)
  const r = recorder()
  const p = createPoller(l.load, r.on)
  await vi.advanceTimersByTimeAsync(60_000)
  expect(l.started).toHaveLength(1)
  p.reload()
  await vi.advanceTimersByTimeAsync(60_000)
  p.stop()
  expect(r.values).toEqual([1, 2])
})

it('stop drops the answer in flight and asks no more, reload included', async () => {
  const l = slowLoad(200)
  const r = recorder()
  const p = createPoller(l.load, r.on, { pollMs: 100 })
  await vi.advanceTimersByTimeAsync(50)
  p.stop()
  p.reload()
  await vi.advanceTimersByTimeAsync(5000)
  expect(l.started).toHaveLength(1)
  expect(r.values).toEqual([])
  expect(vi.getTimerCount()).toBe(0)
})

type A = Answers<string, string>
const ok = (key: string, value: string, reloads = 0) => ({ key, reloads, ok: true as const, value })
const failed = (key: string, error: string, reloads = 0) => ({ key, reloads, ok: false as const, error })

it('keeps the last good value when a later call for the same input fails, and clears the error on success', () => {
  let s: A = settleAnswer(NO_ANSWER, ok('a', 'A1'))
  s = settleAnswer(s, failed('a', 'down'))
  expect(viewAnswers(s, 'a', false, 0)).toEqual({ value: 'A1', error: 'down', loading: false })
  s = settleAnswer(s, ok('a', 'A2'))
  expect(viewAnswers(s, 'a', false, 0)).toEqual({ value: 'A2', error: undefined, loading: false })
})

it('a changed input shows nothing of the old answer unless keepPrevious, and is loading until its own answer', () => {
  const s: A = settleAnswer(NO_ANSWER, ok('a', 'A1'))
  expect(viewAnswers(s, 'b', false, 0)).toEqual({ value: undefined, error: undefined, loading: true })
  expect(viewAnswers(s, 'b', true, 0)).toEqual({ value: 'A1', error: undefined, loading: true })
  // Its failure is its own: not loading any more, the old value only with keepPrevious.
  const f = settleAnswer(s, failed('b', 'refused'))
  expect(viewAnswers(f, 'b', false, 0)).toEqual({ value: undefined, error: 'refused', loading: false })
  expect(viewAnswers(f, 'a', false, 0).error).toBeUndefined()
  // No question, nothing shown and nothing awaited.
  expect(viewAnswers(s, null, true, 0)).toEqual({ value: undefined, error: undefined, loading: false })
})

it('after reload it is loading until an answer that started after the press', () => {
  let s: A = settleAnswer(NO_ANSWER, ok('a', 'A1'))
  // Press 1: a poll that started before it does not end the wait.
  s = settleAnswer(s, ok('a', 'A2', 0))
  expect(viewAnswers(s, 'a', false, 1).loading).toBe(true)
  s = settleAnswer(s, failed('a', 'down', 1))
  expect(viewAnswers(s, 'a', false, 1)).toEqual({ value: 'A2', error: 'down', loading: false })
})
