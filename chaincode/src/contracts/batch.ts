import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { requireWorkstation } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { fail } from '../lib/errors';
import { stage } from '../lib/staged';
import { requireCurrentTxTime } from '../lib/txtime';
import { ClaimContract } from './claim';
import { MedicalRecordContract } from './medicalRecord';
import { ReferralContract } from './referral';
import { VisitContract } from './visit';

/** How many intents one Batch:Submit carries at most. */
export const MAX_BATCH_ITEMS = 100;
/** Largest batch argument (the intents; transient data travels apart): 100 items of a few hundred bytes fit easily. */
const MAX_BATCH_BYTES = 1024 * 1024;

/** The faskes writes a batch may carry; each runs exactly as the single function does, with its own rules. */
const visit = new VisitContract();
const referral = new ReferralContract();
const claim = new ClaimContract();
const record = new MedicalRecordContract();
const HANDLERS: Readonly<Record<string, (ctx: Context, intentJson: string) => Promise<string>>> = {
  'Visit:Record': (c, j) => visit.Record(c, j),
  'Visit:Correct': (c, j) => visit.Correct(c, j),
  'Referral:Create': (c, j) => referral.Create(c, j),
  'Claim:Submit': (c, j) => claim.Submit(c, j),
  'MedicalRecord:Anchor': (c, j) => record.Anchor(c, j),
};

interface BatchItem { fn: string; intent: Record<string, unknown> }

/** One item's outcome, in the order of the batch. */
type ItemResult =
  | { fn: string; ok: true; record: unknown; replayed: boolean }
  | { fn: string; ok: false; error: string };

const PREFIXED = /^(INVALID|FORBIDDEN|NOT_FOUND|CONFLICT|STATE|CLOCK): /;

function parseBatch(json: string): BatchItem[] {
  if (typeof json !== 'string' || json.length === 0) fail('INVALID', 'batch must be a JSON string');
  if (json.length > MAX_BATCH_BYTES) fail('INVALID', `batch is larger than ${MAX_BATCH_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return fail('INVALID', 'batch is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('INVALID', 'batch must be a JSON object');
  const { items, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) fail('INVALID', `unknown field ${Object.keys(rest)[0]}`);
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_ITEMS) fail('INVALID', `items must be an array of 1-${MAX_BATCH_ITEMS} intents`);
  return items.map((it: unknown, i) => {
    if (it === null || typeof it !== 'object' || Array.isArray(it)) fail('INVALID', `items[${i}] must be an object`);
    const { fn, intent, ...more } = it as Record<string, unknown>;
    if (Object.keys(more).length > 0) fail('INVALID', `unknown field items[${i}].${Object.keys(more)[0]}`);
    if (typeof fn !== 'string' || !HANDLERS[fn]) fail('INVALID', `items[${i}].fn must be one of ${Object.keys(HANDLERS).join(', ')}`);
    if (intent === null || typeof intent !== 'object' || Array.isArray(intent)) fail('INVALID', `items[${i}].intent must be an object`);
    return { fn, intent: intent as Record<string, unknown> };
  });
}

@Info({ title: 'Batch', description: 'Several faskes writes of one workstation in one transaction, each with its own result' })
export class BatchContract extends FaskesContract {
  constructor() {
    super('Batch');
  }

  /**
   * `{items: [{fn, intent}]}`: up to MAX_BATCH_ITEMS writes (`Visit:Record`, `Visit:Correct`, `Referral:Create`,
   * `Claim:Submit`, `MedicalRecord:Anchor`) of the calling workstation (certificate kdPPK), run in order, each through
   * the same function, checks and idempotency record as when sent alone. Item i's transient data arrives under
   * `<i>.<name>` (e.g. `0.detail`). A refused item (a prefixed chaincode error) leaves nothing behind and the others go
   * on; later items see what earlier ones wrote. A write to a key whose endorsement policy an earlier item set is
   * refused (`STATE:`): e.g. a claim of a visit recorded in the same batch (Fabric would check it against the state
   * before the batch, so BPJS's endorsement would not be needed). Any other failure fails the whole batch.
   * Returns `{results: [{fn, ok: true, record, replayed} | {fn, ok: false, error}]}` in item order; `replayed`: the
   * item was already on the ledger with the same intent (nothing written). Sets one event `Batch.Submit`
   * `{txId, events: [{name, payload}]}` with the event of each item that wrote, or none when nothing was written.
   */
  @Transaction()
  @Returns('string')
  async Submit(ctx: Context, batchJson: string): Promise<string> {
    requireCurrentTxTime(ctx);
    requireWorkstation(ctx, 'submit batches');
    const items = parseBatch(batchJson);
    const batch = stage(ctx.stub, { cacheReads: true });
    const results: ItemResult[] = [];
    const events: { name: string; payload: unknown }[] = [];
    const decoder = new TextDecoder();
    for (const [i, item] of items.entries()) {
      const layer = stage(batch.stub, { item: i, guard: batch });
      const itemCtx = Object.assign(Object.create(ctx) as Context, { stub: layer.stub });
      try {
        const out = await HANDLERS[item.fn](itemCtx, JSON.stringify(item.intent));
        await layer.commit();
        results.push({ fn: item.fn, ok: true, record: JSON.parse(out) as unknown, replayed: !layer.wrote });
        if (layer.event) events.push({ name: layer.event.name, payload: JSON.parse(decoder.decode(layer.event.payload)) as unknown });
      } catch (err) {
        // Only the chaincode's own refusals are an item's result; anything else (a peer or shim failure) is the batch's.
        if (!(err instanceof Error) || !PREFIXED.test(err.message)) throw err;
        results.push({ fn: item.fn, ok: false, error: err.message });
      }
    }
    await batch.commit();
    if (events.length > 0) {
      ctx.stub.setEvent('Batch.Submit', new TextEncoder().encode(canonicalStringify({ txId: ctx.stub.getTxID(), events })));
    }
    return canonicalStringify({ results });
  }
}
