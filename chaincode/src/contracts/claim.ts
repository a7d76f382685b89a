import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { BPJS, requireBpjs, requireOwnCode, requireWorkstation } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { fail } from '../lib/errors';
import { requirePatientReader } from '../lib/scope';
import { KEY, entityKey, getEntity, getJson, indexForPatient, mustGetEntity, putJson } from '../lib/store';
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
  remarks?: string;
  decidedByMsp?: string;
  decidedAt?: string;
  createdAt: string;
  updatedAt: string;
}

interface SubmitIntent { claimId: string; visitId: string; noKartu: string; amount: number; kdPPK: string }
interface DecideIntent { requestId: string; claimId: string; remarks: string }

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

  @Transaction()
  @Returns('string')
  async Approve(ctx: Context, intentJson: string): Promise<string> {
    return this.decide(ctx, 'Approve', 'APPROVED', intentJson);
  }

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

  private async decide(ctx: Context, action: 'Approve' | 'Reject', to: ClaimStatus, intentJson: string): Promise<string> {
    const intent = parseIntent<DecideIntent>(intentJson, {
      requestId: { kind: 'id' }, claimId: { kind: 'id' }, remarks: { kind: action === 'Reject' ? 'text' : 'textOrEmpty' },
    });
    const msp = requireBpjs(ctx, `${action.toLowerCase()} claims`);
    return runWrite(ctx, {
      contract: 'Claim', action, idemId: intent.requestId, intent,
      apply: async (t) => {
        const claim = await mustGetEntity<ClaimRecord>(ctx, 'Claim', intent.claimId);
        if (claim.status !== 'SUBMITTED') fail('STATE', `claim ${claim.claimId} is already ${claim.status}`);
        const next: ClaimRecord = { ...claim, status: to, remarks: intent.remarks, decidedByMsp: msp, decidedAt: t.iso, updatedAt: t.iso };
        await putJson(ctx, entityKey(ctx, 'Claim', claim.claimId), next);
        return { result: next, touched: [{ entityType: 'Claim', entityId: claim.claimId, status: to }] };
      },
    });
  }
}
