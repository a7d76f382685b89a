import type { AntreanCredentials, PcareCredentials } from './pcare/credentials'
import type { SatusehatCredentials } from './satusehat/token'
import type { Remotes } from './sync/engine'

/**
 * The demo default: when no real PCare credentials or peer are configured, the run command starts the PCare
 * simulator and the local Fabric network and tells the app where they are through these variables. The simulator's
 * credentials are fake, public test values (tools/pcare-sim accepts only these); they are not secrets.
 */
export const DEMO_PCARE_CREDENTIALS: PcareCredentials = {
  consId: '99999',
  secretKey: 'sim-secret-not-real',
  userKey: 'sim-user-key-not-real',
  username: 'sim-user',
  password: 'sim-pass-not-real',
  kdAplikasi: '095',
}
export const DEMO_ANTREAN_CREDENTIALS: AntreanCredentials = { ...DEMO_PCARE_CREDENTIALS, userKey: 'sim-antrean-key-not-real' }
/** The SATUSEHAT simulator's fake client (tools/satusehat-sim/seed.ts SIM_CLIENTS[0]); not SATUSEHAT values. */
const DEMO_SATUSEHAT_CREDENTIALS: SatusehatCredentials = { clientId: 'sim-client-not-real', clientSecret: 'sim-secret-not-real' }
/** The organization the simulator binds DEMO_SATUSEHAT_CREDENTIALS to (the sandbox examples' org id). */
const DEMO_SATUSEHAT_ORG_ID = '10000004'

/** The three bases of a SATUSEHAT simulator at `origin` (tools/satusehat-sim serves the platform's paths). */
export function demoSatusehatRemote(origin: string): NonNullable<Remotes['demoSatusehat']> {
  const o = origin.replace(/\/+$/, '')
  return { authBase: `${o}/oauth2/v1`, fhirBase: `${o}/fhir-r4/v1`, kfaBase: `${o}/kfa-v2`, orgId: DEMO_SATUSEHAT_ORG_ID, credentials: DEMO_SATUSEHAT_CREDENTIALS }
}

/**
 * FASKES_DEMO_PCARE_URL (PCare simulator origin), FASKES_DEMO_SATUSEHAT_URL (SATUSEHAT simulator origin) and
 * FASKES_DEMO_LEDGER_DIR (network/.runtime) switch the demo remotes on.
 */
export function demoRemotesFromEnv(env: NodeJS.ProcessEnv): Remotes {
  const remotes: Remotes = {}
  const sim = env.FASKES_DEMO_PCARE_URL?.replace(/\/+$/, '')
  if (sim) {
    remotes.demoPcare = {
      baseUrl: `${sim}/pcare-rest`,
      antreanBaseUrl: `${sim}/antreanfktp`,
      credentials: DEMO_PCARE_CREDENTIALS,
      antreanCredentials: DEMO_ANTREAN_CREDENTIALS,
    }
  }
  if (env.FASKES_DEMO_SATUSEHAT_URL) remotes.demoSatusehat = demoSatusehatRemote(env.FASKES_DEMO_SATUSEHAT_URL)
  if (env.FASKES_DEMO_LEDGER_DIR) remotes.demoLedger = { runtimeDir: env.FASKES_DEMO_LEDGER_DIR }
  return remotes
}
