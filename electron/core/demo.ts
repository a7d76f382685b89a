import type { AntreanCredentials, PcareCredentials } from './pcare/credentials'
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

/** FASKES_DEMO_PCARE_URL (simulator origin) and FASKES_DEMO_LEDGER_DIR (network/.runtime) switch the demo remotes on. */
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
  if (env.FASKES_DEMO_LEDGER_DIR) remotes.demoLedger = { runtimeDir: env.FASKES_DEMO_LEDGER_DIR }
  return remotes
}
