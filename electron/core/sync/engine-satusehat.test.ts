import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { tempDir } from '../../../test/helpers/tmp'
import type { Settings } from '../../contract'
import { openDatabase, type DB } from '../db'
import { createLogger } from '../log'
import type { SatusehatCredentials } from '../satusehat/token'
import { SettingsStore } from '../settings'
import { SyncEngine, type Remotes } from './engine'

// The status bar's "not configured" for SATUSEHAT (connectivity().unconfigured) and the client's UNAVAILABLE come from
// one set of rules: every case below checks both against each other, so the two cannot drift apart again.

const quiet = createLogger({ level: 'error', sink: () => {} })
const CREDS: SatusehatCredentials = { clientId: 'id', clientSecret: 'secret' }
const SIM: NonNullable<Remotes['demoSatusehat']> = {
  authBase: 'http://127.0.0.1:1/oauth2/v1',
  fhirBase: 'http://127.0.0.1:1/fhir-r4/v1',
  kfaBase: 'http://127.0.0.1:1/kfa-v2',
  orgId: 'sim-org',
  credentials: CREDS,
}

let tmp: ReturnType<typeof tempDir>
let db: DB
beforeEach(() => {
  tmp = tempDir('faskes-engine-satusehat-')
  db = openDatabase(join(tmp.dir, 'e.db'))
})
afterEach(() => {
  db.close()
  tmp.cleanup()
})

async function engine(satusehat: Partial<Settings['satusehat']>, remotes: { sim?: boolean; creds: SatusehatCredentials | null }): Promise<SyncEngine> {
  const settings = new SettingsStore(db)
  settings.update({ satusehat })
  const keychain = { pcare: async () => null, antrean: async () => null, satusehat: async () => remotes.creds }
  const e = new SyncEngine(db, settings, { keychain, ...(remotes.sim ? { demoSatusehat: SIM } : {}) }, { log: quiet })
  // What start() reads once: whether the keychain holds SATUSEHAT's credentials.
  await e.refreshSatusehatCredentials()
  return e
}

/** The client's outcome: 'ok', or the catalogue key of its UNAVAILABLE error. */
async function clientOutcome(e: SyncEngine): Promise<string> {
  return e.satusehatClient().then(
    () => 'ok',
    (err: { code?: string; key?: string }) => `${err.code}:${err.key}`,
  )
}

const URLS = { authBase: 'https://proxy.example/oauth2/v1', fhirBase: 'https://proxy.example/fhir-r4/v1', kfaBase: 'https://proxy.example/kfa-v2' }

it.each([
  { name: 'demo with its simulator', satusehat: { environment: 'demo' as const }, sim: true, creds: null, client: 'ok' },
  { name: 'demo without a simulator', satusehat: { environment: 'demo' as const }, sim: false, creds: CREDS, client: 'UNAVAILABLE:remote.satusehatUnconfigured' },
  { name: 'production, org id and credentials', satusehat: { environment: 'production' as const, orgId: '100011961' }, sim: true, creds: CREDS, client: 'ok' },
  { name: 'production without credentials', satusehat: { environment: 'production' as const, orgId: '100011961' }, sim: false, creds: null, client: 'UNAVAILABLE:remote.satusehatNoCredentials' },
  // Both missing: the client names the credentials first (the keychain is read before the organization is checked).
  { name: 'sandbox without org id nor credentials', satusehat: { environment: 'sandbox' as const, orgId: null }, sim: false, creds: null, client: 'UNAVAILABLE:remote.satusehatNoCredentials' },
  { name: 'sandbox without org id', satusehat: { environment: 'sandbox' as const, orgId: null }, sim: false, creds: CREDS, client: 'UNAVAILABLE:remote.satusehatUnconfigured' },
  { name: 'custom with its three addresses', satusehat: { environment: 'custom' as const, orgId: '100011961', ...URLS }, sim: false, creds: CREDS, client: 'ok' },
  { name: 'custom without the KFA address', satusehat: { environment: 'custom' as const, orgId: '100011961', ...URLS, kfaBase: null }, sim: false, creds: CREDS, client: 'UNAVAILABLE:remote.satusehatUnconfigured' },
])('$name: client $client, and the lane says configured exactly when the client can be built', async ({ satusehat, sim, creds, client }) => {
  const e = await engine(satusehat, { sim, creds })
  expect(await clientOutcome(e)).toBe(client)
  expect(e.connectivity().unconfigured).toEqual(client === 'ok' ? [] : ['satusehat'])
})
