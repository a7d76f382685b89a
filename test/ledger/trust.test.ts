/**
 * The trust rules of issue 14 (Deliver 3, 4, 5) against the real local network, with client identities enrolled at
 * the orgs' Fabric CAs (test/helpers/fabric-identity.ts): the faskes code of a write is the certificate's kdPPK,
 * claims and card writes need BPJS's peer (state-based endorsement, bpjsPeserta's collection policy), and reads are
 * scoped to the faskes that served or was referred the patient (chaincode/README.md#trust-model).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerConnection } from '../../electron/core/ledger/gateway'
import { DEFAULT_KDPPK } from '../helpers/fabric-identity'
import { auditSince, connectAs, createReferral, decision, evaluate, failureOf, holderOf, issueCard, newCardNo, recordVisit, submit, suspendCard, suspension, uid } from './helpers'

const A = DEFAULT_KDPPK.RS // 0101R001
const B = '0101R002' // another hospital of the same org
const PKM = DEFAULT_KDPPK.Puskesmas

let bpjs: LedgerConnection
let rsA: LedgerConnection
let rsB: LedgerConnection
let pkm: LedgerConnection
beforeAll(async () => {
  bpjs = await connectAs('BPJS')
  rsA = await connectAs('RS', 'bpjs-main', { kdPPK: A })
  rsB = await connectAs('RS', 'bpjs-main', { kdPPK: B })
  pkm = await connectAs('Puskesmas')
})
afterAll(() => {
  for (const c of [bpjs, rsA, rsB, pkm]) c?.close()
})

/** The commit failure of a submit: the gateway's CommitError (name, code = TxValidationCode) or whatever else it threw. */
async function commitFailure(p: Promise<unknown>): Promise<Error & { code?: number }> {
  try {
    await p
  } catch (err) {
    return err as Error & { code?: number }
  }
  throw new Error('expected the submit to fail, but it committed')
}

describe('the faskes code comes from the certificate', () => {
  it('an RS workstation enrolled for code A cannot record a visit, a referral or a claim as B, and can as A', async () => {
    const noKartu = await issueCard(bpjs)
    expect(await failureOf(recordVisit(rsA, noKartu, B))).toMatch(`FORBIDDEN: kdPPK ${B} is not this workstation's faskes code ${A}`)
    const { visitId } = await recordVisit(rsA, noKartu, A)
    expect(await evaluate(bpjs, 'Visit', 'Read', visitId)).toMatchObject({ kdPPK: A, orgMsp: 'RSMSP' })

    expect(await failureOf(createReferral(rsA, { noKartu, visitId, fromPPK: B, toPPK: '0101R003' }))).toMatch(`FORBIDDEN: fromPPK ${B}`)
    const ref = await createReferral(rsA, { noKartu, visitId, fromPPK: A, toPPK: '0101R003' })
    expect(ref.record).toMatchObject({ fromPPK: A, status: 'CREATED', creatorMsp: 'RSMSP' })

    const claim = { claimId: uid('CL'), visitId, noKartu, amount: 9_999_999 }
    expect(await failureOf(submit(rsA, 'Claim', 'Submit', { ...claim, kdPPK: B }))).toMatch(`FORBIDDEN: kdPPK ${B}`)
    // B's own workstation, naming its own code, still cannot claim A's visit.
    expect(await failureOf(submit(rsB, 'Claim', 'Submit', { ...claim, kdPPK: B }))).toMatch(`INVALID: visit ${visitId} was recorded at PPK ${A}`)
    expect(await failureOf(evaluate(bpjs, 'Claim', 'Read', claim.claimId))).toMatch(/NOT_FOUND: /)
    expect(await submit(rsA, 'Claim', 'Submit', { ...claim, amount: 150_000, kdPPK: A })).toMatchObject({ status: 'SUBMITTED', kdPPK: A, amount: 150_000 })
  })

  it('only the receiving faskes (the referral toPPK) or BPJS accepts a referral', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(pkm, noKartu, PKM)
    const { referralId } = await createReferral(pkm, { noKartu, visitId, fromPPK: PKM, toPPK: A })
    expect(await failureOf(submit(rsB, 'Referral', 'Accept', { requestId: uid('A'), referralId }))).toMatch(`FORBIDDEN: referral ${referralId} toPPK ${A}`)
    expect(await submit(rsA, 'Referral', 'Accept', { requestId: uid('A'), referralId })).toMatchObject({ status: 'ACCEPTED' })
  })

  it('refuses facility writes without the workstation attributes and BPJS writes from a workstation certificate', async () => {
    const noKartu = await issueCard(bpjs)
    const rsOfficer = await connectAs('RS', 'bpjs-main', { role: 'bpjs' })
    const bpjsDesk = await connectAs('BPJS', 'bpjs-main', { role: 'workstation', kdPPK: '0199B001' })
    try {
      expect(await failureOf(recordVisit(rsOfficer, noKartu, A))).toMatch(/FORBIDDEN: record visits needs a workstation certificate/)
      expect(await failureOf(suspendCard(bpjsDesk, noKartu, 'uji'))).toMatch(/FORBIDDEN: suspend cards needs role=bpjs/)
    } finally {
      rsOfficer.close()
      bpjsDesk.close()
    }
  })
})

