import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Simulator } from '../../tools/pcare-sim/server'
import { chaincodeErrorKind } from '../../electron/core/ledger/gateway'
import { enrolWorkstation, registerWithRegistrar, workstationEnrollmentId } from '../../electron/core/ledger/enrolment'
import { memoryKeychain } from '../../electron/core/ledger/memory-keychain'
import { localRuntimeDir } from '../../electron/core/ledger/profile'
import { resend } from '../../electron/core/sync/admin'
import { SyncEngine } from '../../electron/core/sync/engine'
import { ACTIVE_CARDS, demoRemotes, drained, FAST, freshKdPPK, ledgerAs, simulator, until, visit, workstation, type Workstation } from './harness'

/**
 * The workstation's identity on the real path (a peer endpoint in the settings, as a faskes outside the demo has),
 * against the local network: enrolled with a one-time secret at Puskesmas's CA like "Daftarkan workstation" does,
 * then (1) the faskes code changed in the settings after enrolment, (2) the identity revoked by the org admin's
 * `npm run ledger:revoke`. Both must end in a code of their own that tells staff to enrol again, never in a send under
 * the wrong code or an endless retry.
 */

const runtimeDir = localRuntimeDir()
const caDir = join(runtimeDir, 'ca', 'puskesmas')
const registrar = JSON.parse(readFileSync(join(caDir, 'registrar.json'), 'utf8')) as { url: string; caName: string; enrollmentId: string; secret: string }
const ca = { url: registrar.url, caName: registrar.caName, tlsCaPem: readFileSync(join(caDir, 'tls-cert.pem'), 'utf8') }
const peerTlsCaPem = readFileSync(join(runtimeDir, 'crypto/peerOrganizations/puskesmas.local/tlsca/tlsca.puskesmas.local-cert.pem'), 'utf8')

let ws: Workstation
let sim: Simulator
let keychain: ReturnType<typeof memoryKeychain>
beforeEach(async () => {
  ws = workstation('Puskesmas')
  sim = await simulator()
  keychain = memoryKeychain()
  // Pengaturan's ledger fields as the org admin's ledger:register prints them for the local network.
  ws.settings.update({
    ledger: { peerEndpoint: 'localhost:9051', peerTlsCaPem, tlsServerName: 'peer0.puskesmas.local', caUrl: ca.url, caTlsCaPem: ca.tlsCaPem, channel: 'bpjs-main' },
  })
})
afterEach(async () => {
  await sim.close()
  ws.cleanup()
})

/** The org admin registers a workstation for `kdPPK` (one-time secret) and the faskes admin enrols it with that secret. */
async function enrolFor(kdPPK: string): Promise<string> {
  const reg = await registerWithRegistrar(ca, registrar, { id: workstationEnrollmentId(kdPPK), attrs: { kdPPK, role: 'workstation' } })
  ws.settings.update({ ledger: { enrollmentId: reg.enrollmentId } })
  await enrolWorkstation({ settings: ws.settings, keychain }, { enrollmentId: reg.enrollmentId, secret: reg.secret, signer: { kind: 'software' } })
  return reg.enrollmentId
}

const realEngine = () => new SyncEngine(ws.db, ws.settings, { demoPcare: demoRemotes(sim).demoPcare, keychain }, FAST)

interface LedgerJob {
  id: number
  operation: string
  status: string
  code: string | null
  message: string | null
}
const ledgerJobs = (): LedgerJob[] =>
  ws.db.prepare("SELECT id, operation, status, last_error_code AS code, last_error_message AS message FROM outbox WHERE target = 'ledger' ORDER BY id").all() as LedgerJob[]

/** The visit as BPJS reads it from the ledger, or null when it is not there. */
async function ledgerVisit(visitId: string): Promise<Record<string, unknown> | null> {
  const bpjs = await ledgerAs('BPJS')
  try {
    return JSON.parse(Buffer.from(await bpjs.contract('Visit').evaluateTransaction('Read', visitId)).toString('utf8')) as Record<string, unknown>
  } catch (err) {
    if (chaincodeErrorKind(err) === 'NOT_FOUND') return null
    throw err
  } finally {
    bpjs.close()
  }
}

