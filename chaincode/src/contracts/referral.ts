import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { BPJS, PUSKESMAS, RS, clientMsp, requireBpjs, requireOwnCode, requireWorkstation, type Workstation } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { implicitCollection } from '../lib/collections';
import { fail } from '../lib/errors';
import { requirePatientReader } from '../lib/scope';
import { entityKey, getEntity, indexForPatient, listForPatient, mustGetEntity, putJson } from '../lib/store';
import { saltedTransient } from '../lib/transient';
import { arg, parseIntent } from '../lib/validate';
import { runWrite } from '../lib/write';
import { CardRecord } from './card';
import { VisitRecord } from './visit';

type ReferralStatus = 'CREATED' | 'ACCEPTED' | 'COMPLETED' | 'CANCELLED';

interface ReferralRecord {
  docType: 'Referral';
  referralId: string;
  noKartu: string;
  visitId?: string;
  fromPPK: string;
  toPPK: string;
  /** sha256 hex of the private detail `{reason, doctor, salt}`; reason and doctor never reach public state. */
  detailHash: string;
  status: ReferralStatus;
  creatorMsp: string;
  /** Org of the receiving facility: may accept/complete (besides BPJS). */
  toMsp: string;
  /** The implicit org collections holding the detail: the creator's, the receiver's and BPJS's (each org its copy). */
  collections: string[];
  createdAt: string;
  updatedAt: string;
}

interface CreateIntent {
  referralId: string; noKartu: string; visitId?: string; fromPPK: string; toPPK: string; detailHash: string; toMsp?: string;
}
interface StepIntent { requestId: string; referralId: string }

const decoder = new TextDecoder();

/**
 * The transient `detail`: JSON `{reason, doctor, salt}` (reason 1-1000 chars, doctor 1-200, salt 32-128 lowercase
 * hex: Fabric writes sha256 of each private value into the block, and a short reason and a doctor's name could
 * otherwise be guessed from it), hashing to the intent's `detailHash`. Returned verbatim for the private write.
 */
function referralDetail(ctx: Context, detailHash: string): Uint8Array {
  return saltedTransient(ctx, 'detail', detailHash, { reason: { kind: 'text' }, doctor: { kind: 'text', max: 200 } });
}

/** Allowed source states and actor rule per step. */
const STEPS: Record<'Accept' | 'Complete' | 'Cancel', { from: ReferralStatus[]; to: ReferralStatus; actor: 'receiver' | 'creator' }> = {
  Accept: { from: ['CREATED'], to: 'ACCEPTED', actor: 'receiver' },
  Complete: { from: ['ACCEPTED'], to: 'COMPLETED', actor: 'receiver' },
  Cancel: { from: ['CREATED', 'ACCEPTED'], to: 'CANCELLED', actor: 'creator' },
};

@Info({ title: 'Referral', description: 'Rujukan berjenjang: create, accept, complete, cancel' })
export class ReferralContract extends FaskesContract {
  constructor() {
    super('Referral');
  }

  /**
   * toMsp (optional extension of the API) names the receiving org. Default RSMSP: referrals go up
   * to a hospital; a back-referral (rujuk balik) to a Puskesmas must say toMsp = PuskesmasMSP.
   * fromPPK must be the caller's faskes code (certificate attribute kdPPK). Transient `detail` ({reason, doctor,
   * salt}) goes to the implicit collections of the creator's org, the receiving org and BPJS: each of those orgs'
   * peers must endorse (a write to an org's implicit collection needs that org's endorsement), which is also how
   * every one of them gets its copy.
   */
  @Transaction()
  @Returns('string')
  async Create(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<CreateIntent>(intentJson, {
      referralId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, visitId: { kind: 'id', optional: true },
      fromPPK: { kind: 'code' }, toPPK: { kind: 'code' }, detailHash: { kind: 'sha256' },
      toMsp: { kind: 'msp', optional: true },
    }, [RS, PUSKESMAS]);
    if (intent.fromPPK === intent.toPPK) fail('INVALID', 'fromPPK and toPPK must differ');
    const ws = requireWorkstation(ctx, 'create referrals');
    requireOwnCode(ws, 'fromPPK', intent.fromPPK);
    const msp = ws.msp;
    return runWrite(ctx, {
      contract: 'Referral', action: 'Create', idemId: intent.referralId, intent,
      apply: async (t) => {
        const detail = referralDetail(ctx, intent.detailHash);
        if (await getEntity(ctx, 'Referral', intent.referralId)) fail('CONFLICT', `referral ${intent.referralId} already exists`);
        const card = await mustGetEntity<CardRecord>(ctx, 'Card', intent.noKartu);
        if (card.status !== 'ACTIVE') fail('STATE', `card ${intent.noKartu} is ${card.status}`);
        if (intent.visitId !== undefined) {
          const visit = await mustGetEntity<VisitRecord>(ctx, 'Visit', intent.visitId);
          if (visit.noKartu !== intent.noKartu) fail('INVALID', `visit ${intent.visitId} belongs to another card`);
        }
        const toMsp = intent.toMsp ?? RS;
        const collections = [...new Set([msp, toMsp, BPJS])].map(implicitCollection);
        const referral: ReferralRecord = {
          docType: 'Referral', referralId: intent.referralId, noKartu: intent.noKartu, visitId: intent.visitId,
          fromPPK: intent.fromPPK, toPPK: intent.toPPK, detailHash: intent.detailHash,
          status: 'CREATED', creatorMsp: msp, toMsp, collections, createdAt: t.iso, updatedAt: t.iso,
        };
        const key = entityKey(ctx, 'Referral', referral.referralId);
        await putJson(ctx, key, referral);
        for (const c of collections) await ctx.stub.putPrivateData(c, key, detail);
        await indexForPatient(ctx, referral.noKartu, 'Referral', referral.referralId, t.sortKey, t.iso);
        return { result: referral, touched: [{ entityType: 'Referral', entityId: referral.referralId, status: referral.status }] };
      },
    });
  }

