import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { BPJS, requireBpjs } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { BPJS_PESERTA } from '../lib/collections';
import { fail } from '../lib/errors';
import { entityKey, getEntity, indexForPatient, mustGetEntity, putJson } from '../lib/store';
import { checkSalt, saltedTransient } from '../lib/transient';
import { arg, checkField, parseIntent } from '../lib/validate';
import { runWrite } from '../lib/write';

export type CardStatus = 'ACTIVE' | 'SUSPENDED' | 'REPLACED';

/**
 * The public card: no holder data, no membership type and no status reason (those are in the BPJS-only collection
 * `bpjsPeserta`). The membership type (jnsPeserta, e.g. "PBI (APBN)": the state pays the premium, a sign of poverty)
 * is personal, so it travels in the salted transient `holder` too.
 */
export interface CardRecord {
  docType: 'Card';
  noKartu: string;
  kdProviderPst: string;
  status: CardStatus;
  replacedBy?: string;
  replaces?: string;
  issuerMsp: string;
  createdAt: string;
  updatedAt: string;
}

interface IssueIntent { noKartu: string; kdProviderPst: string }
interface ReplaceIntent { requestId: string; noKartu: string; newNoKartu: string }
interface SuspendIntent { requestId: string; noKartu: string; detailHash: string }
interface ReactivateIntent { requestId: string; noKartu: string }

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The transient `holder`: JSON `{holderHash, jnsPeserta?, salt}` (holderHash = HMAC-SHA256 hex of the holder's NIK under
 * a key only BPJS holds, so the second endorsing peer cannot test NIKs against it; jnsPeserta the membership type, at
 * most 100 chars; salt >= 16 random bytes as hex), stored verbatim in `bpjsPeserta`. Fabric puts sha256(value) of
 * every private write into the block; the salt keeps that hash from being matched against candidate NIKs.
 */
function transientHolder(ctx: Context): Uint8Array {
  const bytes = ctx.stub.getTransient().get('holder');
  if (!bytes || bytes.length === 0) fail('INVALID', 'transient map key "holder" is required');
  if (bytes.length > 4096) fail('INVALID', 'transient holder is larger than 4 KiB');
  let holder: unknown;
  try {
    holder = JSON.parse(decoder.decode(bytes));
  } catch {
    fail('INVALID', 'transient holder is not valid JSON');
  }
  if (holder === null || typeof holder !== 'object' || Array.isArray(holder)) fail('INVALID', 'transient holder must be a JSON object');
  const { holderHash, jnsPeserta, salt, ...rest } = holder as Record<string, unknown>;
  if (Object.keys(rest).length > 0) fail('INVALID', `unknown field holder.${Object.keys(rest)[0]}`);
  checkField('holder.holderHash', holderHash, { kind: 'sha256' });
  if (jnsPeserta !== undefined) checkField('holder.jnsPeserta', jnsPeserta, { kind: 'text', max: 100 });
  checkSalt(salt, 'holder');
  return bytes;
}

/** Public card keys may only change with BPJS's peer endorsing (state-based endorsement). */
async function bpjsOnlyKey(ctx: Context, key: string): Promise<void> {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', BPJS);
  await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}

/**
 * A card event in the BPJS-only collection: every card write touches bpjsPeserta, whose policy needs BPJS's peer.
 * `event` is the stored value: an object (canonical JSON; only public facts such as the action and the new card
 * number) or the verbatim bytes of a salted transient (a suspension's reason).
 */
async function privateCardEvent(ctx: Context, noKartu: string, requestId: string, event: Record<string, string> | Uint8Array): Promise<void> {
  const value = event instanceof Uint8Array ? event : encoder.encode(canonicalStringify(event));
  await ctx.stub.putPrivateData(BPJS_PESERTA, ctx.stub.createCompositeKey('CardEvent', [noKartu, requestId]), value);
}

@Info({ title: 'Card', description: 'Digital BPJS card lifecycle (writes: BPJS only)' })
export class CardContract extends FaskesContract {
  constructor() {
    super('Card');
  }

  @Transaction()
  @Returns('string')
  async Issue(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<IssueIntent>(intentJson, {
      noKartu: { kind: 'noKartu' },
      kdProviderPst: { kind: 'code' },
    });
    requireBpjs(ctx, 'issue cards');
    return runWrite(ctx, {
      contract: 'Card', action: 'Issue', idemId: intent.noKartu, intent,
      apply: async (t, actorMsp) => {
        if (await getEntity(ctx, 'Card', intent.noKartu)) fail('CONFLICT', `card ${intent.noKartu} already exists`);
        const holder = transientHolder(ctx);
        const card: CardRecord = {
          docType: 'Card', noKartu: intent.noKartu,
          kdProviderPst: intent.kdProviderPst, status: 'ACTIVE',
          issuerMsp: actorMsp, createdAt: t.iso, updatedAt: t.iso,
        };
        const key = entityKey(ctx, 'Card', card.noKartu);
        await putJson(ctx, key, card);
        await bpjsOnlyKey(ctx, key);
        await ctx.stub.putPrivateData(BPJS_PESERTA, key, holder);
        await indexForPatient(ctx, card.noKartu, 'Card', card.noKartu, t.sortKey, t.iso);
        return { result: card, touched: [{ entityType: 'Card', entityId: card.noKartu, status: card.status }] };
      },
    });
  }

