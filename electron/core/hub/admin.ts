import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Output } from '../../contract'
import type { Core } from '../app'
import type { DB } from '../db'
import { AppError, msg } from '../errors'
import type { CallContext } from '../ipc/dispatch'
import { certFingerprint } from './cert'
import { createPairingCode, deploymentMode, listDesks, revokeDesk } from './registry'
import { HUB_CERT_FILE } from './server'

/**
 * The Pengaturan "Hub & desk" section's core side (issue 16): the same registry `npm run hub:admin` uses, behind
 * admin-only channels (auth/policy.ts), so an admin pairs and revokes desks from the app instead of a terminal.
 */

/**
 * The mode of the PC the page runs on: a call that came through a desk (ctx.desk) is at a desk, whatever the answering
 * hub's own mode; otherwise the install's recorded mode. The desk list (fingerprints left out) only when the answering
 * install is a hub.
 */
export function hubStatus(db: DB, ctx: Pick<CallContext, 'desk'>): Output<'hub.status'> {
  const mode = deploymentMode(db)
  return {
    mode: ctx.desk ? 'desk' : mode,
    deskName: ctx.desk?.name ?? null,
    desks: mode === 'hub' ? listDesks(db).map(({ id, name, pairedAt, revokedAt }) => ({ id, name, pairedAt, revokedAt })) : null,
  }
}

function requireHub(db: DB): void {
  if (deploymentMode(db) !== 'hub') throw new AppError('CONFLICT', msg('hub.notHub'))
}

/**
 * A new one-time pairing code, bound to this hub's certificate (hub-tls.crt in the data folder, beside faskes.db):
 * returned once, never stored (registry.ts keeps only its scrypt key). CONFLICT hub.notHub when this install is not a
 * hub or its certificate was not made yet (`npm run hub` makes it at its first start).
 */
export function pairingCodeForAdmin(core: Pick<Core, 'db' | 'dbFile'>, now = Date.now): Output<'hub.pairingCode'> {
  requireHub(core.db)
  const certFile = join(dirname(core.dbFile), HUB_CERT_FILE)
  if (!existsSync(certFile)) throw new AppError('CONFLICT', msg('hub.notHub'))
  return createPairingCode(core.db, certFingerprint(readFileSync(certFile, 'utf8')), now())
}

/**
 * Revokes a desk at once (its next call is refused). The desk the call came through is refused with CONFLICT, so an
 * admin cannot cut off the page they are typing on; NOT_FOUND for an unknown id; CONFLICT hub.notHub off a hub.
 * Revoking a revoked desk answers its first revocation time.
 */
export function revokeDeskForAdmin(db: DB, id: string, ctx: Pick<CallContext, 'desk'>, now = Date.now): Output<'hub.revokeDesk'> {
  requireHub(db)
  if (ctx.desk?.id === id) throw new AppError('CONFLICT', msg('hub.revokeOwnDesk'))
  if (!revokeDesk(db, id, now())) throw new AppError('NOT_FOUND', msg('hub.deskNotFound', { id }))
  const revokedAt = listDesks(db).find((d) => d.id === id)?.revokedAt
  if (revokedAt == null) throw new Error(`desk ${id} not revoked after revokeDesk`)
  return { id, revokedAt }
}