/** The org admin's CLI as a process, the way an admin types it (bounded by its own waits and this timeout). */
function ledgerCli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'tools/ledger/admin.ts', ...args], { timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` })
    })
  })
}

describe('workstation identity on the real path', () => {
  it('a faskes code changed after enrolment: nothing goes to the ledger under either code until it is enrolled again', async () => {
    const first = ws.kdPPK
    await enrolFor(first)
    // The admin changes the faskes code; the certificate still says the first one.
    const second = freshKdPPK()
    ws.settings.update({ kdPPK: second })
    ws.kdPPK = second
    const v = visit(ws, ACTIVE_CARDS[4].noKartu)
    const e = realEngine()
    e.start({ events: false })
    try {
      await until('a ledger job waiting with IDENTITY_KDPPK_MISMATCH', () => ledgerJobs().some((j) => j.code === 'IDENTITY_KDPPK_MISMATCH'))
      const waiting = ledgerJobs().find((j) => j.code === 'IDENTITY_KDPPK_MISMATCH')!
      expect(waiting.status).toBe('failed_transient')
      expect(waiting.message).toBe(`certificate ${first}, settings ${second}`)
      expect(e.connectivity().ledger).toBe(false)
      // PCare is not held by the ledger's identity: the visit's four PCare jobs go through meanwhile.
      await until('the four PCare jobs done', () => (ws.db.prepare("SELECT count(*) AS n FROM outbox WHERE target = 'pcare' AND status = 'done'").get() as { n: number }).n === 4)
      expect(await ledgerVisit(v.visitId!)).toBeNull()

      // Enrolled again for the new code: the waiting jobs go out by themselves (the probe finds the identity usable).
      await enrolFor(second)
      await drained(ws.db)
      expect(ledgerJobs().map((j) => [j.operation, j.status])).toEqual([
        ['Visit:Record', 'done'],
        ['Claim:Submit', 'done'],
      ])
      expect(await ledgerVisit(v.visitId!)).toMatchObject({ visitId: v.visitId, kdPPK: second, orgMsp: 'PuskesmasMSP' })
    } finally {
      await e.stop()
    }
  })

  it('a workstation revoked by the org admin: its jobs fail IDENTITY_REFUSED at once; enrolled again and resent, they land once', { timeout: 420_000 }, async () => {
    const revokedId = await enrolFor(ws.kdPPK)
    const before = visit(ws, ACTIVE_CARDS[5].noKartu)
    const e = realEngine()
    e.start({ events: false })
    try {
      await drained(ws.db)
      expect(await ledgerVisit(before.visitId!)).toMatchObject({ visitId: before.visitId, kdPPK: ws.kdPPK })

      const cli = await ledgerCli(['revoke', '--org', 'Puskesmas', '--id', revokedId])
      expect(cli.out).toMatch(/every peer has committed config block \d+/)
      expect(cli.code).toBe(0)

      const after = visit(ws, ACTIVE_CARDS[6].noKartu)
      e.kick()
      await until('a ledger job failed permanently', () => ledgerJobs().some((j) => j.status === 'failed_permanent'), 60_000)
      const refused = ledgerJobs().filter((j) => j.status !== 'done')
      // The Visit:Record is refused; its claim is held behind it in the chain, never sent.
      expect(refused.map((j) => [j.operation, j.status, j.code])).toEqual([
        ['Visit:Record', 'failed_permanent', 'IDENTITY_REFUSED'],
        ['Claim:Submit', 'pending', null],
      ])
      // The peer's own words, kept for support (the report quotes them).
      console.log(`peer refusal of the revoked workstation: ${refused[0].message}`)
      expect(refused[0].message).toMatch(/access denied: channel \[bpjs-main\] creator org \[PuskesmasMSP\]/)
      const attempts = (ws.db.prepare('SELECT count(*) AS n FROM outbox_attempts WHERE outbox_id = ?').get(refused[0].id) as { n: number }).n
      expect(attempts).toBe(1)
      expect(await ledgerVisit(after.visitId!)).toBeNull()

      // The faskes admin enrols again with a new secret from the org admin and resends.
      const again = await enrolFor(ws.kdPPK)
      expect(again).not.toBe(revokedId)
      resend(ws.db, [refused[0].id], 'test')
      e.kick()
      await drained(ws.db)
      expect(ledgerJobs().every((j) => j.status === 'done')).toBe(true)
      expect(await ledgerVisit(after.visitId!)).toMatchObject({ visitId: after.visitId, kdPPK: ws.kdPPK })
    } finally {
      await e.stop()
    }
  })
})