  @Transaction()
  @Returns('string')
  async Accept(ctx: Context, intentJson: string): Promise<string> {
    return this.step(ctx, 'Accept', intentJson);
  }

  @Transaction()
  @Returns('string')
  async Complete(ctx: Context, intentJson: string): Promise<string> {
    return this.step(ctx, 'Complete', intentJson);
  }

  @Transaction()
  @Returns('string')
  async Cancel(ctx: Context, intentJson: string): Promise<string> {
    return this.step(ctx, 'Cancel', intentJson);
  }

  @Transaction(false)
  @Returns('string')
  async Read(ctx: Context, referralId: string): Promise<string> {
    arg('referralId', referralId, 'id');
    const ref = await mustGetEntity<ReferralRecord>(ctx, 'Referral', referralId);
    await requirePatientReader(ctx, ref.noKartu, 'read this referral');
    return canonicalStringify(ref);
  }

  /**
   * The referral's private detail bytes (`{reason, doctor, salt}`) verbatim, from the caller's own org's implicit
   * collection: for BPJS, or a workstation of the referring or the receiving faskes (FORBIDDEN otherwise); evaluate it
   * on a peer of the caller's org (NOT_FOUND when that peer has no copy).
   */
  @Transaction(false)
  @Returns('string')
  async ReadDetail(ctx: Context, referralId: string): Promise<string> {
    arg('referralId', referralId, 'id');
    const ref = await mustGetEntity<ReferralRecord>(ctx, 'Referral', referralId);
    const msp = clientMsp(ctx);
    if (msp === BPJS) requireBpjs(ctx, 'read referral details');
    else {
      const ws = requireWorkstation(ctx, 'read referral details');
      if (![ref.fromPPK, ref.toPPK].includes(ws.kdPPK)) fail('FORBIDDEN', `faskes ${ws.kdPPK} is neither the referring nor the receiving faskes of ${referralId}`);
    }
    const collection = implicitCollection(msp);
    if (!ref.collections.includes(collection)) fail('FORBIDDEN', `${msp} holds no copy of referral ${referralId}'s detail`);
    const detail = await ctx.stub.getPrivateData(collection, entityKey(ctx, 'Referral', referralId));
    if (!detail || detail.length === 0) fail('NOT_FOUND', `detail of referral ${referralId} is not on this peer (${collection})`);
    return decoder.decode(detail);
  }

  @Transaction(false)
  @Returns('string')
  async ListByPatient(ctx: Context, noKartu: string): Promise<string> {
    arg('noKartu', noKartu, 'noKartu');
    await requirePatientReader(ctx, noKartu, 'list this patient\'s referrals');
    return canonicalStringify((await listForPatient<ReferralRecord>(ctx, noKartu, 'Referral')).map((e) => e.record));
  }

  private async step(ctx: Context, action: keyof typeof STEPS, intentJson: string): Promise<string> {
    const intent = parseIntent<StepIntent>(intentJson, { requestId: { kind: 'id' }, referralId: { kind: 'id' } });
    const rule = STEPS[action];
    const what = `${action.toLowerCase()} referrals`;
    // The receiver's steps: BPJS, or a workstation of the receiving faskes; Cancel: a workstation of the referring one.
    let ws: Workstation | undefined;
    if (rule.actor === 'receiver' && clientMsp(ctx) === BPJS) requireBpjs(ctx, what);
    else ws = requireWorkstation(ctx, what);
    return runWrite(ctx, {
      contract: 'Referral', action, idemId: intent.requestId, intent,
      apply: async (t) => {
        const ref = await mustGetEntity<ReferralRecord>(ctx, 'Referral', intent.referralId);
        if (ws) {
          const [org, code, field] = rule.actor === 'creator' ? [ref.creatorMsp, ref.fromPPK, 'fromPPK'] : [ref.toMsp, ref.toPPK, 'toPPK'];
          if (ws.msp !== org) fail('FORBIDDEN', `${ws.msp} may not ${action} referral ${ref.referralId} (its ${field} belongs to ${org})`);
          requireOwnCode(ws, `referral ${ref.referralId} ${field}`, code);
        }
        if (!rule.from.includes(ref.status)) fail('STATE', `referral ${ref.referralId} is ${ref.status}; ${action} needs ${rule.from.join(' or ')}`);
        const next: ReferralRecord = { ...ref, status: rule.to, updatedAt: t.iso };
        await putJson(ctx, entityKey(ctx, 'Referral', ref.referralId), next);
        return { result: next, touched: [{ entityType: 'Referral', entityId: ref.referralId, status: next.status }] };
      },
    });
  }
}
