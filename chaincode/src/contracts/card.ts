import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { BPJS, requireMsp } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { fail } from '../lib/errors';
import { entityKey, getEntity, indexForPatient, mustGetEntity, putJson } from '../lib/store';
import { arg, parseIntent } from '../lib/validate';
import { runWrite } from '../lib/write';

export type CardStatus = 'ACTIVE' | 'SUSPENDED' | 'REPLACED';

export interface CardRecord {
  docType: 'Card';
  noKartu: string;
  holderHash: string;
  kdProviderPst: string;
  jnsPeserta: string;
  status: CardStatus;
  replacedBy?: string;
  replaces?: string;
  statusReason?: string;
  issuerMsp: string;
  createdAt: string;
  updatedAt: string;
}

interface IssueIntent { noKartu: string; holderHash: string; kdProviderPst: string; jnsPeserta: string }
interface ReplaceIntent { requestId: string; noKartu: string; newNoKartu: string }
interface SuspendIntent { requestId: string; noKartu: string; reason: string }
interface ReactivateIntent { requestId: string; noKartu: string }

const WRITERS = [BPJS];

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
      holderHash: { kind: 'sha256' },
      kdProviderPst: { kind: 'code' },
      jnsPeserta: { kind: 'text', max: 100 },
    });
    requireMsp(ctx, WRITERS, 'issue cards');
    return runWrite(ctx, {
      contract: 'Card', action: 'Issue', idemId: intent.noKartu, intent,
      apply: async (t, actorMsp) => {
        if (await getEntity(ctx, 'Card', intent.noKartu)) fail('CONFLICT', `card ${intent.noKartu} already exists`);
        const card: CardRecord = {
          docType: 'Card', noKartu: intent.noKartu, holderHash: intent.holderHash,
          kdProviderPst: intent.kdProviderPst, jnsPeserta: intent.jnsPeserta, status: 'ACTIVE',
          issuerMsp: actorMsp, createdAt: t.iso, updatedAt: t.iso,
        };
        await putJson(ctx, entityKey(ctx, 'Card', card.noKartu), card);
        await indexForPatient(ctx, card.noKartu, 'Card', card.noKartu, t.sortKey, t.iso);
        return { result: card, touched: [{ entityType: 'Card', entityId: card.noKartu, status: card.status }] };
      },
    });
  }

  /** Old card -> REPLACED (replacedBy = new), new card ACTIVE with the same holder. Returns the old card. */
  @Transaction()
  @Returns('string')
  async Replace(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<ReplaceIntent>(intentJson, {
      requestId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, newNoKartu: { kind: 'noKartu' },
    });
    if (intent.noKartu === intent.newNoKartu) fail('INVALID', 'newNoKartu must differ from noKartu');
    requireMsp(ctx, WRITERS, 'replace cards');
    return runWrite(ctx, {
      contract: 'Card', action: 'Replace', idemId: intent.requestId, intent,
      apply: async (t, actorMsp) => {
        const old = await mustGetEntity<CardRecord>(ctx, 'Card', intent.noKartu);
        if (old.status === 'REPLACED') fail('STATE', `card ${old.noKartu} was already replaced by ${old.replacedBy}`);
        if (await getEntity(ctx, 'Card', intent.newNoKartu)) fail('CONFLICT', `card ${intent.newNoKartu} already exists`);
        const replaced: CardRecord = { ...old, status: 'REPLACED', replacedBy: intent.newNoKartu, updatedAt: t.iso };
        const fresh: CardRecord = {
          docType: 'Card', noKartu: intent.newNoKartu, holderHash: old.holderHash, kdProviderPst: old.kdProviderPst,
          jnsPeserta: old.jnsPeserta, status: 'ACTIVE', replaces: old.noKartu, issuerMsp: actorMsp,
          createdAt: t.iso, updatedAt: t.iso,
        };
        await putJson(ctx, entityKey(ctx, 'Card', replaced.noKartu), replaced);
        await putJson(ctx, entityKey(ctx, 'Card', fresh.noKartu), fresh);
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

  @Transaction()
  @Returns('string')
  async Suspend(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<SuspendIntent>(intentJson, {
      requestId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, reason: { kind: 'text', max: 500 },
    });
    requireMsp(ctx, WRITERS, 'suspend cards');
    return this.transition(ctx, 'Suspend', intent.requestId, intent, intent.noKartu, 'ACTIVE', 'SUSPENDED', intent.reason);
  }

  @Transaction()
  @Returns('string')
  async Reactivate(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<ReactivateIntent>(intentJson, { requestId: { kind: 'id' }, noKartu: { kind: 'noKartu' } });
    requireMsp(ctx, WRITERS, 'reactivate cards');
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
    from: CardStatus, to: CardStatus, reason: string | undefined): Promise<string> {
    return runWrite(ctx, {
      contract: 'Card', action, idemId: requestId, intent,
      apply: async (t) => {
        const card = await mustGetEntity<CardRecord>(ctx, 'Card', noKartu);
        if (card.status !== from) fail('STATE', `card ${noKartu} is ${card.status}; ${action} needs ${from}`);
        const next: CardRecord = { ...card, status: to, statusReason: reason, updatedAt: t.iso };
        await putJson(ctx, entityKey(ctx, 'Card', noKartu), next);
        return { result: next, touched: [{ entityType: 'Card', entityId: noKartu, status: to }] };
      },
    });
  }
}
