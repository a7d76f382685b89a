import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import { startSimulator, type Simulator } from '../../../tools/pcare-sim/server'
import { openDatabase, type DB } from '../db'
import { createLogger } from '../log'
import { SettingsStore } from '../settings'
import { SyncEngine } from './engine'

// Issue 12 a: with only the PCare URL in Pengaturan, the engine's Antrean client reaches the Antrean FKTP service
// beside it. Before, it used the PCare URL itself, where the simulator (like the gateway) knows no ref/poli.

const quiet = createLogger({ level: 'error', sink: () => {} })
let sim: Simulator
let tmp: ReturnType<typeof tempDir>
let db: DB

beforeAll(async () => {
  sim = await startSimulator({ logger: quiet })
})
afterAll(() => sim.close())
beforeEach(() => {
  tmp = tempDir('faskes-engine-antrean-')
  db = openDatabase(join(tmp.dir, 'e.db'))
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

function engine(pcare: { baseUrl: string; antreanBaseUrl?: string | null }): SyncEngine {
  const settings = new SettingsStore(db)
  settings.update({ pcare: { antreanBaseUrl: null, ...pcare } })
  const keychain = {
    pcare: async () => sim.credentials,
    antrean: async () => ({ ...sim.credentials, userKey: sim.credentials.antreanUserKey }),
    fabricKey: async () => null,
  }
  return new SyncEngine(db, settings, { keychain }, { log: quiet, pcareTimeoutMs: 3000 })
}

it.each(['/pcare-rest', '/pcare-rest-dev'])('only the PCare URL (%s) set: Antrean calls reach the Antrean FKTP service', async (path) => {
  const antrean = await engine({ baseUrl: `${sim.url}${path}` }).antreanClient()
  expect((await antrean.refPoli('2026-08-12')).map((p) => p.kodepoli)).toContain('001')
})

it('an explicit Antrean URL wins', async () => {
  const antrean = await engine({ baseUrl: sim.pcareBaseUrl, antreanBaseUrl: `${sim.url}/elsewhere` }).antreanClient()
  await expect(antrean.refPoli('2026-08-12')).rejects.toMatchObject({ reason: 'gateway_html', httpStatus: 404 })
})
