import { execFile } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectLedger, type LedgerConnection } from '../../electron/core/ledger/gateway'
import { localPeerProfile, localRuntimeDir } from '../../electron/core/ledger/profile'
import { enrolTestIdentity, type TestIdentity } from '../helpers/fabric-identity'
import { evaluate, failureOf, newCardNo, sha256, uid } from './helpers'

/**
 * Workstation identities from the org's Fabric CA against the real network (issue 14, Deliver 1-2): a workstation
 * registered and enrolled through ca-puskesmas evaluates and submits; after the org admin's `npm run ledger:revoke`
 * (revoke at the CA, CRL into PuskesmasMSP on both channels) the peers refuse it, while another workstation of the
 * same org keeps working.
 */

const connect = (id: TestIdentity): Promise<LedgerConnection> =>
  connectLedger({ ...localPeerProfile('Puskesmas', { channel: 'bpjs-main', runtimeDir: localRuntimeDir() }), certPem: id.certPem }, id.keyPem, {
    evaluateMs: 5_000,
  })

/** Runs the org admin's CLI as a process (the way an admin types it); resolves with its exit code and output. */
function ledgerCli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'tools/ledger/admin.ts', ...args], { timeout: 180_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` })
    })
  })
}

/** Anchors a fresh record as `conn` and reads it back through Verify. */
async function anchorAndVerify(conn: LedgerConnection): Promise<void> {
  const recordId = uid('REC')
  const doc = `doc-${recordId}`
  await conn.contract('MedicalRecord').submitTransaction(
    'Anchor',
    JSON.stringify({ recordId, noKartu: newCardNo(), docHash: sha256(doc), pointerCiphertext: 'eA==' }),
  )
  expect(await evaluate(conn, 'MedicalRecord', 'Verify', recordId, sha256(doc))).toEqual({ recordId, match: true })
}

let revokedId: TestIdentity
let keptId: TestIdentity
let revoked: LedgerConnection
let kept: LedgerConnection

beforeAll(async () => {
  revokedId = await enrolTestIdentity('Puskesmas')
  keptId = await enrolTestIdentity('Puskesmas')
  revoked = await connect(revokedId)
  kept = await connect(keptId)
})
afterAll(() => {
  revoked?.close()
  kept?.close()
})

describe('workstation identities from the org CA', () => {
  it('carry the faskes code and role as certificate attributes, issued by the org CA that the channel MSP trusts', () => {
    const cert = new X509Certificate(revokedId.certPem)
    expect(cert.subject).toMatch(new RegExp(`CN=${revokedId.enrollmentId}`))
    expect(cert.subject).toMatch(/OU=client/)
    expect(cert.issuer).toMatch(/CN=ca\.puskesmas\.local/)
    // Fabric CA's attribute extension (OID 1.2.3.4.5.6.7.8.1) holds this JSON verbatim.
    expect(cert.raw.includes(Buffer.from('{"attrs":{"kdPPK":"0114U163","role":"workstation"}}'))).toBe(true)
  })

  it('a revoked workstation is refused by the peers; another workstation of the same org still works', async () => {
    await anchorAndVerify(revoked)
    await anchorAndVerify(kept)

    const cli = await ledgerCli(['revoke', '--org', 'Puskesmas', '--id', revokedId.enrollmentId])
    expect(cli.out).toMatch(/every peer has committed config block \d+/)
    expect(cli.code).toBe(0)

    const evalRefusal = await failureOf(revoked.contract('MedicalRecord').evaluateTransaction('Verify', uid('REC'), sha256('x')))
    const submitRefusal = await failureOf(
      revoked.contract('MedicalRecord').submitTransaction('Anchor', JSON.stringify({ recordId: uid('REC'), noKartu: newCardNo(), docHash: sha256('y'), pointerCiphertext: 'eA==' })),
    )
    // What the gateway answers for a revoked creator (evaluate: 9 FAILED_PRECONDITION ..., submit: 10 ABORTED ...,
    // both with this detail); the peer's log says why: "The certificate has been revoked".
    for (const refusal of [evalRefusal, submitRefusal]) {
      expect(refusal).toMatch(/error validating proposal: access denied: channel \[bpjs-main\] creator org \[PuskesmasMSP\]/)
    }
    expect(evalRefusal).toMatch(/^9 FAILED_PRECONDITION/)
    expect(submitRefusal).toMatch(/^10 ABORTED/)

    await anchorAndVerify(kept)
  })

  it('ledger:list shows the revoked workstation as revoked and the other as active', async () => {
    const { code, out } = await ledgerCli(['list', '--org', 'Puskesmas', '--json'])
    expect(code).toBe(0)
    const ids = JSON.parse(out.slice(out.indexOf('['))) as { enrollmentId: string; revoked: boolean; kdPPK?: string; role?: string }[]
    expect(ids.find((i) => i.enrollmentId === revokedId.enrollmentId)).toMatchObject({ revoked: true, kdPPK: '0114U163', role: 'workstation' })
    expect(ids.find((i) => i.enrollmentId === keptId.enrollmentId)).toMatchObject({ revoked: false })
    // Filters: by enrolment id (one row) and by faskes code (lowercase upper-cased like Pengaturan holds it).
    const one = await ledgerCli(['list', '--org', 'Puskesmas', '--id', keptId.enrollmentId, '--json'])
    expect((JSON.parse(one.out.slice(one.out.indexOf('['))) as { enrollmentId: string }[]).map((i) => i.enrollmentId)).toEqual([keptId.enrollmentId])
    const byCode = await ledgerCli(['list', '--org', 'Puskesmas', '--kdppk', '0114u163', '--json'])
    const coded = JSON.parse(byCode.out.slice(byCode.out.indexOf('['))) as { enrollmentId: string; kdPPK?: string }[]
    expect(coded.map((i) => i.enrollmentId)).toContain(revokedId.enrollmentId)
    expect(coded.every((i) => i.kdPPK === '0114U163')).toBe(true)
  })

  it('revoking the same workstation again says it was revoked already, keeps the CRL in the channel and exits 0', async () => {
    const again = await ledgerCli(['revoke', '--org', 'Puskesmas', '--id', revokedId.enrollmentId])
    expect(again.out).toMatch(/already revoked at ca-puskesmas/)
    expect(again.out).not.toMatch(/not a PEM CRL/)
    expect(again.code).toBe(0)
    expect(await failureOf(revoked.contract('MedicalRecord').evaluateTransaction('Verify', uid('REC'), sha256('x')))).toMatch(/creator org \[PuskesmasMSP\]/)
    await anchorAndVerify(kept)
  })
})
