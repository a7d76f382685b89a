import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { BPJS, clientMsp, requireBpjs, requireOwnCode, requireWorkstation } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { implicitCollection } from '../lib/collections';
import { fail } from '../lib/errors';
import { requirePatientReader } from '../lib/scope';
import { KEY, entityKey, getEntity, getJson, indexForPatient, mustGetEntity, putJson } from '../lib/store';
import { saltedTransient } from '../lib/transient';
import { arg, parseIntent } from '../lib/validate';
import { runWrite } from '../lib/write';
import { VisitRecord } from './visit';

export type ClaimStatus = 'SUBMITTED' | 'APPROVED' | 'REJECTED';

interface ClaimRecord {
  docType: 'Claim';
  claimId: string;
  visitId: string;
  noKartu: string;
  amount: number;
  kdPPK: string;
  status: ClaimStatus;
  submitterMsp: string;
  /**
   * Approve/Reject with remarks: sha256 hex of the private detail `{remarks, salt}`, which BPJS's and the submitter
   * org's implicit collections hold (`collections`); the remarks never reach public state.
   */
  detailHash?: string;
  collections?: string[];
  decidedByMsp?: string;
  decidedAt?: string;
  createdAt: string;
  updatedAt: string;
}

interface SubmitIntent { claimId: string; visitId: string; noKartu: string; amount: number; kdPPK: string }
interface DecideIntent { requestId: string; claimId: string; detailHash?: string }

const decoder = new TextDecoder();

@Info({ title: 'Claim', description: 'Claims: submitted by the facility, decided by BPJS' })
export class ClaimContract extends FaskesContract {
  constructor() {
    super('Claim');
  }

  /**
   * kdPPK must be the caller's faskes code (certificate attribute). Links the claim into the Visit record, whose key
   * carries AND(BPJSMSP.peer, <visit org>.peer) since Visit:Record: so a submit is valid only with BPJS's and the
   * faskes org's endorsement. Also sets that policy (BPJS AND submitter) on the claim key: approve/reject need both.
   */
  @Transaction()
  @Returns('string')
  async Submit(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<SubmitIntent>(intentJson, {
      claimId: { kind: 'id' }, visitId: { kind: 'id' }, noKartu: { kind: 'noKartu' },
      amount: { kind: 'amount' }, kdPPK: { kind: 'code' },
    });
    const ws = requireWorkstation(ctx, 'submit claims');
    requireOwnCode(ws, 'kdPPK', intent.kdPPK);
    const msp = ws.msp;
    return runWrite(ctx, {
      contract: 'Claim', action: 'Submit', idemId: intent.claimId, intent,
      apply: async (t) => {
        if (await getEntity(ctx, 'Claim', intent.claimId)) fail('CONFLICT', `claim ${intent.claimId} already exists`);
        const visit = await mustGetEntity<VisitRecord>(ctx, 'Visit', intent.visitId);
        if (visit.noKartu !== intent.noKartu) fail('INVALID', `visit ${intent.visitId} belongs to another card`);
        if (visit.kdPPK !== intent.kdPPK) fail('INVALID', `visit ${intent.visitId} was recorded at PPK ${visit.kdPPK}`);
        if (visit.orgMsp !== msp) fail('FORBIDDEN', `visit ${intent.visitId} was recorded by ${visit.orgMsp}`);
        const byVisitKey = ctx.stub.createCompositeKey(KEY.claimByVisit, [intent.visitId]);
        const existing = await getJson<{ claimId: string }>(ctx, byVisitKey);
        if (existing) fail('STATE', `visit ${intent.visitId} already has claim ${existing.claimId}`);

        const claim: ClaimRecord = {
          docType: 'Claim', claimId: intent.claimId, visitId: intent.visitId, noKartu: intent.noKartu,
          amount: intent.amount, kdPPK: intent.kdPPK, status: 'SUBMITTED', submitterMsp: msp,
          createdAt: t.iso, updatedAt: t.iso,
        };
        const key = entityKey(ctx, 'Claim', claim.claimId);
        await putJson(ctx, key, claim);
        await putJson(ctx, byVisitKey, { claimId: claim.claimId });
        await putJson(ctx, entityKey(ctx, 'Visit', visit.visitId), { ...visit, claimId: claim.claimId, updatedAt: t.iso } satisfies VisitRecord);
        await indexForPatient(ctx, claim.noKartu, 'Claim', claim.claimId, t.sortKey, t.iso);
        const policy = new KeyEndorsementPolicy();
        policy.addOrgs('PEER', BPJS, msp);
        await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
        return {
          result: claim,
          touched: [
            { entityType: 'Claim', entityId: claim.claimId, status: claim.status },
            { entityType: 'Visit', entityId: visit.visitId, status: visit.status, action: 'LinkClaim' },
          ],
        };
      },
    });
  }

