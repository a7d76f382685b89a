import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { MEMBER_ORGS, reader } from '../lib/acl';
import { auditByActor, auditByEntity } from '../lib/audit';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { fail } from '../lib/errors';
import { isoSortKey } from '../lib/txtime';
import { ENTITY_TYPES, EntityType, KEY } from '../lib/store';

/** Most audit entries in one ListByActor page (an evaluate answer stays well under gRPC's 4 MiB). */
const MAX_AUDIT_PAGE = 500;
import { arg } from '../lib/validate';

@Info({ title: 'Audit', description: 'Read-only audit trail (entries are appended by every write)' })
export class AuditContract extends FaskesContract {
  constructor() {
    super('Audit');
  }

  @Transaction(false)
  @Returns('string')
  async ListByEntity(ctx: Context, entityType: string, entityId: string): Promise<string> {
    if (!ENTITY_TYPES.includes(entityType as EntityType)) fail('INVALID', `entityType must be one of ${ENTITY_TYPES.join(', ')}`);
    // Card numbers are ids too (13 digits match the id pattern).
    arg('entityId', entityId, 'id');
    // An org reads its own audit trail only: the entity's entries written by its own identities (BPJS reads all).
    const who = reader(ctx, 'read the audit trail');
    const entries = await auditByEntity(ctx, entityType as EntityType, entityId);
    return canonicalStringify(who.bpjs ? entries : entries.filter((e) => e.actorMsp === who.msp));
  }

  /**
   * One page of `mspId`'s audit trail in tx-time order: `{entries, bookmark}`. The first call passes `from` (an ISO
   * time: entries at or after it; '' = from the start) and bookmark ''; the next page passes the answer's `bookmark`
   * ('' in the answer = no more; `from` is then ignored). `pageSize` 1-500: an org's whole trail grows without end
   * (a national hospital writes thousands of entries a day), so it is read page by page, never whole.
   */
  @Transaction(false)
  @Returns('string')
  async ListByActor(ctx: Context, mspId: string, from: string, pageSize: string, bookmark: string): Promise<string> {
    if (!MEMBER_ORGS.includes(mspId)) fail('INVALID', `mspId must be one of ${MEMBER_ORGS.join(', ')}`);
    const n = Number(pageSize);
    if (!Number.isInteger(n) || n < 1 || n > MAX_AUDIT_PAGE) fail('INVALID', `pageSize must be an integer from 1 to ${MAX_AUDIT_PAGE}`);
    const trail = ctx.stub.createCompositeKey(KEY.auditByActor, [mspId]);
    // A bookmark is a key of this org's index the peer handed back; any other key would read outside it.
    if (bookmark !== '' && !bookmark.startsWith(trail)) fail('INVALID', 'bookmark does not belong to this audit trail');
    const who = reader(ctx, 'read the audit trail');
    if (!who.bpjs && mspId !== who.msp) fail('FORBIDDEN', `${who.msp} may read only its own audit trail`);
    // Index keys are [msp, sortKey, txId, seq]; the key [msp, sortKey(from)] sorts just before every entry at or after it.
    const start = bookmark || (from === '' ? '' : ctx.stub.createCompositeKey(KEY.auditByActor, [mspId, isoSortKey(from)]));
    return canonicalStringify(await auditByActor(ctx, mspId, n, start));
  }
}
