import { Context } from 'fabric-contract-api';
import { canonicalStringify } from './canonical';
import { fail } from './errors';

export type EntityType = 'Card' | 'Visit' | 'Referral' | 'MedicalRecord' | 'Claim' | 'Correction';
export const ENTITY_TYPES: readonly EntityType[] = ['Card', 'Visit', 'Referral', 'MedicalRecord', 'Claim', 'Correction'];

/** Composite key namespaces (LevelDB: lookups are partial-composite-key scans, never rich queries). */
export const KEY = {
  /** patient~entity: [noKartu, entityType, txSortKey, entityId] -> {at}; per-patient index in tx-time order. */
  patientIndex: 'patient~entity',
  /** claim~visit: [visitId] -> {claimId}; one claim per visit. */
  claimByVisit: 'claim~visit',
  /** idem: [contract, id] -> {fn, hash, txId, result}. */
  idempotency: 'idem',
  /** audit~entity: [entityType, entityId, txSortKey, txId, seq] -> audit entry. */
  auditByEntity: 'audit~entity',
  /** audit~actor: [mspId, txSortKey, txId, seq] -> audit entry. */
  auditByActor: 'audit~actor',
} as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function entityKey(ctx: Context, type: EntityType, id: string): string {
  return ctx.stub.createCompositeKey(type, [id]);
}

export async function getJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return undefined;
  return JSON.parse(decoder.decode(bytes)) as T;
}

/** Stores canonical JSON and returns the exact string stored (results are returned verbatim). */
export async function putJson(ctx: Context, key: string, value: unknown): Promise<string> {
  const text = canonicalStringify(value);
  await ctx.stub.putState(key, encoder.encode(text));
  return text;
}

export async function getEntity<T>(ctx: Context, type: EntityType, id: string): Promise<T | undefined> {
  return getJson<T>(ctx, entityKey(ctx, type, id));
}

export async function mustGetEntity<T>(ctx: Context, type: EntityType, id: string): Promise<T> {
  const found = await getJson<T>(ctx, entityKey(ctx, type, id));
  if (found === undefined) fail('NOT_FOUND', `${type} ${id} does not exist`);
  return found;
}

export interface ScanRow<T> {
  attributes: string[];
  value: T;
}

/** Reads every row of a state iterator as parsed JSON with its key's attributes, and always closes it. */
async function readRows<T>(ctx: Context, iterator: Awaited<ReturnType<Context['stub']['getStateByPartialCompositeKey']>>): Promise<ScanRow<T>[]> {
  const rows: ScanRow<T>[] = [];
  try {
    for (;;) {
      const res = await iterator.next();
      if (res.value && res.value.key) {
        const { attributes } = ctx.stub.splitCompositeKey(res.value.key);
        rows.push({ attributes, value: JSON.parse(decoder.decode(res.value.value)) as T });
      }
      if (res.done) break;
    }
  } finally {
    await iterator.close();
  }
  return rows;
}

/** Collects a partial composite key scan (sorted by key on LevelDB) and always closes the iterator. */
export async function scan<T>(ctx: Context, objectType: string, attrs: string[]): Promise<ScanRow<T>[]> {
  return readRows<T>(ctx, await ctx.stub.getStateByPartialCompositeKey(objectType, attrs));
}

/** One page of a partial composite key scan and where the next page starts ('' when this was the last). */
export interface ScanPage<T> {
  rows: ScanRow<T>[];
  bookmark: string;
}

/**
 * Up to `pageSize` rows of a partial composite key scan, from `bookmark` on (empty: the first page). Fabric serves
 * paginated range queries only in a read-only (evaluated) transaction; the peer's bookmark is the next key to read.
 */
export async function scanPage<T>(ctx: Context, objectType: string, attrs: string[], pageSize: number, bookmark: string): Promise<ScanPage<T>> {
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(objectType, attrs, pageSize, bookmark);
  return { rows: await readRows<T>(ctx, iterator), bookmark: metadata.bookmark };
}

export async function indexForPatient(ctx: Context, noKartu: string, type: EntityType, id: string, sortKey: string, at: string): Promise<void> {
  await putJson(ctx, ctx.stub.createCompositeKey(KEY.patientIndex, [noKartu, type, sortKey, id]), { at });
}

export interface PatientEntry<T = unknown> {
  entityType: EntityType;
  entityId: string;
  at: string;
  sortKey: string;
  record: T;
}

type TimelineRow = Omit<PatientEntry, 'record'>;

/**
 * The links of a card in tx-time order, from the index keys alone (no record reads). Rows come grouped by type
 * (key order); they are merged into one timeline, ties broken on type then id so every peer returns the same order.
 */
export async function patientTimeline(ctx: Context, noKartu: string, type?: EntityType): Promise<TimelineRow[]> {
  const rows = (await scan<{ at: string }>(ctx, KEY.patientIndex, type ? [noKartu, type] : [noKartu])).map((row) => {
    const [, entityType, sortKey, entityId] = row.attributes as [string, EntityType, string, string];
    return { entityType, entityId, sortKey, at: row.value.at };
  });
  return rows.sort((a, b) =>
    a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 :
    a.entityType < b.entityType ? -1 : a.entityType > b.entityType ? 1 :
    a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0);
}

/** Timeline rows resolved to their current records (one read each). */
export async function resolveTimeline<T = unknown>(ctx: Context, rows: TimelineRow[]): Promise<PatientEntry<T>[]> {
  const out: PatientEntry<T>[] = [];
  for (const row of rows) {
    const record = await getEntity<T>(ctx, row.entityType, row.entityId);
    if (record !== undefined) out.push({ ...row, record });
  }
  return out;
}

/** Entities linked to a card number, resolved to their current records, in tx-time order. */
export async function listForPatient<T = unknown>(ctx: Context, noKartu: string, type?: EntityType): Promise<PatientEntry<T>[]> {
  return resolveTimeline<T>(ctx, await patientTimeline(ctx, noKartu, type));
}
