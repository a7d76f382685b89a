import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { groupedFingerprint } from '../../electron/contract/fingerprint'
import { openCore } from '../../electron/core/app'
import { AuthService } from '../../electron/core/auth'
import { auditDeskAction } from '../../electron/core/auth/users'
import { keychainSealKey } from '../../electron/core/auth/seal'
import { demoRemotesFromEnv } from '../../electron/core/demo'
import { certFingerprint } from '../../electron/core/hub/cert'
import { HUB_PID_FILE } from '../../electron/core/hub/admin'
import { createPairingCode, deploymentMode, listDesks, recordHubEndpoint, revokeDesk, setDeploymentMode } from '../../electron/core/hub/registry'
import { HUB_CERT_FILE, startHubServer } from '../../electron/core/hub/server'
import { createHandlers } from '../../electron/core/ipc/handlers'
import { createLogger } from '../../electron/core/log'
import { hostArg, localTime, newUserArgs, parseHubArgs, passwordArg, plainError, portArg, USAGE, UsageError, type HubCommand } from './args'
import { exportKey, restore, startHubBackups } from './backup-admin'
import { startDeskShell } from './desk-shell'

/**
 * The faskes LAN (issue 16; docs/hub.md):
 *   npm run hub -- --host 192.168.1.10 [--port 8443] [--data-dir DIR]        the hub, headless (SQLite, sync engine, keychain)
 *       [--backup-dir DIR] [--backup-every MIN] [--backup-keep K]            online backups (backup-admin.ts)
 *   npm run hub:admin -- export-key --out FILE | restore COPY --key-file FILE --data-dir NEW_DIR   (backup-admin.ts)
 *   npm run hub:admin -- code|desks|revoke ID|add-user NAME ROLE [--data-dir DIR]   the hub admin's commands, on the hub PC
 *   npm run desk -- [--port N] [--data-dir DIR]                             a desk: the app on 127.0.0.1, paired with the hub
 * stdout of `hub` and `desk`: one JSON line {"event":"ready",...} once listening (the tests and the bench read it);
 * the hub also says it in words on stderr. `--help` prints each program's usage (args.ts); exit 2 on bad usage.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version

async function main(): Promise<void> {
  const { command, values, positionals, help } = parseHubArgs(process.argv.slice(2))
  if (help) return void console.log(USAGE[command])
  const port = portArg(command, values.port)
  const dataDir = resolve(values['data-dir'] ?? join(repoRoot, '.runtime', command === 'desk' ? 'desk' : 'hub'))

  if (command === 'desk') {
    const desk = await startDeskShell({ port, dataDir, rendererDir: join(repoRoot, 'out', 'renderer') })
    console.log(JSON.stringify({ event: 'ready', url: desk.url }))
    return stopOnSignal(() => desk.close())
  }
  if (command === 'hub') {
    const host = hostArg(values.host)
    const log = createLogger({ scope: 'hub', level: (process.env.FASKES_LOG_LEVEL as 'info') ?? 'info' })
    const core = await openCore({ dataDir, version, remotes: demoRemotesFromEnv(process.env), log })
    setDeploymentMode(core.db, 'hub')
    core.engine?.start()
    const hub = await startHubServer({ core, handlers: createHandlers(core), dataDir, host, port, log })
    recordHubEndpoint(core.db, hub.url)
    // Pengaturan on this data folder reads it to say whether desks can connect now (core/hub/admin.ts).
    const pidFile = join(dataDir, HUB_PID_FILE)
    writeFileSync(pidFile, `${process.pid}\n`)
    // Grouped, as Pengaturan shows it at the hub and at each desk, so the admin can compare them by eye.
    console.log(JSON.stringify({ event: 'ready', url: hub.url, fingerprint: groupedFingerprint(hub.fingerprint), data: core.dbFile }))
    // The same in words for the admin at the terminal (stderr: stdout stays the JSON lines the tests read).
    console.error(`Hub siap / hub ready: ${hub.url}\n  Sidik jari untuk dibacakan ke meja / fingerprint to read out to desks: ${groupedFingerprint(hub.fingerprint)}`)
    const backups = startHubBackups(core, values, log)
    return stopOnSignal(async () => {
      await hub.close()
      rmSync(pidFile, { force: true })
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
  return admin(dataDir, positionals)
}

/** The hub admin's commands, run on the hub PC against its data folder (the hub may be running: WAL, short writes). */
async function admin(dataDir: string, args: string[]): Promise<void> {
  const [sub, a, b] = args
  // Checked before the core opens: openCore on a wrong --data-dir would make a new, empty install there.
  const known = ['code', 'desks', 'revoke', 'add-user']
  if (!sub) throw new UsageError('Perintah apa? / which command?')
  if (!known.includes(sub)) throw new UsageError(`Perintah tidak dikenal / unknown command: ${sub}`)
  if (sub === 'revoke' && !a) throw new UsageError('revoke butuh ID meja (lihat npm run hub:admin -- desks) / revoke needs a desk id (see desks)')
  const newUser = sub === 'add-user' ? newUserArgs(a, b) : null
  const core = await openCore({ dataDir, version })
  try {
    if (sub === 'code') {
      const certFile = join(dataDir, HUB_CERT_FILE)
      if (!existsSync(certFile)) {
        throw new Error(`Hub belum pernah berjalan di ${dataDir}: jalankan dulu npm run hub -- --host <alamat LAN> (sertifikatnya dibuat saat itu) / the hub has not started on this data folder yet: start it once first`)
      }
      const fingerprint = certFingerprint(readFileSync(certFile, 'utf8'))
      const now = Date.now()
      const { code, expiresAt } = createPairingCode(core.db, fingerprint, now)
      auditDeskAction(core.db, cliActor(), 'deskPairingCode', '', now)
      console.log(`Kode pemasangan / pairing code: ${code}`)
      console.log(`Berlaku sampai / valid until ${new Date(expiresAt).toLocaleTimeString('id-ID')} (sekali pakai / one use).`)
      // What the desk will pin: its Pengaturan → "Hub & meja" shows the same groups after pairing.
      console.log(`Sidik jari hub / hub fingerprint: ${groupedFingerprint(fingerprint)}`)
    } else if (sub === 'desks') {
      if (deploymentMode(core.db) !== 'hub') console.log('(folder data ini belum pernah berjalan sebagai hub / this data folder has not run as a hub yet)')
      const desks = listDesks(core.db)
      if (desks.length === 0) console.log('Belum ada meja yang dipasangkan / no desk paired yet.')
      else console.log(['ID', 'NAMA / NAME', 'DIPASANGKAN / PAIRED', 'STATUS (aktif = active, dicabut = revoked)'].join('\t'))
      // Local times (this PC's clock), as the admin reads them off the wall, not UTC; the state words stay the ones
      // scripts (and the hub-desks e2e) match.
      for (const d of desks) {
        console.log([d.id, d.name, localTime(d.pairedAt), d.revokedAt ? `revoked ${localTime(d.revokedAt)}` : 'active'].join('\t'))
      }
    } else if (sub === 'revoke' && a) {
      const now = Date.now()
      const revoked = revokeDesk(core.db, a, now)
      if (!revoked) throw new UsageError(`Tidak ada meja ${a}; npm run hub:admin -- desks menampilkan ID-nya / no desk ${a}; desks lists the ids`)
      if (revoked.revokedNow) auditDeskAction(core.db, cliActor(), 'deskRevoke', revoked.name, now)
      console.log(`${a} dicabut / revoked: its next call is refused.`)
    } else if (sub === 'add-user' && newUser) {
      const password = passwordArg(readFileSync(0, 'utf8').split('\n')[0].replace(/\r$/, ''))
      const auth = new AuthService(core.db, keychainSealKey(core.db, core.credentials))
      const made = await auth.createUser(newUser.username, password, newUser.role, 'now')
      console.log(`user ${made.username} (${made.role})${made.enrolment ? `; authenticator: ${made.enrolment.otpauthUri}` : ''}`)
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
  // Bad usage: the message and the program's usage, exit 2; a failure: its plain words, exit 1 (as tools/ledger).
  if (err instanceof UsageError) {
    const command = process.argv[2]
    console.error(`${err.message}\n${USAGE[(['hub', 'admin', 'desk'].includes(command) ? command : 'admin') as HubCommand]}`)
    process.exit(2)
  }
  console.error(plainError(err))
  process.exit(1)
})
