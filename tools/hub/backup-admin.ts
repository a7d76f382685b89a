import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import type { Core } from '../../electron/core/app'
import { CredentialStore, lazyKeytar } from '../../electron/core/credentials'
import { startBackups, type BackupSchedule } from '../../electron/core/hub/backup'
import { writePrivateFile } from '../../electron/core/hub/cert'
import { databaseKeyOf, MIN_PASSPHRASE, openKeyFile, sealKeyFile, type HubSecrets } from '../../electron/core/hub/keyfile'
import { restoreBackup } from '../../electron/core/hub/restore'
import type { Logger } from '../../electron/core/log'

/**
 * The hub's backup, key export and restore commands (issue 16, Deliver 5; docs/hub.md "Backup and restore"):
 *   npm run hub -- … --backup-dir DIR [--backup-every MIN] [--backup-keep K]
 *   npm run hub:admin -- export-key --out FILE [--data-dir DIR]           (passphrase typed twice, or one line on stdin)
 *   npm run hub:admin -- restore COPY --key-file FILE --data-dir NEW_DIR  (passphrase typed, or one line on stdin)
 */

/** Files of the hub's data folder that go into the sealed key file (server.ts makes them at the first start). */
const TLS_FILES = ['hub-tls.key', 'hub-tls.crt'] as const

/** Backup defaults: every 5 minutes, the last 24 copies (two hours). */
const DEFAULT_EVERY_MIN = 5
const DEFAULT_KEEP = 24

/** The flags of `npm run hub` this file reads (parseArgs strings). */
export interface BackupFlags {
  'backup-dir'?: string
  'backup-every'?: string
  'backup-keep'?: string
}

/** Starts the hub's backups when --backup-dir is given (null otherwise). Throws on a bad --backup-every/--backup-keep. */
export function startHubBackups(core: Core, flags: BackupFlags, log: Logger): BackupSchedule | null {
  if (!flags['backup-dir']) {
    log.warn('no --backup-dir: this hub keeps no backup copy (docs/hub.md, Backup and restore)')
    return null
  }
  const everyMin = Number(flags['backup-every'] ?? DEFAULT_EVERY_MIN)
  if (!Number.isFinite(everyMin) || everyMin <= 0 || everyMin > 24 * 60) throw new Error(`--backup-every must be minutes in (0, 1440], got ${flags['backup-every']}`)
  const keep = Number(flags['backup-keep'] ?? DEFAULT_KEEP)
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`--backup-keep must be a whole number ≥ 1, got ${flags['backup-keep']}`)
  // The key openCore opened the file with: the copy is encrypted as at rest, with the same key.
  const key = core.databaseKey()
  const dir = resolve(flags['backup-dir'])
  log.info('backups on', { dir, everyMin, keep })
  return startBackups(core.db, { file: core.dbFile, key, dir, keep, intervalMs: Math.round(everyMin * 60_000), log: log.child('backup') })
}

/** Reads a passphrase: typed without echo on a terminal (twice with `confirm`), else the first line of stdin. */
async function readPassphrase(prompt: string, confirm: boolean): Promise<string> {
  if (!process.stdin.isTTY) return readFileSync(0, 'utf8').split('\n')[0].replace(/\r$/, '')
  let muted = false
  const out = new Writable({ write: (chunk, _enc, done) => (muted || process.stderr.write(chunk), done()) })
  const rl = createInterface({ input: process.stdin, output: out, terminal: true })
  const ask = (q: string) =>
    new Promise<string>((done) => {
      process.stderr.write(q)
      muted = true
      rl.question('', (a) => ((muted = false), process.stderr.write('\n'), done(a)))
    })
  try {
    const first = await ask(prompt)
    if (confirm && (await ask('Ulangi / repeat: ')) !== first) throw new Error('the two passphrases differ')
    return first
  } finally {
    rl.close()
  }
}

/**
 * export-key: seals this hub's keychain items and TLS files into `out` (mode 0600, never over an existing file).
 * `core` is the hub's opened core (its keychain holds the database key by then).
 */
export async function exportKey(core: Core, out: string | undefined): Promise<void> {
  if (!out) throw new Error('usage: hub:admin -- export-key --out FILE [--data-dir DIR]')
  const file = resolve(out)
  if (existsSync(file)) throw new Error(`${file} exists: choose a new file name`)
  if (!core.credentials) throw new Error('no keychain')
  const dataDir = resolve(core.dbFile, '..')
  const secrets: HubSecrets = { keychain: await core.credentials.exportForRestore(), files: {} }
  for (const name of TLS_FILES) if (existsSync(join(dataDir, name))) secrets.files[name] = readFileSync(join(dataDir, name), 'utf8')
  const passphrase = await readPassphrase(`Frasa sandi untuk berkas kunci / passphrase for the key file (≥ ${MIN_PASSPHRASE}): `, true)
  writeFileSync(file, await sealKeyFile(secrets, passphrase), { mode: 0o600, flag: 'wx' })
  console.log(`Berkas kunci ditulis / key file written: ${file} (${Object.keys(secrets.keychain).length} keychain items, ${Object.keys(secrets.files).length} TLS files).`)
  console.log('Simpan terpisah dari cadangan, dengan frasa sandinya di tempat lain / keep it apart from the backups, and its passphrase elsewhere.')
}

/**
 * restore: opens the key file, puts its keychain items into THIS user's keychain (run it under the new PC's
 * keychain), checks and places the copy (restoreBackup), and writes the TLS files into the data folder (0600).
 */
export async function restore(copy: string | undefined, keyFile: string | undefined, dataDir: string): Promise<void> {
  if (!copy || !keyFile) throw new Error('usage: hub:admin -- restore COPY --key-file FILE --data-dir NEW_DIR')
  const passphrase = await readPassphrase('Frasa sandi berkas kunci / key file passphrase: ', false)
  const secrets = await openKeyFile(readFileSync(resolve(keyFile), 'utf8'), passphrase)
  const key = databaseKeyOf(secrets)
  // First the keychain: one holding another install's database key is refused before anything is written. Items put
  // there before a refused copy are harmless: the same values, found equal by the next attempt.
  const written = await new CredentialStore(lazyKeytar()).importForRestore(secrets.keychain)
  const result = restoreBackup({ backupFile: resolve(copy), key, dataDir })
  for (const [name, text] of Object.entries(secrets.files)) writePrivateFile(join(dataDir, name), text)
  console.log(`Dipulihkan / restored: ${result.file} (schema ${result.schemaVersion}); ${result.toReconcile} unsent jobs will be looked up at the remotes before any send.`)
  console.log(`Visit numbers of ${result.raisedDays.join(', ') || 'no day'} continue from 5001 (the old hub may have used lower ones after the copy).`)
  console.log(`Keychain: ${written.length} items added. Start it: npm run hub -- --host <LAN address> --data-dir ${dataDir}`)
}