describe('claims and card writes need BPJS', () => {
  it('a claim submit endorsed without BPJS ends in ENDORSEMENT_POLICY_FAILURE and changes nothing; with BPJS it commits', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(rsA, noKartu, A)
    const intent = { claimId: uid('CL'), visitId, noKartu, amount: 125_000, kdPPK: A }
    const err = await commitFailure(
      rsA.contract('Claim').submit('Submit', { arguments: [JSON.stringify(intent)], endorsingOrganizations: ['RSMSP', 'PuskesmasMSP'] }),
    )
    expect(err.name).toBe('CommitError')
    expect(err.code).toBe(10) // TxValidationCode ENDORSEMENT_POLICY_FAILURE
    expect(err.message).toMatch(/ENDORSEMENT_POLICY_FAILURE/)
    expect(await failureOf(evaluate(bpjs, 'Claim', 'Read', intent.claimId))).toMatch(/NOT_FOUND: /)
    expect(await evaluate(bpjs, 'Visit', 'Read', visitId)).not.toHaveProperty('claimId')

    // The same intent, the gateway choosing the endorsers itself (discovery sees the visit key's policy).
    expect(await submit(rsA, 'Claim', 'Submit', intent)).toMatchObject({ status: 'SUBMITTED' })
    expect(await evaluate(bpjs, 'Visit', 'Read', visitId)).toMatchObject({ claimId: intent.claimId })
  })

  it('a claim approval endorsed by BPJS alone fails validation too (the claim key needs the submitter org)', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(rsA, noKartu, A)
    const claimId = uid('CL')
    await submit(rsA, 'Claim', 'Submit', { claimId, visitId, noKartu, amount: 75_000, kdPPK: A })
    const err = await commitFailure(
      bpjs.contract('Claim').submit('Approve', { arguments: [JSON.stringify(decision(claimId).intent)], endorsingOrganizations: ['BPJSMSP'] }),
    )
    expect([err.name, err.code]).toEqual(['CommitError', 10])
    expect(await evaluate(bpjs, 'Claim', 'Read', claimId)).toMatchObject({ status: 'SUBMITTED' })
  })

  it('card issue and suspend endorsed without BPJS change nothing', async () => {
    const noKartu = newCardNo()
    const issue = await commitFailure(
      bpjs.contract('Card').submit('Issue', {
        arguments: [JSON.stringify({ noKartu, kdProviderPst: '0199B001' })],
        transientData: holderOf('9999000000000001'),
        endorsingOrganizations: ['RSMSP', 'PuskesmasMSP'],
      }),
    )
    expect(issue.message).toMatch(/ENDORSEMENT_POLICY_FAILURE|not a member|collection/)
    expect(await failureOf(evaluate(bpjs, 'Card', 'ReadStatus', noKartu))).toMatch(/NOT_FOUND: /)

    const active = await issueCard(bpjs)
    const { intent, transient } = suspension(active, 'uji tanpa BPJS')
    const suspend = await commitFailure(
      bpjs.contract('Card').submit('Suspend', { arguments: [JSON.stringify(intent)], transientData: transient, endorsingOrganizations: ['RSMSP', 'PuskesmasMSP'] }),
    )
    expect(suspend.message).toMatch(/ENDORSEMENT_POLICY_FAILURE|not a member|collection/)
    expect(await evaluate(bpjs, 'Card', 'ReadStatus', active)).toMatchObject({ status: 'ACTIVE' })
  })
})

