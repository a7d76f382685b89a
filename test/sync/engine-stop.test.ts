import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Simulator } from '../../tools/pcare-sim/server'
import { engine, simulator, workstation, type Workstation } from './harness'

let ws: Workstation
let sim: Simulator
beforeEach(async () => {
  ws = workstation()
  sim = await simulator()
})
afterEach(async () => {
  await sim.close()
  ws.cleanup()
})

describe('engine lifecycle', () => {
  // A headless sync process that finds nothing to do stops right after start; so does the app on a quick quit.
  it('stop() right after start() returns promptly while the chain event listener is still connecting', async () => {
    const e = engine(ws, sim)
    e.start()
    const outcome = await Promise.race([
      e.stop().then(() => 'stopped'),
      new Promise((r) => setTimeout(r, 10_000).unref()).then(() => 'hung'),
    ])
    expect(outcome).toBe('stopped')
  })
})
