import { Context } from 'fabric-contract-api';
import { EntityType, KEY, putJson, scan, scanPage } from './store';

export interface AuditEntry {
  entityType: EntityType;
  entityId: string;
  action: string;
  status: string;
  actorMsp: string;
  actorId: string;
  txId: string;
  timestamp: string;
  /** The idempotency key of the intent that caused this entry. */
  requestId: string;
}

/**
 * Each entry is written under two index keys (by entity, by actor) with the full entry as value,
 * so either listing is a single scan without a second lookup. seq keeps several entries of one tx apart (a number as
 * text, prefixed per item in a batch).
 */
export async function appendAudit(ctx: Context, entry: AuditEntry, sortKey: string, seq: string): Promise<void> {
  await putJson(ctx, ctx.stub.createCompositeKey(KEY.auditByEntity, [entry.entityType, entry.entityId, sortKey, entry.txId, seq]), entry);
  await putJson(ctx, ctx.stub.createCompositeKey(KEY.auditByActor, [entry.actorMsp, sortKey, entry.txId, seq]), entry);
}

export async function auditByEntity(ctx: Context, entityType: EntityType, entityId: string): Promise<AuditEntry[]> {
  return (await scan<AuditEntry>(ctx, KEY.auditByEntity, [entityType, entityId])).map((r) => r.value);
}

/**
 * One page of an org's audit trail in tx-time order: an org writes without end (a national hospital: thousands of
 * entries a day), so the trail is read page by page, never whole. `bookmark` '' = the first page; the answer's
 * bookmark '' = no more.
 */
export async function auditByActor(ctx: Context, mspId: string, pageSize: number, bookmark: string): Promise<{ entries: AuditEntry[]; bookmark: string }> {
  const page = await scanPage<AuditEntry>(ctx, KEY.auditByActor, [mspId], pageSize, bookmark);
  return { entries: page.rows.map((r) => r.value), bookmark: page.bookmark };
}
