import { Context } from 'fabric-contract-api';
import { clientId, clientMsp } from './acl';
import { appendAudit } from './audit';
import { canonicalStringify, sha256Hex } from './canonical';
import { fail } from './errors';
import { auditSeqPrefix } from './staged';
import { EntityType, KEY, getJson, putJson } from './store';
import { TxTime, requireCurrentTxTime, txTime } from './txtime';

/** One entity touched by a write; the first one is the write's subject (event + returned record). */
interface Touched {
  entityType: EntityType;
  entityId: string;
  status: string;
  /** Audit action for this entity; defaults to the write's action. */
  action?: string;
}

interface WriteOutcome {
  /** The stored public record returned to the client (and replayed on a duplicate intent). */
  result: unknown;
  touched: [Touched, ...Touched[]];
}

export interface WriteSpec {
  contract: string;
  action: string;
  /** Idempotency key: entity id for creations, requestId for transitions. */
  idemId: string;
  intent: unknown;
  apply: (t: TxTime, actorMsp: string) => Promise<WriteOutcome>;
}

interface IdemRecord {
  fn: string;
  hash: string;
  txId: string;
  result: string;
}

interface EventPayload {
  entityType: EntityType;
  entityId: string;
  action: string;
  status: string;
  actorMsp: string;
  txId: string;
  timestamp: string;
}

/**
 * The shared write path of every contract:
 * idempotency check -> business logic -> audit entries -> one event -> idempotency record.
 * A replay (same id, same intent hash, same function) only reads: it returns the stored result
 * and writes nothing, so it also emits no event and adds no audit entry.
 * Every write, a replay included, first needs a current proposal timestamp (`requireCurrentTxTime`, `CLOCK:`).
 */
export async function runWrite(ctx: Context, spec: WriteSpec): Promise<string> {
  requireCurrentTxTime(ctx);
  const hash = sha256Hex(canonicalStringify(spec.intent));
  const idemKey = ctx.stub.createCompositeKey(KEY.idempotency, [spec.contract, spec.idemId]);
  const previous = await getJson<IdemRecord>(ctx, idemKey);
  if (previous) {
    if (previous.fn !== spec.action) {
      fail('CONFLICT', `${spec.idemId} was already used for ${spec.contract}:${previous.fn}`);
    }
    if (previous.hash !== hash) {
      fail('CONFLICT', `${spec.idemId} was already used with a different ${spec.contract}:${spec.action} payload`);
    }
    return previous.result;
  }

  const t = txTime(ctx);
  const actorMsp = clientMsp(ctx);
  const actorId = clientId(ctx);
  const txId = ctx.stub.getTxID();
  const outcome = await spec.apply(t, actorMsp);

  // A batch item's entries get its own prefix (staged.ts): several writes share this txId.
  const seqPrefix = auditSeqPrefix(ctx);
  let seq = 0;
  for (const touched of outcome.touched) {
    await appendAudit(ctx, {
      entityType: touched.entityType,
      entityId: touched.entityId,
      action: touched.action ?? spec.action,
      status: touched.status,
      actorMsp,
      actorId,
      txId,
      timestamp: t.iso,
      requestId: spec.idemId,
    }, t.sortKey, `${seqPrefix}${seq++}`);
  }

  const subject = outcome.touched[0];
  const event: EventPayload = {
    entityType: subject.entityType,
    entityId: subject.entityId,
    action: spec.action,
    status: subject.status,
    actorMsp,
    txId,
    timestamp: t.iso,
  };
  ctx.stub.setEvent(`${spec.contract}.${spec.action}`, new TextEncoder().encode(canonicalStringify(event)));

  const result = canonicalStringify(outcome.result);
  await putJson(ctx, idemKey, { fn: spec.action, hash, txId, result } satisfies IdemRecord);
  return result;
}
