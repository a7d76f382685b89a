import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Role } from '../../electron/contract'
import { openCore } from '../../electron/core/app'
import { CredentialStore, KEYCHAIN_SERVICE, lazyKeytar } from '../../electron/core/credentials'
import { createUser } from './workstation'

/*
 * What hub-desks.e2e.test.ts does inside ONE process's keyring (each hub or desk process has its own Secret Service,
 * tools/dev/with-keyring.sh with FASKES_KEYRING_DIR), so the test itself never shares a keychain with them:
 *   tsx test/e2e/hub-keyring.ts seed DATA_DIR       stdin {settings, users[]}: the hub's faskes settings and accounts
 *   tsx test/e2e/hub-keyring.ts ledger-key          stdout {text[], raw, found}: the enrolled Puskesmas ledger key as
 *                                                   the strings a copy of it would contain (PEM lines, the private
 *                                                   scalar in base64url, hex and base64), that scalar's bytes in hex,
 *                                                   and `items` of those strings in this (the hub's) keyring
 *   tsx test/e2e/hub-keyring.ts items               stdin {needles[]}: stdout {accounts[], hits[]}, the app's keychain
 *                                                   items in this keyring and those whose value holds a needle
 * Secrets travel on stdin/stdout pipes only (never arguments, files or logs); `items` answers account names only.
 */
async function main(): Promise<void> {
  const [command, dataDir] = process.argv.slice(2)
  if (command === 'seed' && dataDir) {
    const input = JSON.parse(readFileSync(0, 'utf8')) as { settings: { faskesName: string; kdPPK: string }; users: { username: string; password: string; role: Role }[] }
    const core = await openCore({ dataDir, version: 'seed' })
    try {
      core.settings.update(input.settings)
      for (const u of input.users) await createUser(core, u, u.role)
    } finally {
      await core.close()
    }
    return
  }
  if (command === 'ledger-key') {
    const item = await new CredentialStore(lazyKeytar()).fabricKey('PuskesmasMSP')
    if (!item) throw new Error('no Puskesmas ledger identity in this keyring')
    const keyPem = /-----BEGIN (EC )?PRIVATE KEY-----[\s\S]+?-----END (EC )?PRIVATE KEY-----/.exec(item)![0]
    const lines = keyPem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'))
    const d = createPrivateKey(keyPem).export({ format: 'jwk' }).d!
    const raw = Buffer.from(d, 'base64url')
    const text = [...lines, d, raw.toString('hex'), raw.toString('base64')]
    // The search `items` does, run here where the key is: it must find it (a search that finds nothing proves nothing).
    console.log(JSON.stringify({ text, raw: raw.toString('hex'), found: await items(text) }))
    return
  }
  if (command === 'items') {
    console.log(JSON.stringify(await items((JSON.parse(readFileSync(0, 'utf8')) as { needles: string[] }).needles)))
    return
  }
  throw new Error('usage: hub-keyring.ts seed DATA_DIR | ledger-key | items')
}

/** Every item of the app's keychain service in this keyring (account names), and those whose value holds a needle. */
async function items(needles: string[]): Promise<{ accounts: string[]; hits: string[] }> {
  type Keytar = { findCredentials(service: string): Promise<{ account: string; password: string }[]> }
  const mod = (await import('@github/keytar')) as unknown as Keytar & { default?: Keytar }
  const found = await (mod.default ?? mod).findCredentials(KEYCHAIN_SERVICE)
  return { accounts: found.map((f) => f.account), hits: found.filter((f) => needles.some((n) => f.password.includes(n))).map((f) => f.account) }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
