import { expect, it } from 'vitest'
import { SIM_CREDENTIALS, startSimulator } from '../../tools/pcare-sim/server'
import { DEMO_ANTREAN_CREDENTIALS, DEMO_PCARE_CREDENTIALS, demoRemotesFromEnv } from './demo'

it('demo credentials and paths are exactly the ones the simulator accepts', async () => {
  expect(DEMO_PCARE_CREDENTIALS).toMatchObject({ consId: SIM_CREDENTIALS.consId, secretKey: SIM_CREDENTIALS.secretKey, userKey: SIM_CREDENTIALS.userKey, username: SIM_CREDENTIALS.username, password: SIM_CREDENTIALS.password })
  expect(DEMO_ANTREAN_CREDENTIALS.userKey).toBe(SIM_CREDENTIALS.antreanUserKey)
  const sim = await startSimulator({ port: 0 })
  try {
    const r = demoRemotesFromEnv({ FASKES_DEMO_PCARE_URL: sim.url + '/' })
    expect(r.demoPcare?.baseUrl).toBe(sim.pcareBaseUrl)
    expect(r.demoPcare?.antreanBaseUrl).toBe(sim.antreanBaseUrl)
    expect(r.demoLedger).toBeUndefined()
  } finally {
    await sim.close()
  }
})
