import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { MEMBER_ORGS, reader } from '../lib/acl';
import { auditByActor, auditByEntity } from '../lib/audit';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { fail } from '../lib/errors';
import { ENTITY_TYPES, EntityType } from '../lib/store';
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

  @Transaction(false)
  @Returns('string')
  async ListByActor(ctx: Context, mspId: string): Promise<string> {
    if (!MEMBER_ORGS.includes(mspId)) fail('INVALID', `mspId must be one of ${MEMBER_ORGS.join(', ')}`);
    const who = reader(ctx, 'read the audit trail');
    if (!who.bpjs && mspId !== who.msp) fail('FORBIDDEN', `${who.msp} may read only its own audit trail`);
    return canonicalStringify(await auditByActor(ctx, mspId));
  }
}
