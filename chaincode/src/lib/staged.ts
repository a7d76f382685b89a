import { Context } from 'fabric-contract-api';
import { ChaincodeStub } from 'fabric-shim';
import { fail } from './errors';

/**
 * A write layer over a chaincode stub, for running several intents in one Fabric transaction (Batch:Submit).
 *
 * Why: within one transaction the peer's `getState` does not see the same transaction's own puts (no read-your-writes),
 * and only the last `setEvent` survives. A batch item must see what earlier items of the batch wrote (a second intent
 * with the same id is then a replay or a CONFLICT, as it would be in a later transaction), and a failed item must leave
 * nothing behind. So every write goes into this layer's maps first; reads look here first, then below. `commit()`
 * hands the layer's writes to the layer below (the batch's layer, or the real stub at the end); a layer that is not
 * committed is simply dropped.
 *
 * Staged: public state (put/delete), private data (put/delete), key-level validation parameters, the event, and (for an
 * item) the transient map, narrowed to the item's own keys. Everything else (tx id, timestamp, composite keys,
 * private data hashes) is the real stub's.
 */
export interface Layer {
  /** The stub the contract code sees: a ChaincodeStub whose writes land in this layer. */
  readonly stub: ChaincodeStub;
  /** Whether anything was written into this layer (a replay writes nothing). */
  readonly wrote: boolean;
  /** The last event set in this layer, if any. */
  readonly event: { name: string; payload: Uint8Array } | undefined;
  /** True when this layer (not the committed state) set a validation parameter on `key`. */
  stagedValidation(key: string): boolean;
  /** Hands every staged write to the layer below, in order: state, private data, validation parameters. */
  commit(): Promise<void>;
}

export interface LayerOptions {
  /** The batch item's index: its transient keys are `<index>.<name>` and its audit entries are kept apart by it. */
  item?: number;
  /**
   * The batch layer this item runs on. A write to a key whose validation parameter an earlier item of the batch set is
   * refused (STATE): Fabric checks a key-level policy set in the same transaction against the state before it, so
   * such a write (a claim linking into a visit recorded in the same batch) would bypass the policy (BPJS's peer).
   */
  guard?: Layer;
  /**
   * Keep what `below` answered to getState: the batch layer sits on the real stub, whose state cannot change during
   * the transaction, and every read is a round trip to the peer (many items read the same Card key).
   */
  cacheReads?: boolean;
}

/** Marks an item stub with its batch item index (read by `auditSeqPrefix`). */
const ITEM_INDEX = Symbol('batchItemIndex');

type Bytes = Uint8Array;
interface KV { key: string; value: Bytes }
interface Iter { next(): Promise<{ value?: KV; done?: boolean }>; close(): Promise<void> }

const empty = (b: Bytes | undefined | null): boolean => !b || b.length === 0;

