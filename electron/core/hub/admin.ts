import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Output } from '../../contract'
import type { Core } from '../app'
import type { DB } from '../db'
import { auditDeskAction } from '../auth/users'
import { AppError, msg } from '../errors'
import type { CallContext } from '../ipc/dispatch'
import { lastBackup } from './backup'
import { certFingerprint } from './cert'
import { createPairingCode, deploymentMode, hubEndpoint, listDesks, revokeDesk } from './registry'
import { HUB_CERT_FILE } from './server'
import { pidAlive } from '../util/process'

/**
 * The Pengaturan "Hub & desk" section's core side (issue 16): the same registry `npm run hub:admin` uses, behind
 * admin-only channels (auth/policy.ts), so an admin pairs and revokes desks from the app instead of a terminal.
 */

/**
 * The mode of the PC the page runs on: a call that came through a desk (ctx.desk) is at a desk, whatever the answering
 * hub's own mode; otherwise the install's recorded mode. The desk list (fingerprints left out) and the hub's own
 * certificate fingerprint, endpoint address and data folder only when the answering install is a hub. `thisDesk` is
 * always null here: the desk shell fills it in from its own desk.json (tools/hub/desk-shell.ts).
 */
export function hubStatus(core: Pick<Core, 'db' | 'dbFile'>, ctx: Pick<CallContext, 'desk'>): Output<'hub.status'> {
  const { db } = core
  const mode = deploymentMode(db)
  const isHub = mode === 'hub'
  return {
    mode: ctx.desk ? 'desk' : mode,
    deskName: ctx.desk?.name ?? null,
    desks: isHub ? listDesks(db).map(({ id, name, pairedAt, revokedAt }) => ({ id, name, pairedAt, revokedAt })) : null,
    hub: isHub
      ? { fingerprint: hubFingerprint(core), url: hubEndpoint(db), dataDir: dirname(core.dbFile), backup: backupSummary(db), running: hubProcessRunning(dirname(core.dbFile)) }
      : null,
    thisDesk: null,
  }
}

/** The last backup's time, folder and outcome (hub/backup.ts), or null before the first. */
function backupSummary(db: DB): { at: number; dir: string; ok: boolean } | null {
  const last = lastBackup(db)
  return last ? { at: last.at, dir: last.dir, ok: last.ok } : null
}

/** The file `npm run hub` writes into its data folder while it runs (its pid) and removes when it stops. */
export const HUB_PID_FILE = 'hub.pid'

/**
 * Whether the hub process of this data folder is alive: its hub.pid names a live process (signal 0; EPERM is alive
 * under another user). Same PC only, which the data folder is. A pid file left by a killed hub whose pid was reused
 * reads "running" until the next hub start rewrites it: rare, and cheaper than a heartbeat's writes every few seconds.
 */
function hubProcessRunning(dataDir: string): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(join(dataDir, HUB_PID_FILE), 'utf8').trim())
  } catch {
    return false
  }
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid)
}

/** SHA-256 of this hub's certificate (hub-tls.crt beside faskes.db), or null before `npm run hub` first made it. */
function hubFingerprint(core: Pick<Core, 'dbFile'>): string | null {
  const certFile = join(dirname(core.dbFile), HUB_CERT_FILE)
  return existsSync(certFile) ? certFingerprint(readFileSync(certFile, 'utf8')) : null
}

function requireHub(db: DB): void {
  if (deploymentMode(db) !== 'hub') throw new AppError('CONFLICT', msg('hub.notHub'))
}

/**
 * A new one-time pairing code, bound to this hub's certificate (hub-tls.crt in the data folder, beside faskes.db):
 * returned once, never stored (registry.ts keeps only its scrypt key). CONFLICT hub.notHub when this install is not a
 * hub or its certificate was not made yet (`npm run hub` makes it at its first start).
 */
export function pairingCodeForAdmin(core: Pick<Core, 'db' | 'dbFile'>, ctx: Pick<CallContext, 'user' | 'desk'>, now = Date.now): Output<'hub.pairingCode'> {
  requireHub(core.db)
  const fingerprint = hubFingerprint(core)
  if (!fingerprint) throw new AppError('CONFLICT', msg('hub.notHub'))
  const at = now()
  const made = createPairingCode(core.db, fingerprint, at)
  // Who made a code and when (a code pairs a desk with the hub's data): the code itself stays out of the audit.
  auditDeskAction(core.db, ctx, 'deskPairingCode', '', at)
  return made
}

/**
 * Revokes a desk at once (its next call is refused). The desk the call came through is refused with CONFLICT, so an
 * admin cannot cut off the page they are typing on; NOT_FOUND for an unknown id; CONFLICT hub.notHub off a hub.
 * Revoking a revoked desk answers its first revocation time.
 */
export function revokeDeskForAdmin(db: DB, id: string, ctx: Pick<CallContext, 'user' | 'desk'>, now = Date.now): Output<'hub.revokeDesk'> {
  requireHub(db)
  if (ctx.desk?.id === id) throw new AppError('CONFLICT', msg('hub.revokeOwnDesk'))
  const at = now()
  const revoked = revokeDesk(db, id, at)
  if (!revoked) throw new AppError('NOT_FOUND', msg('hub.deskNotFound', { id }))
  // Audited once, by the call that revoked it (a repeat answers the first time and changes nothing).
  if (revoked.revokedNow) auditDeskAction(db, ctx, 'deskRevoke', revoked.name, at)
  return { id, revokedAt: revoked.revokedAt }
}
