import type { FabricMsp } from '../credentials'
import type { LedgerKeychain } from './enrolment'

/**
 * A keychain held in this process's memory, for headless tools and tests that run without an OS keychain
 * (tools/sync-node, the sync suites) and only ever talk to the demo network: the demo identity enrolled there lives
 * as long as the process, and a restart enrols a new one (ledger/enrolment.ts ensureDemoIdentity). Never used by the
 * app, whose keys go to the OS keychain (CredentialStore). No PCare or Antrean credentials: those runs use the
 * simulator's.
 */
export function memoryKeychain(): LedgerKeychain & { pcare(): Promise<null>; antrean(): Promise<null> } {
  const items = new Map<string, string>()
  return {
    pcare: async () => null,
    antrean: async () => null,
    fabricKey: async (msp: FabricMsp) => items.get(`fabric-key:${msp}`) ?? null,
    setFabricIdentity: async (msp, keyPem, certPem) => void items.set(`fabric-key:${msp}`, `${keyPem.trim()}\n${certPem.trim()}\n`),
    fabricPin: async (msp) => items.get(`fabric-pin:${msp}`) ?? null,
    setFabricPin: async (msp, pin) => void items.set(`fabric-pin:${msp}`, pin),
  }
}
