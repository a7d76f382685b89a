import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { groupedFingerprint } from '../../electron/contract/fingerprint'
import { openCore } from '../../electron/core/app'
import { AuthService } from '../../electron/core/auth'
import { auditDeskAction } from '../../electron/core/auth/users'
import { keychainSealKey } from '../../electron/core/auth/seal'
import { demoRemotesFromEnv } from '../../electron/core/demo'
import { certFingerprint } from '../../electron/core/hub/cert'
import { createPairingCode, deploymentMode, listDesks, recordHubEndpoint, revokeDesk, setDeploymentMode } from '../../electron/core/hub/registry'
import { HUB_CERT_FILE, startHubServer } from '../../electron/core/hub/server'
import { createHandlers } from '../../electron/core/ipc/handlers'
import { createLogger } from '../../electron/core/log'
import { exportKey, restore, startHubBackups } from './backup-admin'
import { startDeskShell } from './desk-shell'

/**
 * The faskes LAN (issue 16; docs/hub.md):
 *   npm run hub -- --host 192.168.1.10 [--port 8443] [--data-dir DIR]        the hub, headless (SQLite, sync engine, keychain)
 *       [--backup-dir DIR] [--backup-every MIN] [--backup-keep K]            online backups (backup-admin.ts)
 *   npm run hub:admin -- export-key --out FILE | restore COPY --key-file FILE --data-dir NEW_DIR   (backup-admin.ts)
 *   npm run hub:admin -- code|desks|revoke ID|add-user NAME ROLE [--data-dir DIR]   the hub admin's commands, on the hub PC
 *   npm run desk -- [--port N] [--data-dir DIR]                             a desk: the app on 127.0.0.1, paired with the hub
 * stdout of `hub` and `desk`: one JSON line {"event":"ready",...} once listening (the tests and the bench read it).
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2)
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      // Backups and restore (backup-admin.ts).
      'backup-dir': { type: 'string' },
      'backup-every': { type: 'string' },
      'backup-keep': { type: 'string' },
      out: { type: 'string' },
      'key-file': { type: 'string' },
    },
  })
  const port = Number(values.port ?? (command === 'hub' ? '8443' : '0'))
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0..65535, got ${values.port}`)
  const dataDir = resolve(values['data-dir'] ?? join(repoRoot, '.runtime', command === 'desk' ? 'desk' : 'hub'))

  if (command === 'desk') {
    const desk = await startDeskShell({ port, dataDir, rendererDir: join(repoRoot, 'out', 'renderer') })
    console.log(JSON.stringify({ event: 'ready', url: desk.url }))
    return stopOnSignal(() => desk.close())
  }
  if (command === 'hub') {
    if (!values.host) throw new Error('--host <LAN address of this PC> is required (e.g. 192.168.1.10; 127.0.0.1 for tests)')
    const log = createLogger({ scope: 'hub', level: (process.env.FASKES_LOG_LEVEL as 'info') ?? 'info' })
    const core = await openCore({ dataDir, version, remotes: demoRemotesFromEnv(process.env), log })
    setDeploymentMode(core.db, 'hub')
    core.engine?.start()
    const hub = await startHubServer({ core, handlers: createHandlers(core), dataDir, host: values.host, port, log })
    recordHubEndpoint(core.db, hub.url)
    // Grouped, as Pengaturan shows it at the hub and at each desk, so the admin can compare them by eye.
    console.log(JSON.stringify({ event: 'ready', url: hub.url, fingerprint: groupedFingerprint(hub.fingerprint), data: core.dbFile }))
    const backups = await startHubBackups(core, values, log)
    return stopOnSignal(async () => {
      await hub.close()
      await backups?.stop()
      await core.close()
    })
  }
  // Restore runs before any core opens (openCore would mint a database key for the empty folder); export-key needs one.
  if (command === 'admin' && positionals[0] === 'restore') return restore(positionals[1], values['key-file'], dataDir)
  if (command === 'admin' && positionals[0] === 'export-key') {
    const core = await openCore({ dataDir, version })
    return exportKey(core, values.out).finally(() => core.close())
  }
  if (command === 'admin') return admin(dataDir, positionals)
  throw new Error('usage: main.ts hub|desk|admin … (see the comment at the top)')
}

/** The hub admin's commands, run on the hub PC against its data folder (the hub may be running: WAL, short writes). */
async function admin(dataDir: string, args: string[]): Promise<void> {
  const core = await openCore({ dataDir, version })
  try {
    const [sub, a, b] = args
    if (sub === 'code') {
      const fingerprint = certFingerprint(readFileSync(join(dataDir, HUB_CERT_FILE), 'utf8'))
      const now = Date.now()
      const { code, expiresAt } = createPairingCode(core.db, fingerprint, now)
      auditDeskAction(core.db, cliActor(), 'deskPairingCode', '', now)
      console.log(`Kode pemasangan / pairing code: ${code}`)
      console.log(`Berlaku sampai / valid until ${new Date(expiresAt).toLocaleTimeString('id-ID')} (sekali pakai / one use).`)
      // What the desk will pin: its Pengaturan → "Hub & meja" shows the same groups after pairing.
      console.log(`Sidik jari hub / hub fingerprint: ${groupedFingerprint(fingerprint)}`)
    } else if (sub === 'desks') {
      if (deploymentMode(core.db) !== 'hub') console.log('(this data folder has not run as a hub yet)')
      for (const d of listDesks(core.db)) {
        console.log([d.id, d.name, new Date(d.pairedAt).toISOString(), d.revokedAt ? `revoked ${new Date(d.revokedAt).toISOString()}` : 'active'].join('\t'))
      }
    } else if (sub === 'revoke' && a) {
      const before = listDesks(core.db).find((d) => d.id === a)
      const now = Date.now()
      if (!before || !revokeDesk(core.db, a, now)) throw new Error(`no desk ${a} (npm run hub:admin -- desks lists them)`)
      if (before.revokedAt === null) auditDeskAction(core.db, cliActor(), 'deskRevoke', before.name, now)
      console.log(`${a} dicabut / revoked: its next call is refused.`)
    } else if (sub === 'add-user' && a && b) {
      const password = readFileSync(0, 'utf8').split('\n')[0]
      const auth = new AuthService(core.db, keychainSealKey(core.db, core.credentials))
      const made = await auth.createUser(a, password, b as 'admin' | 'counter' | 'clinician', 'now')
      console.log(`user ${made.username} (${made.role})${made.enrolment ? `; authenticator: ${made.enrolment.otpauthUri}` : ''}`)
    } else {
      throw new Error('usage: hub:admin -- code | desks | revoke DESK_ID | add-user NAME ROLE (password on stdin) | export-key --out FILE | restore COPY --key-file FILE --data-dir NEW_DIR')
    }
  } finally {
    await core.close()
  }
}

/** Who acts in the user audit for a hub:admin command: the OS account that ran it on the hub PC (no app user signs in). */
function cliActor(): { user: string } {
  return { user: `hub:admin (${userInfo().username})` }
}

function stopOnSignal(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().then(() => process.exit(0)))
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