  /**
   * BPJS approves. Optional remarks as the salted transient `detail` = JSON `{remarks, salt}` with its sha256 as the
   * intent's `detailHash` (see `decide`).
   */
  @Transaction()
  @Returns('string')
  async Approve(ctx: Context, intentJson: string): Promise<string> {
    return this.decide(ctx, 'Approve', 'APPROVED', intentJson);
  }

  /** BPJS rejects: remarks required, as the salted transient `detail` (intent `detailHash`; see `decide`). */
  @Transaction()
  @Returns('string')
  async Reject(ctx: Context, intentJson: string): Promise<string> {
    return this.decide(ctx, 'Reject', 'REJECTED', intentJson);
  }

  @Transaction(false)
  @Returns('string')
  async Read(ctx: Context, claimId: string): Promise<string> {
    arg('claimId', claimId, 'id');
    const claim = await mustGetEntity<ClaimRecord>(ctx, 'Claim', claimId);
    await requirePatientReader(ctx, claim.noKartu, 'read this claim');
    return canonicalStringify(claim);
  }

  /**
   * The claim's private decision remarks (`{remarks, salt}`) verbatim, from the caller's own org's implicit
   * collection: for BPJS, or a workstation of the submitting faskes (FORBIDDEN otherwise); NOT_FOUND when the decision
   * had no remarks or this peer holds no copy. Evaluate it on a peer of the caller's org.
   */
  @Transaction(false)
  @Returns('string')
  async ReadDetail(ctx: Context, claimId: string): Promise<string> {
    arg('claimId', claimId, 'id');
    const claim = await mustGetEntity<ClaimRecord>(ctx, 'Claim', claimId);
    const msp = clientMsp(ctx);
    if (msp === BPJS) requireBpjs(ctx, 'read claim remarks');
    else {
      const ws = requireWorkstation(ctx, 'read claim remarks');
      if (ws.kdPPK !== claim.kdPPK) fail('FORBIDDEN', `faskes ${ws.kdPPK} did not submit claim ${claimId}`);
    }
    const collection = implicitCollection(msp);
    if (!claim.collections?.includes(collection)) fail('NOT_FOUND', `claim ${claimId} has no remarks for ${msp}`);
    const detail = await ctx.stub.getPrivateData(collection, entityKey(ctx, 'Claim', claimId));
    if (!detail || detail.length === 0) fail('NOT_FOUND', `remarks of claim ${claimId} are not on this peer (${collection})`);
    return decoder.decode(detail);
  }

  /**
   * Remarks are free text (often clinical: "diagnosis does not match the procedure"), and an intent is in every org's
   * blocks: so they travel as the salted transient `detail` `{remarks, salt}` (remarks 1-1000 chars), hashing to the
   * intent's `detailHash`, and are written to the implicit collections of BPJS and of the submitter's org. Both of
   * those peers endorse anyway (the claim key's policy), and each keeps its own copy. Reject needs them; an Approve
   * without `detailHash` has none.
   */
  private async decide(ctx: Context, action: 'Approve' | 'Reject', to: ClaimStatus, intentJson: string): Promise<string> {
    const intent = parseIntent<DecideIntent>(intentJson, {
      requestId: { kind: 'id' }, claimId: { kind: 'id' }, detailHash: { kind: 'sha256', optional: action === 'Approve' },
    });
    const msp = requireBpjs(ctx, `${action.toLowerCase()} claims`);
    return runWrite(ctx, {
      contract: 'Claim', action, idemId: intent.requestId, intent,
      apply: async (t) => {
        const claim = await mustGetEntity<ClaimRecord>(ctx, 'Claim', intent.claimId);
        if (claim.status !== 'SUBMITTED') fail('STATE', `claim ${claim.claimId} is already ${claim.status}`);
        const key = entityKey(ctx, 'Claim', claim.claimId);
        let remarks: Pick<ClaimRecord, 'detailHash' | 'collections'> = {};
        if (intent.detailHash !== undefined) {
          const detail = saltedTransient(ctx, 'detail', intent.detailHash, { remarks: { kind: 'text' } });
          const collections = [...new Set([BPJS, claim.submitterMsp])].map(implicitCollection);
          for (const c of collections) await ctx.stub.putPrivateData(c, key, detail);
          remarks = { detailHash: intent.detailHash, collections };
        }
        const next: ClaimRecord = { ...claim, status: to, ...remarks, decidedByMsp: msp, decidedAt: t.iso, updatedAt: t.iso };
        await putJson(ctx, key, next);
        return { result: next, touched: [{ entityType: 'Claim', entityId: claim.claimId, status: to }] };
      },
    });
  }
}
