import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { BPJS, FACILITIES, PUSKESMAS, RS, clientMsp, requireMsp } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { fail } from '../lib/errors';
import { entityKey, getEntity, indexForPatient, listForPatient, mustGetEntity, putJson } from '../lib/store';
import { arg, parseIntent } from '../lib/validate';
import { runWrite } from '../lib/write';
import { CardRecord } from './card';
import { VisitRecord } from './visit';

type ReferralStatus = 'CREATED' | 'ACCEPTED' | 'COMPLETED' | 'CANCELLED';

interface ReferralNote {
  action: string;
  note: string;
  actorMsp: string;
  at: string;
}

interface ReferralRecord {
  docType: 'Referral';
  referralId: string;
  noKartu: string;
  visitId?: string;
  fromPPK: string;
  toPPK: string;
  reason: string;
  doctor: string;
  status: ReferralStatus;
  creatorMsp: string;
  /** Org of the receiving facility: may accept/complete (besides BPJS). */
  toMsp: string;
  notes: ReferralNote[];
  createdAt: string;
  updatedAt: string;
}

interface CreateIntent {
  referralId: string; noKartu: string; visitId?: string; fromPPK: string; toPPK: string;
  reason: string; doctor: string; toMsp?: string;
}
interface StepIntent { requestId: string; referralId: string; note?: string }

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
   */
  @Transaction()
  @Returns('string')
  async Create(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<CreateIntent>(intentJson, {
      referralId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, visitId: { kind: 'id', optional: true },
      fromPPK: { kind: 'code' }, toPPK: { kind: 'code' }, reason: { kind: 'text' }, doctor: { kind: 'text', max: 200 },
      toMsp: { kind: 'msp', optional: true },
    }, [RS, PUSKESMAS]);
    if (intent.fromPPK === intent.toPPK) fail('INVALID', 'fromPPK and toPPK must differ');
    const msp = requireMsp(ctx, FACILITIES, 'create referrals');
    return runWrite(ctx, {
      contract: 'Referral', action: 'Create', idemId: intent.referralId, intent,
      apply: async (t) => {
        if (await getEntity(ctx, 'Referral', intent.referralId)) fail('CONFLICT', `referral ${intent.referralId} already exists`);
        const card = await mustGetEntity<CardRecord>(ctx, 'Card', intent.noKartu);
        if (card.status !== 'ACTIVE') fail('STATE', `card ${intent.noKartu} is ${card.status}`);
        if (intent.visitId !== undefined) {
          const visit = await mustGetEntity<VisitRecord>(ctx, 'Visit', intent.visitId);
          if (visit.noKartu !== intent.noKartu) fail('INVALID', `visit ${intent.visitId} belongs to another card`);
        }
        const referral: ReferralRecord = {
          docType: 'Referral', referralId: intent.referralId, noKartu: intent.noKartu, visitId: intent.visitId,
          fromPPK: intent.fromPPK, toPPK: intent.toPPK, reason: intent.reason, doctor: intent.doctor,
          status: 'CREATED', creatorMsp: msp, toMsp: intent.toMsp ?? RS, notes: [], createdAt: t.iso, updatedAt: t.iso,
        };
        await putJson(ctx, entityKey(ctx, 'Referral', referral.referralId), referral);
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
    return canonicalStringify(await mustGetEntity<ReferralRecord>(ctx, 'Referral', referralId));
  }

  @Transaction(false)
  @Returns('string')
  async ListByPatient(ctx: Context, noKartu: string): Promise<string> {
    arg('noKartu', noKartu, 'noKartu');
    return canonicalStringify((await listForPatient<ReferralRecord>(ctx, noKartu, 'Referral')).map((e) => e.record));
  }

  private async step(ctx: Context, action: keyof typeof STEPS, intentJson: string): Promise<string> {
    const intent = parseIntent<StepIntent>(intentJson, {
      requestId: { kind: 'id' }, referralId: { kind: 'id' }, note: { kind: 'textOrEmpty', optional: true },
    });
    const rule = STEPS[action];
    const msp = requireMsp(ctx, rule.actor === 'creator' ? FACILITIES : [BPJS, ...FACILITIES], `${action.toLowerCase()} referrals`);
    return runWrite(ctx, {
      contract: 'Referral', action, idemId: intent.requestId, intent,
      apply: async (t) => {
        const ref = await mustGetEntity<ReferralRecord>(ctx, 'Referral', intent.referralId);
        const allowed = rule.actor === 'creator' ? [ref.creatorMsp] : [ref.toMsp, BPJS];
        if (!allowed.includes(msp)) fail('FORBIDDEN', `${clientMsp(ctx)} may not ${action} referral ${ref.referralId} (allowed: ${allowed.join(', ')})`);
        if (!rule.from.includes(ref.status)) fail('STATE', `referral ${ref.referralId} is ${ref.status}; ${action} needs ${rule.from.join(' or ')}`);
        const notes = intent.note ? [...ref.notes, { action, note: intent.note, actorMsp: msp, at: t.iso }] : ref.notes;
        const next: ReferralRecord = { ...ref, status: rule.to, notes, updatedAt: t.iso };
        await putJson(ctx, entityKey(ctx, 'Referral', ref.referralId), next);
        return { result: next, touched: [{ entityType: 'Referral', entityId: ref.referralId, status: next.status }] };
      },
    });
  }
}