  /**
   * Old card -> REPLACED (replacedBy = new), new card ACTIVE with the same holder. Returns the old card. The holder
   * data (and membership type) stays under the old number in bpjsPeserta (endorsers that are not BPJS cannot read it,
   * so it is not copied); the new card's `replaces` leads to it.
   */
  @Transaction()
  @Returns('string')
  async Replace(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<ReplaceIntent>(intentJson, {
      requestId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, newNoKartu: { kind: 'noKartu' },
    });
    if (intent.noKartu === intent.newNoKartu) fail('INVALID', 'newNoKartu must differ from noKartu');
    requireBpjs(ctx, 'replace cards');
    return runWrite(ctx, {
      contract: 'Card', action: 'Replace', idemId: intent.requestId, intent,
      apply: async (t, actorMsp) => {
        const old = await mustGetEntity<CardRecord>(ctx, 'Card', intent.noKartu);
        if (old.status === 'REPLACED') fail('STATE', `card ${old.noKartu} was already replaced by ${old.replacedBy}`);
        if (await getEntity(ctx, 'Card', intent.newNoKartu)) fail('CONFLICT', `card ${intent.newNoKartu} already exists`);
        const replaced: CardRecord = { ...old, status: 'REPLACED', replacedBy: intent.newNoKartu, updatedAt: t.iso };
        const fresh: CardRecord = {
          docType: 'Card', noKartu: intent.newNoKartu, kdProviderPst: old.kdProviderPst,
          status: 'ACTIVE', replaces: old.noKartu, issuerMsp: actorMsp,
          createdAt: t.iso, updatedAt: t.iso,
        };
        await putJson(ctx, entityKey(ctx, 'Card', replaced.noKartu), replaced);
        const freshKey = entityKey(ctx, 'Card', fresh.noKartu);
        await putJson(ctx, freshKey, fresh);
        await bpjsOnlyKey(ctx, freshKey);
        await privateCardEvent(ctx, old.noKartu, intent.requestId, { action: 'Replace', newNoKartu: fresh.noKartu });
        // Both numbers belong to the same holder: each number's history shows the other card.
        await indexForPatient(ctx, fresh.noKartu, 'Card', fresh.noKartu, t.sortKey, t.iso);
        await indexForPatient(ctx, old.noKartu, 'Card', fresh.noKartu, t.sortKey, t.iso);
        await indexForPatient(ctx, fresh.noKartu, 'Card', old.noKartu, t.sortKey, t.iso);
        return {
          result: replaced,
          touched: [
            { entityType: 'Card', entityId: replaced.noKartu, status: replaced.status },
            { entityType: 'Card', entityId: fresh.noKartu, status: fresh.status, action: 'IssueByReplace' },
          ],
        };
      },
    });
  }

  /**
   * The reason is private: transient `detail` = JSON `{reason, salt}` (reason 1-500 chars, salt 32-128 lowercase hex),
   * sha256 = the intent's `detailHash`, stored verbatim in bpjsPeserta under `CardEvent[noKartu, requestId]`. A
   * function argument is in every org's blocks, and a reason ("iuran menunggak", a death) is personal.
   */
  @Transaction()
  @Returns('string')
  async Suspend(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<SuspendIntent>(intentJson, {
      requestId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, detailHash: { kind: 'sha256' },
    });
    requireBpjs(ctx, 'suspend cards');
    return this.transition(ctx, 'Suspend', intent.requestId, intent, intent.noKartu, 'ACTIVE', 'SUSPENDED',
      () => saltedTransient(ctx, 'detail', intent.detailHash, { reason: { kind: 'text', max: 500 } }, 4096));
  }

  @Transaction()
  @Returns('string')
  async Reactivate(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<ReactivateIntent>(intentJson, { requestId: { kind: 'id' }, noKartu: { kind: 'noKartu' } });
    requireBpjs(ctx, 'reactivate cards');
    return this.transition(ctx, 'Reactivate', intent.requestId, intent, intent.noKartu, 'SUSPENDED', 'ACTIVE', undefined);
  }

  @Transaction(false)
  @Returns('string')
  async ReadStatus(ctx: Context, noKartu: string): Promise<string> {
    arg('noKartu', noKartu, 'noKartu');
    const card = await mustGetEntity<CardRecord>(ctx, 'Card', noKartu);
    return canonicalStringify({ noKartu: card.noKartu, status: card.status, replacedBy: card.replacedBy, updatedAt: card.updatedAt });
  }

  private async transition(ctx: Context, action: string, requestId: string, intent: unknown, noKartu: string,
    from: CardStatus, to: CardStatus, detail: (() => Uint8Array) | undefined): Promise<string> {
    return runWrite(ctx, {
      contract: 'Card', action, idemId: requestId, intent,
      apply: async (t) => {
        const card = await mustGetEntity<CardRecord>(ctx, 'Card', noKartu);
        if (card.status !== from) fail('STATE', `card ${noKartu} is ${card.status}; ${action} needs ${from}`);
        const next: CardRecord = { ...card, status: to, updatedAt: t.iso };
        await putJson(ctx, entityKey(ctx, 'Card', noKartu), next);
        await privateCardEvent(ctx, noKartu, requestId, detail === undefined ? { action } : detail());
        return { result: next, touched: [{ entityType: 'Card', entityId: noKartu, status: to }] };
      },
    });
  }
}