describe('reads are scoped to the faskes that served or was referred the patient', () => {
  it('a faskes that never served the patient reads nothing of it; the one that did and BPJS do; a referral opens it', async () => {
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(rsA, noKartu, A)
    for (const [fn, arg] of [['History', 'ForPatient', noKartu], ['Visit', 'ListByPatient', noKartu], ['Visit', 'Read', visitId]].map(([c, f, a]) => [`${c}:${f}`, a] as const)) {
      const [contract, name] = fn.split(':') as [string, string]
      expect(await failureOf(evaluate(pkm, contract, name, arg)), `${fn} as a Puskesmas that never served`).toMatch(/FORBIDDEN: /)
      expect(await failureOf(evaluate(rsB, contract, name, arg)), `${fn} as another hospital`).toMatch(/FORBIDDEN: /)
      await expect(evaluate(rsA, contract, name, arg), `${fn} as the hospital that served`).resolves.toBeTruthy()
      await expect(evaluate(bpjs, contract, name, arg), `${fn} as BPJS`).resolves.toBeTruthy()
    }
    const history = await evaluate<{ entityType: string }[]>(bpjs, 'History', 'ForPatient', noKartu)
    expect(history.map((h) => h.entityType)).toEqual(['Card', 'Visit'])

    // The hospital refers the patient to B: now B reads the history, and the referral detail from its own copy.
    const ref = await createReferral(rsA, { noKartu, visitId, fromPPK: A, toPPK: B, reason: 'Perlu bedah', doctor: 'dr. Rujuk' })
    expect(await evaluate<unknown[]>(rsB, 'History', 'ForPatient', noKartu)).toHaveLength(3)
    expect(new TextDecoder().decode(await rsB.contract('Referral').evaluateTransaction('ReadDetail', ref.referralId))).toBe(ref.detail)
    expect(new TextDecoder().decode(await bpjs.contract('Referral').evaluateTransaction('ReadDetail', ref.referralId))).toBe(ref.detail)
    expect(await failureOf(pkm.contract('Referral').evaluateTransaction('ReadDetail', ref.referralId))).toMatch(/FORBIDDEN: /)
    expect(await failureOf(evaluate(pkm, 'History', 'ForPatient', noKartu))).toMatch(/FORBIDDEN: /)
  })

  it('an org reads only its own audit trail; BPJS reads all of it', async () => {
    // A minute back covers a peer clock a little behind this one; the trail before it is never read whole.
    const since = new Date(Date.now() - 60_000).toISOString()
    const noKartu = await issueCard(bpjs)
    const { visitId } = await recordVisit(pkm, noKartu, PKM)
    await createReferral(pkm, { noKartu, visitId, fromPPK: PKM, toPPK: A })
    expect(await failureOf(evaluate(rsA, 'Audit', 'ListByActor', 'PuskesmasMSP', since, '10', ''))).toMatch(/FORBIDDEN: RSMSP may read only its own audit trail/)
    expect(await failureOf(evaluate(pkm, 'Audit', 'ListByActor', 'BPJSMSP', since, '10', ''))).toMatch(/FORBIDDEN: /)
    // The Puskesmas's visit: RS sees none of its entries, the Puskesmas its own, BPJS all.
    expect(await evaluate<unknown[]>(rsA, 'Audit', 'ListByEntity', 'Visit', visitId)).toEqual([])
    expect(await evaluate<{ actorMsp: string }[]>(pkm, 'Audit', 'ListByEntity', 'Visit', visitId)).toEqual([expect.objectContaining({ actorMsp: 'PuskesmasMSP' })])
    expect(await evaluate<unknown[]>(bpjs, 'Audit', 'ListByEntity', 'Visit', visitId)).toHaveLength(1)
    // The card's issue was BPJS's: a faskes sees none of it.
    expect(await evaluate<unknown[]>(pkm, 'Audit', 'ListByEntity', 'Card', noKartu)).toEqual([])
    const own = await auditSince<{ actorMsp: string; entityId: string }>(pkm, 'PuskesmasMSP', since)
    expect(own.map((e) => e.entityId)).toContain(visitId)
    expect(own.length).toBeGreaterThan(0)
    expect(new Set(own.map((e) => e.actorMsp))).toEqual(new Set(['PuskesmasMSP']))
  })
})
