/**
 * Every contract path of chaincode `faskes` against the real local network (npm run network:up first):
 * BPJS issues/changes cards, RS and Puskesmas record visits with private detail, refer, anchor records and claim,
 * each as a client identity enrolled at its org's CA (the trust rules themselves: trust.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { chaincodeErrorKind } from '../../electron/core/ledger/gateway'
import { endorsersOf } from '../../electron/core/sync/ledger-executor'
import { DEFAULT_KDPPK } from '../helpers/fabric-identity'
import { ISSUE_ENDORSERS, auditSince, connectAs, createReferral, decideClaim, decision, evaluate, failureOf, issueCard, recordVisit, sha256, submit, submitPrivate, suspendCard, suspension, uid } from './helpers'

let bpjs: LedgerConnection
let rs: LedgerConnection
let pkm: LedgerConnection
// The faskes codes in the test workstations' certificates (the chaincode takes a write's code from there).
const RS_PPK = DEFAULT_KDPPK.RS
const PKM_PPK = DEFAULT_KDPPK.Puskesmas

beforeAll(async () => {
  bpjs = await connectAs('BPJS')
  rs = await connectAs('RS')
  pkm = await connectAs('Puskesmas')
})
afterAll(() => {
  for (const c of [bpjs, rs, pkm]) c?.close()
})

describe('Card', () => {
  it('issue, suspend (blocks visits), reactivate, replace', async () => {
    const noKartu = await issueCard(bpjs)
    expect(await evaluate(rs, 'Card', 'ReadStatus', noKartu)).toMatchObject({ noKartu, status: 'ACTIVE' })

    const suspended = await suspendCard(bpjs, noKartu, 'iuran menunggak')
    expect(suspended).toMatchObject({ status: 'SUSPENDED' })
    expect(JSON.stringify(suspended)).not.toContain('iuran') // the reason is kept in BPJS's collection only
    // A visit on a suspended card is refused with STATE:
    const visitErr = await failureOf(recordVisit(rs, noKartu, RS_PPK))
    expect(visitErr).toMatch(/STATE:/)

    await submit(bpjs, 'Card', 'Reactivate', { requestId: uid('R'), noKartu })
    expect(await evaluate(pkm, 'Card', 'ReadStatus', noKartu)).toMatchObject({ status: 'ACTIVE' })

    const newNoKartu = `${noKartu.slice(0, 7)}${String((Number(noKartu.slice(7)) + 1) % 1_000_000).padStart(6, '0')}`
    const old = await submit(bpjs, 'Card', 'Replace', { requestId: uid('RP'), noKartu, newNoKartu })
    expect(old).toMatchObject({ noKartu, status: 'REPLACED', replacedBy: newNoKartu })
    expect(await evaluate(bpjs, 'Card', 'ReadStatus', newNoKartu)).toMatchObject({ status: 'ACTIVE' })
    expect(await evaluate(bpjs, 'Card', 'ReadStatus', noKartu)).toMatchObject({ status: 'REPLACED', replacedBy: newNoKartu })
  })

  it('rejects bad input and unknown cards with typed errors', async () => {
    const bad = await failureOf(submit(bpjs, 'Card', 'Issue', { noKartu: '123', kdProviderPst: 'A', jnsPeserta: 'PBI' }))
    expect(bad).toMatch(/INVALID:/)
    const missing = await failureOf(bpjs.contract('Card').evaluateTransaction('ReadStatus', '0009999999998'))
    expect(missing).toMatch(/NOT_FOUND:/)
  })
})

describe('Visit (private clinical detail)', () => {
  it('RS records a visit; RS and BPJS read the detail, Puskesmas cannot', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId, detail } = await recordVisit(rs, noKartu, RS_PPK)
    const pub = await evaluate(bpjs, 'Visit', 'Read', visitId)
    expect(pub).toMatchObject({ visitId, noKartu, status: 'RECORDED', orgMsp: 'RSMSP', collection: 'clinicalRS', detailHash: sha256(detail) })
    expect(JSON.stringify(pub)).not.toContain('Paracetamol') // the public state holds only the hash

    expect(new TextDecoder().decode(await rs.contract('Visit').evaluateTransaction('ReadDetail', visitId))).toBe(detail)
    expect(new TextDecoder().decode(await bpjs.contract('Visit').evaluateTransaction('ReadDetail', visitId))).toBe(detail)
    expect(await failureOf(pkm.contract('Visit').evaluateTransaction('ReadDetail', visitId))).toMatch(/FORBIDDEN:/)

    const list = await evaluate<{ visitId: string }[]>(bpjs, 'Visit', 'ListByPatient', noKartu)
    expect(list.map((v) => v.visitId)).toEqual([visitId])
  })

  it('Puskesmas records into its own collection; a wrong detailHash is refused', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(pkm, noKartu, PKM_PPK)
    expect(await evaluate(bpjs, 'Visit', 'Read', visitId)).toMatchObject({ orgMsp: 'PuskesmasMSP', collection: 'clinicalPuskesmas' })
    expect(await failureOf(rs.contract('Visit').evaluateTransaction('ReadDetail', visitId))).toMatch(/FORBIDDEN:/)

    const err = await failureOf(
      pkm.contract('Visit').submit('Record', {
        arguments: [JSON.stringify({ visitId: uid('V'), noKartu, kdPPK: PKM_PPK, tglKunjungan: '2026-01-02', detailHash: sha256('other') })],
        transientData: { detail: JSON.stringify({ diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }] }) },
        endorsingOrganizations: endorsersOf('Visit:Record', pkm.profile.mspId),
      }),
    )
    expect(err).toMatch(/INVALID:.*detailHash/)
  })
})

describe('Referral', () => {
  it('Puskesmas refers to RS; RS accepts and completes; creator cancels another; others are refused', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(pkm, noKartu, PKM_PPK)
    const { referralId, detail, record: created } = await createReferral(pkm, { noKartu, visitId, fromPPK: PKM_PPK, toPPK: RS_PPK })
    expect(created).toMatchObject({ referralId, status: 'CREATED', creatorMsp: 'PuskesmasMSP', toMsp: 'RSMSP', detailHash: sha256(detail) })
    expect(JSON.stringify(created)).not.toContain('dr. Contoh')
    // Each of the three orgs keeps its own copy of the detail.
    for (const c of [pkm, rs, bpjs]) expect(new TextDecoder().decode(await c.contract('Referral').evaluateTransaction('ReadDetail', referralId))).toBe(detail)

    // Only the receiving org (RS) or BPJS may accept; the creator may not.
    expect(await failureOf(submit(pkm, 'Referral', 'Accept', { requestId: uid('A'), referralId }))).toMatch(/FORBIDDEN:/)
    await submit(rs, 'Referral', 'Accept', { requestId: uid('A'), referralId })
    const done = await submit(rs, 'Referral', 'Complete', { requestId: uid('C'), referralId })
    expect(done).toMatchObject({ status: 'COMPLETED' })
    expect(await failureOf(submit(pkm, 'Referral', 'Cancel', { requestId: uid('X'), referralId }))).toMatch(/STATE:/)

    const { referralId: second } = await createReferral(pkm, { noKartu, fromPPK: PKM_PPK, toPPK: RS_PPK, reason: 'Kontrol' })
    expect(await failureOf(submit(rs, 'Referral', 'Cancel', { requestId: uid('X'), referralId: second }))).toMatch(/FORBIDDEN:/)
    await submit(pkm, 'Referral', 'Cancel', { requestId: uid('X'), referralId: second })
    expect(await evaluate(bpjs, 'Referral', 'Read', second)).toMatchObject({ status: 'CANCELLED' })

    const list = await evaluate<{ referralId: string; status: string }[]>(bpjs, 'Referral', 'ListByPatient', noKartu)
    expect(list.map((r) => [r.referralId, r.status])).toEqual([[referralId, 'COMPLETED'], [second, 'CANCELLED']])
  })
})

describe('MedicalRecord', () => {
  it('anchors a document hash and verifies files against it', async () => {
    const noKartu = await issueCard(bpjs)
    const doc = `resume medis ${uid('doc')}`
    const recordId = uid('MR')
    const rec = await submit(rs, 'MedicalRecord', 'Anchor', { recordId, noKartu, docHash: sha256(doc), pointerCiphertext: 'ZmFrZS1jaXBoZXJ0ZXh0' })
    expect(rec).toMatchObject({ recordId, status: 'ANCHORED', ownerMsp: 'RSMSP' })
    expect(await evaluate(pkm, 'MedicalRecord', 'Verify', recordId, sha256(doc))).toEqual({ recordId, match: true })
    expect(await evaluate(pkm, 'MedicalRecord', 'Verify', recordId, sha256(`${doc} (diubah)`))).toEqual({ recordId, match: false })
  })
})

describe('Claim', () => {
  it('RS submits, BPJS approves (endorsed by BPJS and RS); RS cannot approve; a second claim is rejected', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(rs, noKartu, RS_PPK)
    const claimId = uid('CL')
    expect(await submit(rs, 'Claim', 'Submit', { claimId, visitId, noKartu, amount: 150000, kdPPK: RS_PPK })).toMatchObject({ status: 'SUBMITTED', submitterMsp: 'RSMSP' })

    const rsApprove = await failureOf(submit(rs, 'Claim', 'Approve', decision(claimId).intent))
    expect(rsApprove).toMatch(/FORBIDDEN:/)
    expect(await failureOf(submit(rs, 'Claim', 'Submit', { claimId: uid('CL'), visitId, noKartu, amount: 1, kdPPK: RS_PPK }))).toMatch(/STATE:/)

    const approved = await decideClaim(bpjs, 'Approve', claimId)
    expect(approved).toMatchObject({ claimId, status: 'APPROVED', decidedByMsp: 'BPJSMSP' })
    expect(await evaluate(rs, 'Claim', 'Read', claimId)).toMatchObject({ status: 'APPROVED' })
    expect(await failureOf(decideClaim(bpjs, 'Reject', claimId, 'terlambat'))).toMatch(/STATE:/)

    const { visitId: v2 } = await recordVisit(pkm, noKartu, PKM_PPK)
    const c2 = uid('CL')
    await submit(pkm, 'Claim', 'Submit', { claimId: c2, visitId: v2, noKartu, amount: 50000, kdPPK: PKM_PPK })
    // The remarks are private: the public claim keeps their hash; BPJS and the Puskesmas each read their own copy.
    const { intent, transient } = decision(c2, 'Berkas tidak lengkap')
    const rejected = await submitPrivate(bpjs, 'Claim', 'Reject', intent, transient!, ['BPJSMSP', 'PuskesmasMSP'])
    expect(rejected).toMatchObject({ status: 'REJECTED', detailHash: intent.detailHash })
    expect(JSON.stringify(rejected)).not.toContain('Berkas')
    for (const reader of [bpjs, pkm]) expect(new TextDecoder().decode(await reader.contract('Claim').evaluateTransaction('ReadDetail', c2))).toBe(transient!.detail)
    expect(await failureOf(rs.contract('Claim').evaluateTransaction('ReadDetail', c2))).toMatch(/FORBIDDEN: /)
  })
})

describe('ACL', () => {
  it('Puskesmas cannot issue a card; RS cannot suspend one; BPJS cannot record a visit', async () => {
    const issue = await failureOf(submit(pkm, 'Card', 'Issue', { noKartu: '0009999777777', kdProviderPst: PKM_PPK }))
    expect(issue).toMatch(/FORBIDDEN: PuskesmasMSP/)
    expect(await failureOf(submit(rs, 'Card', 'Suspend', suspension('0009999000001').intent))).toMatch(/FORBIDDEN:/)
    let kind
    try {
      await recordVisit(bpjs, '0009999000001', RS_PPK)
    } catch (err) {
      kind = chaincodeErrorKind(err)
    }
    expect(kind).toBe('FORBIDDEN')
  })
})

describe('Idempotency', () => {
  it('replaying the same intent returns the same result without a second effect; a changed payload conflicts', async () => {
    const noKartu = await issueCard(bpjs)
    const { intent, transient } = suspension(noKartu, 'verifikasi data')
    const send = () => bpjs.contract('Card').submit('Suspend', { arguments: [JSON.stringify(intent)], transientData: transient, endorsingOrganizations: ISSUE_ENDORSERS })
    const first = await send()
    const again = await send()
    expect(Buffer.from(again).toString()).toBe(Buffer.from(first).toString())

    const audit = await evaluate<{ action: string }[]>(bpjs, 'Audit', 'ListByEntity', 'Card', noKartu)
    expect(audit.map((a) => a.action)).toEqual(['Issue', 'Suspend']) // one Suspend entry, not two

    const conflict = await failureOf(suspendCard(bpjs, noKartu, 'alasan lain', intent.requestId))
    expect(conflict).toMatch(/CONFLICT:/)
  })
})

describe('Audit and History', () => {
  it('lists audit entries by entity and actor, and the patient history in tx order', async () => {
    const since = new Date(Date.now() - 60_000).toISOString()
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(rs, noKartu, RS_PPK)
    const recordId = uid('MR')
    await submit(rs, 'MedicalRecord', 'Anchor', { recordId, noKartu, docHash: sha256(recordId), pointerCiphertext: 'eA==' })

    const byEntity = await evaluate<{ action: string; actorMsp: string; txId: string }[]>(bpjs, 'Audit', 'ListByEntity', 'Visit', visitId)
    expect(byEntity).toHaveLength(1)
    expect(byEntity[0]).toMatchObject({ action: 'Record', actorMsp: 'RSMSP' })
    expect(byEntity[0].txId).toMatch(/^[0-9a-f]{64}$/)

    const byActor = await auditSince<{ entityId: string }>(bpjs, 'RSMSP', since)
    expect(byActor.map((a) => a.entityId)).toEqual(expect.arrayContaining([visitId, recordId]))

    const history = await evaluate<{ entityType: string; entityId: string }[]>(rs, 'History', 'ForPatient', noKartu)
    expect(history.map((h) => `${h.entityType}:${h.entityId}`)).toEqual([`Card:${noKartu}`, `Visit:${visitId}`, `MedicalRecord:${recordId}`])
  })
})

describe('Regional channel bpjs-jawa', () => {
  it('is a separate ledger with the same chaincode', async () => {
    const jawa = await connectAs('BPJS', 'bpjs-jawa')
    try {
      const noKartu = await issueCard(jawa)
      expect(await evaluate(jawa, 'Card', 'ReadStatus', noKartu)).toMatchObject({ status: 'ACTIVE' })
      expect(await failureOf(bpjs.contract('Card').evaluateTransaction('ReadStatus', noKartu))).toMatch(/NOT_FOUND:/)
    } finally {
      jawa.close()
    }
  })
})
