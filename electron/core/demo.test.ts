import { expect, it } from 'vitest'
import { SIM_CREDENTIALS, startSimulator } from '../../tools/pcare-sim/server'
import { startSatusehatSimulator } from '../../tools/satusehat-sim/server'
import { createLogger } from './log'
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

it('the demo SATUSEHAT remote is the simulator its variable names, with the simulator\'s own fake client and org', async () => {
  const sim = await startSatusehatSimulator({ port: 0, logger: createLogger({ level: 'error', sink: () => {} }) })
  try {
    const r = demoRemotesFromEnv({ FASKES_DEMO_SATUSEHAT_URL: sim.url + '/' })
    expect(r.demoSatusehat).toMatchObject({ authBase: sim.authBase, fhirBase: sim.fhirBase, kfaBase: sim.kfaBase, orgId: sim.credentials.orgId })
    expect(r.demoSatusehat?.credentials).toEqual({ clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret })
    expect(demoRemotesFromEnv({}).demoSatusehat).toBeUndefined()
  } finally {
    await sim.close()
  }
})
