import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { DeploymentMode } from '../../contract'
import { endDeskSessions } from '../auth'
import type { DB } from '../db'
import { writeTx } from '../db/tx'
import { readSettingRow, writeSettingRow } from '../settings/rows'
import { CODE_TTL_MS, MAX_ATTEMPTS, newPairingCode, pairingKey, proofsEqual, deskProof, type PairingTranscript } from './pairing'

/**
 * The hub's own state in rows of the settings table (key → JSON), beside the contract's Settings, which ignores keys
 * it does not know: the deployment mode, the paired desks and the open pairing codes. Every read-modify-write is one
 * IMMEDIATE transaction, so the hub process and `npm run hub:admin` (another process on the same file) never lose
 * each other's change.
 */


const MODE_KEY = 'deployment'
const DESKS_KEY = 'hub.desks'
const CODES_KEY = 'hub.pairingCodes'
const ENDPOINT_KEY = 'hub.endpoint'

/** A paired desk as the hub records it. Times are epoch ms. */
const Desk = z.object({
  id: z.string(),
  name: z.string(),
  /** SHA-256 of the desk's client certificate (hex): every call's mTLS certificate must match it. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  pairedAt: z.number(),
  revokedAt: z.number().nullable(),
})
export type Desk = z.infer<typeof Desk>

/** An open code: only its scrypt key (pairing.ts), never the code itself. */
const OpenCode = z.object({ key: z.string(), expiresAt: z.number() })
const Codes = z.object({ open: z.array(OpenCode), failures: z.number() })
type Codes = z.infer<typeof Codes>

/** The install's mode; 'standalone' until one is chosen. */
export function deploymentMode(db: DB): DeploymentMode {
  return readSettingRow<{ mode: DeploymentMode }>(db, MODE_KEY, z.object({ mode: DeploymentMode }), { mode: 'standalone' }).mode
}

/** Records the install's mode (the first-run choice, or `npm run hub` on its data folder). */
export function setDeploymentMode(db: DB, mode: DeploymentMode, now = Date.now()): void {
  writeSettingRow(db, MODE_KEY, { mode }, now)
}

/** Records the address the hub's desk endpoint started on (`npm run hub`), for Pengaturan to show the admin. */
export function recordHubEndpoint(db: DB, url: string, now = Date.now()): void {
  writeSettingRow(db, ENDPOINT_KEY, { url }, now)
}

/** The address the hub's desk endpoint last started on, or null when it never started on this data folder. */
export function hubEndpoint(db: DB): string | null {
  return readSettingRow<{ url: string | null }>(db, ENDPOINT_KEY, z.object({ url: z.string() }), { url: null }).url
}

/** Every desk ever paired, revoked ones included (the admin's list), oldest first. */
export function listDesks(db: DB): Desk[] {
  return readSettingRow(db, DESKS_KEY, z.array(Desk), [])
}

/** The live (not revoked) desk whose client certificate has this fingerprint, or null. */
export function deskByFingerprint(db: DB, fingerprint: string): Desk | null {
  return listDesks(db).find((d) => d.fingerprint === fingerprint && d.revokedAt === null) ?? null
}

/**
 * Revokes a desk at once: its next call is refused (the server looks the desk up on every request), and the sessions
 * signed in at it end in the same transaction (a desk paired again starts at the sign-in). Answers the desk's name and
 * revocation time, and whether this call revoked it (`revokedNow`: false for a desk revoked before, which is left as
 * it was and keeps its first time), from the one read the transaction makes; null for an unknown id.
 */
export function revokeDesk(db: DB, id: string, now = Date.now()): { name: string; revokedAt: number; revokedNow: boolean } | null {
  return writeTx(db, () => {
    const desks = listDesks(db)
    const desk = desks.find((d) => d.id === id)
    if (!desk) return null
    if (desk.revokedAt !== null) return { name: desk.name, revokedAt: desk.revokedAt, revokedNow: false }
    desk.revokedAt = now
    writeSettingRow(db, DESKS_KEY, desks, now)
    endDeskSessions(db, [id])
    return { name: desk.name, revokedAt: now, revokedNow: true }
  })
}

/**
 * A new one-time pairing code for the hub whose certificate has `hubFingerprint`: returned once, to show the admin;
 * only its key is stored. It expires after CODE_TTL_MS, pairs one desk, and dies with every other open code after
 * MAX_ATTEMPTS wrong proofs.
 */
export function createPairingCode(db: DB, hubFingerprint: string, now = Date.now()): { code: string; expiresAt: number } {
  const code = newPairingCode()
  const key = pairingKey(code, hubFingerprint)
  if (!key) throw new Error('generated pairing code does not normalize')
  const expiresAt = now + CODE_TTL_MS
  writeTx(db, () => {
    const codes = liveCodes(readSettingRow(db, CODES_KEY, Codes, { open: [], failures: 0 }), now)
    // A fresh code after a lock-out starts a fresh count: the admin saw the failures and chose to go on.
    writeSettingRow(db, CODES_KEY, { open: [...codes.open, { key: key.toString('hex'), expiresAt }], failures: codes.open.length === 0 ? 0 : codes.failures }, now)
  })
  return { code, expiresAt }
}

function liveCodes(codes: Codes, now: number): Codes {
  return { open: codes.open.filter((c) => c.expiresAt > now), failures: codes.failures }
}

/** The hub's answer to a pairing request: the new desk and the key that proved it (for the hub's own proof), or why not. */
export type PairingOutcome = { ok: true; desk: Desk; key: Buffer } | { ok: false; reason: 'noCode' | 'badProof' }

/**
 * Checks a desk's pairing proof against every open code. A match spends that code and records the desk; a miss counts
 * one failure, and the MAX_ATTEMPTS-th kills every open code. The scrypt keys were computed when the codes were made, so
 * a guess costs the hub one HMAC per open code.
 */
export function redeemPairing(db: DB, t: PairingTranscript, deskName: string, proof: string, now = Date.now()): PairingOutcome {
  return writeTx(db, (): PairingOutcome => {
    const codes = liveCodes(readSettingRow(db, CODES_KEY, Codes, { open: [], failures: 0 }), now)
    if (codes.open.length === 0) return { ok: false, reason: 'noCode' }
    const hit = codes.open.find((c) => proofsEqual(deskProof(Buffer.from(c.key, 'hex'), t, deskName), proof))
    if (!hit) {
      const failures = codes.failures + 1
      writeSettingRow(db, CODES_KEY, failures >= MAX_ATTEMPTS ? { open: [], failures } : { open: codes.open, failures }, now)
      return { ok: false, reason: 'badProof' }
    }
    writeSettingRow(db, CODES_KEY, { open: codes.open.filter((c) => c !== hit), failures: codes.failures }, now)
    const desks = listDesks(db)
    const desk: Desk = { id: `desk-${randomBytes(6).toString('hex')}`, name: deskName, fingerprint: t.deskFingerprint, pairedAt: now, revokedAt: null }
    // Pairing again with the same key (a desk re-paired after a lost answer) replaces its earlier record, and the
    // sessions made under the old id end with it (they could never be presented again: the id is the binding).
    writeSettingRow(db, DESKS_KEY, [...desks.filter((d) => d.fingerprint !== t.deskFingerprint), desk], now)
    endDeskSessions(db, desks.filter((d) => d.fingerprint === t.deskFingerprint).map((d) => d.id))
    return { ok: true, desk, key: Buffer.from(hit.key, 'hex') }
  })
}