/** A write layer over `below` (see `Layer`). */
export function stage(below: ChaincodeStub, options: LayerOptions = {}): Layer {
  const state = new Map<string, Bytes | null>();
  const priv = new Map<string, Map<string, Bytes | null>>();
  const validation = new Map<string, Bytes>();
  const readCache = new Map<string, Bytes>();
  let event: { name: string; payload: Uint8Array } | undefined;
  let wrote = false;

  const guard = (key: string): void => {
    if (options.guard?.stagedValidation(key)) {
      fail('STATE', `${printable(key)} got its endorsement policy earlier in this batch; a write to it must go in a later transaction`);
    }
  };
  const privMap = (collection: string): Map<string, Bytes | null> => {
    let m = priv.get(collection);
    if (!m) priv.set(collection, (m = new Map()));
    return m;
  };

  const overrides: Partial<Record<keyof ChaincodeStub | typeof ITEM_INDEX, unknown>> = {
    async getState(key: string): Promise<Bytes> {
      if (state.has(key)) return state.get(key) ?? new Uint8Array();
      if (!options.cacheReads) return below.getState(key);
      let value = readCache.get(key);
      if (value === undefined) readCache.set(key, (value = await below.getState(key)));
      return value;
    },
    async putState(key: string, value: Bytes): Promise<void> {
      if (empty(value)) throw new Error(`empty value written to ${printable(key)}`);
      guard(key);
      state.set(key, value);
      wrote = true;
    },
    async deleteState(key: string): Promise<void> {
      guard(key);
      state.set(key, null);
      wrote = true;
    },
    async getPrivateData(collection: string, key: string): Promise<Bytes> {
      const m = priv.get(collection);
      if (m?.has(key)) return m.get(key) ?? new Uint8Array();
      return below.getPrivateData(collection, key);
    },
    async putPrivateData(collection: string, key: string, value: Bytes): Promise<void> {
      if (empty(value)) throw new Error('empty private value');
      privMap(collection).set(key, value);
      wrote = true;
    },
    async deletePrivateData(collection: string, key: string): Promise<void> {
      privMap(collection).set(key, null);
      wrote = true;
    },
    async getStateValidationParameter(key: string): Promise<Bytes> {
      return validation.get(key) ?? below.getStateValidationParameter(key);
    },
    async setStateValidationParameter(key: string, ep: Bytes): Promise<void> {
      validation.set(key, ep);
      wrote = true;
    },
    setEvent(name: string, payload: Uint8Array): void {
      event = { name, payload };
    },
    getTransient(): Map<string, Bytes> {
      const all = below.getTransient();
      if (options.item === undefined) return all;
      const prefix = `${options.item}.`;
      return new Map([...all].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    },
    /** Rows below merged with this layer's puts and deletes, in key order (LevelDB's). */
    async getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<Iter> {
      const prefix = below.createCompositeKey(objectType, attributes);
      const rows = new Map<string, Bytes>();
      const it = (await below.getStateByPartialCompositeKey(objectType, attributes)) as unknown as Iter;
      try {
        for (;;) {
          const r = await it.next();
          if (r.value?.key) rows.set(r.value.key, r.value.value);
          if (r.done) break;
        }
      } finally {
        await it.close();
      }
      for (const [k, v] of state) {
        if (!k.startsWith(prefix)) continue;
        if (v === null) rows.delete(k);
        else rows.set(k, v);
      }
      const sorted = [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      let i = 0;
      return {
        async next() {
          if (i < sorted.length) {
            const [key, value] = sorted[i++];
            return { value: { key, value }, done: false };
          }
          return { done: true };
        },
        async close() {},
      };
    },
    [ITEM_INDEX]: options.item,
  };

  const stub = new Proxy(below, {
    get(target, prop, receiver) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return overrides[prop as keyof typeof overrides];
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });

  return {
    stub,
    get wrote() {
      return wrote;
    },
    get event() {
      return event;
    },
    stagedValidation: (key) => validation.has(key),
    async commit() {
      for (const [k, v] of state) {
        if (v === null) await below.deleteState(k);
        else await below.putState(k, v);
      }
      for (const [c, m] of priv) {
        for (const [k, v] of m) {
          if (v === null) await below.deletePrivateData(c, k);
          else await below.putPrivateData(c, k, v);
        }
      }
      for (const [k, ep] of validation) await below.setStateValidationParameter(k, ep);
    },
  };
}

/**
 * What keeps the audit entries of several intents of one transaction apart: `''` for a lone write (its keys stay
 * as they were), `i007.` for batch item 7 (audit keys carry txId and a per-write seq; without it two items' first
 * entries would share `audit~actor[msp, txTime, txId, 0]`).
 */
export function auditSeqPrefix(ctx: Context): string {
  const item = (ctx.stub as unknown as Record<symbol, unknown>)[ITEM_INDEX];
  return typeof item === 'number' ? `i${String(item).padStart(3, '0')}.` : '';
}

/** A composite key with its U+0000 separators shown, for messages. */
function printable(key: string): string {
  return key.split('\u0000').filter(Boolean).join('/');
}
