/**
 * Small in-memory stand-in for the Fabric peer, enough to run the contracts under plain Node:
 * world state with sorted partial-composite-key scans, private collections (membership read from
 * collections_config.json, like memberOnlyRead/Write; Fabric's implicit `_implicit_org_<MSP>` collections: one member,
 * anyone may write), transient map, events, key-level
 * endorsement parameters, tx id/timestamp and the creator identity.
 *
 * Like a real endorser, reads see only committed state (no read-your-own-writes inside a tx) and
 * a failed transaction commits nothing.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';

const NS = '\x00';
const MIN = '\u0000';
const MAX = '\u{10ffff}';

export interface CommittedEvent {
  txId: string;
  name: string;
  payload: Record<string, unknown>;
}

interface CollectionConfig {
  name: string;
  policy: string;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
}

function validateAttr(a: string): void {
  if (typeof a !== 'string' || a.length === 0) throw new Error('composite key attribute must be a non-empty string');
  if (a.includes(MIN) || a.includes(MAX)) throw new Error(`composite key attribute contains a reserved rune: ${JSON.stringify(a)}`);
}

export function createCompositeKey(objectType: string, attributes: string[]): string {
  validateAttr(objectType);
  let key = NS + objectType + MIN;
  for (const a of attributes) {
    validateAttr(a);
    key += a + MIN;
  }
  return key;
}

export function splitCompositeKey(key: string): { objectType: string | null; attributes: string[] } {
  if (!key || key.length < 2 || key.charAt(0) !== NS) return { objectType: null, attributes: [] };
  const parts = key.substring(1).split(MIN);
  parts.pop();
  return { objectType: parts[0], attributes: parts.slice(1) };
}

export class FakeLedger {
  readonly state = new Map<string, Uint8Array>();
  readonly privateData = new Map<string, Map<string, Uint8Array>>();
  readonly validationParams = new Map<string, Uint8Array>();
  readonly events: CommittedEvent[] = [];
  readonly collections = new Map<string, { members: string[]; config: CollectionConfig }>();
  /** Number of key writes committed so far (public + private + validation parameters). */
  committedWrites = 0;
  openIterators = 0;
  private txCounter = 0;
  /** 2025-06-15T00:00:00Z; every tx advances the clock by 1.5 s so ordering by tx time is visible. */
  private clockMs = Date.UTC(2025, 5, 15);

  constructor(collectionsConfigPath = path.resolve(__dirname, '../../collections_config.json')) {
    const configs = JSON.parse(readFileSync(collectionsConfigPath, 'utf8')) as CollectionConfig[];
    for (const c of configs) {
      const members = [...c.policy.matchAll(/'([A-Za-z0-9]+)\.member'/g)].map((m) => m[1]);
      this.collections.set(c.name, { members, config: c });
    }
  }

  newTx(opts: { mspId: string; args?: string[]; transient?: Record<string, string | Uint8Array>; idBytes?: Uint8Array }): FakeStub {
    this.txCounter += 1;
    this.clockMs += 1500;
    const txId = createHash('sha256').update(`tx-${this.txCounter}`).digest('hex');
    return new FakeStub(this, txId, this.clockMs, opts);
  }

  commit(stub: FakeStub): void {
    for (const [k, v] of stub.writes) {
      if (v === null) this.state.delete(k);
      else this.state.set(k, v);
      this.committedWrites += 1;
    }
    for (const [col, writes] of stub.privateWrites) {
      const store = this.privateData.get(col) ?? new Map<string, Uint8Array>();
      for (const [k, v] of writes) {
        store.set(k, v);
        this.committedWrites += 1;
      }
      this.privateData.set(col, store);
    }
    for (const [k, v] of stub.validationWrites) {
      this.validationParams.set(k, v);
      this.committedWrites += 1;
    }
    if (stub.event) {
      this.events.push({ txId: stub.getTxID(), name: stub.event.name, payload: JSON.parse(Buffer.from(stub.event.payload).toString('utf8')) });
    }
  }

  getJson(key: string): unknown {
    const v = this.state.get(key);
    return v === undefined ? undefined : JSON.parse(Buffer.from(v).toString('utf8'));
  }

  keysWithPrefix(objectType: string, attrs: string[] = []): string[] {
    const prefix = createCompositeKey(objectType, attrs);
    return [...this.state.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

interface IteratorResultKV {
  value?: { key: string; value: Uint8Array };
  done: boolean;
}

export class FakeStub {
  readonly writes = new Map<string, Uint8Array | null>();
  /** Set by a paginated query: Fabric's simulator then refuses every write of the transaction. */
  private paginated = false;
  readonly privateWrites = new Map<string, Map<string, Uint8Array>>();
  readonly validationWrites = new Map<string, Uint8Array>();
  event?: { name: string; payload: Uint8Array };
  setEventCalls = 0;
  private readonly transient: Map<string, Uint8Array>;
  private readonly args: string[];

  constructor(private readonly ledger: FakeLedger, private readonly txId: string, private readonly ms: number,
    private readonly opts: { mspId: string; args?: string[]; transient?: Record<string, string | Uint8Array>; idBytes?: Uint8Array }) {
    this.transient = new Map(Object.entries(opts.transient ?? {}).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'utf8') : v]));
    this.args = opts.args ?? [];
  }

  // --- identity / proposal ---
  getTxID(): string { return this.txId; }
  getChannelID(): string { return 'bpjs-main'; }
  getCreator(): { mspid: string; idBytes: Uint8Array } {
    return { mspid: this.opts.mspId, idBytes: this.opts.idBytes ?? new Uint8Array() };
  }
  getTxTimestamp(): { seconds: { toString(): string; toNumber(): number }; nanos: number } {
    const seconds = Math.floor(this.ms / 1000);
    return { seconds: { toString: () => String(seconds), toNumber: () => seconds }, nanos: (this.ms % 1000) * 1e6 };
  }
  getDateTimestamp(): Date { return new Date(this.ms); }
  getTransient(): Map<string, Uint8Array> { return this.transient; }
  getArgs(): string[] { return this.args; }
  getBufferArgs(): Buffer[] { return this.args.map((a) => Buffer.from(a, 'utf8')); }
  getStringArgs(): string[] { return this.args; }
  getFunctionAndParameters(): { fcn: string; params: string[] } { return { fcn: this.args[0], params: this.args.slice(1) }; }
  /** The real one reports the CCaaS process env, not the peer's org: the chaincode must never call it. */
  getMspID(): string { throw new Error('getMspID() must not be used: one CCaaS process serves all orgs'); }

  // --- world state ---
  async getState(key: string): Promise<Uint8Array> {
    return this.ledger.state.get(key) ?? new Uint8Array();
  }
  async putState(key: string, value: Uint8Array): Promise<void> {
    if (this.paginated) throw new Error('txSimulator: transaction has already performed a paginated query. Writes are not allowed');
    if (!key) throw new Error('key must not be empty');
    // Fabric treats an empty value as a delete; writing one is always a bug here.
    if (!value || value.length === 0) throw new Error(`empty value written to ${JSON.stringify(key)}`);
    this.writes.set(key, Buffer.from(value));
  }
  async deleteState(key: string): Promise<void> { this.writes.set(key, null); }
  createCompositeKey(objectType: string, attributes: string[]): string { return createCompositeKey(objectType, attributes); }
  splitCompositeKey(key: string): { objectType: string | null; attributes: string[] } { return splitCompositeKey(key); }

  /** State rows under a partial composite key, in key order (from `from` on when given). */
  private rowsUnder(objectType: string, attributes: string[], from = ''): [string, Uint8Array][] {
    const prefix = createCompositeKey(objectType, attributes);
    // LevelDB orders by bytes; all keys here are ASCII, where UTF-16 order is the same.
    return [...this.ledger.state.entries()]
      .filter(([k]) => k.startsWith(prefix) && (from === '' || k >= from))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** An iterator over `rows` that the ledger counts as open until it is closed (tests check none is left open). */
  private iteratorOver(rows: [string, Uint8Array][]) {
    const ledger = this.ledger;
    ledger.openIterators += 1;
    let i = 0;
    let closed = false;
    return {
      async next(): Promise<IteratorResultKV> {
        if (i < rows.length) {
          const [key, value] = rows[i++];
          return { value: { key, value }, done: false };
        }
        return { done: true };
      },
      async close(): Promise<void> {
        if (!closed) {
          closed = true;
          ledger.openIterators -= 1;
        }
      },
    };
  }

  async getStateByPartialCompositeKey(objectType: string, attributes: string[]) {
    return this.iteratorOver(this.rowsUnder(objectType, attributes));
  }

  /**
   * As the peer (core/chaincode/handler.go): only in a read-only transaction; the page starts at `bookmark` when one
   * is given, and the answer's bookmark is the key after the page ('' when none is left).
   */
  async getStateByPartialCompositeKeyWithPagination(objectType: string, attributes: string[], pageSize: number, bookmark = '') {
    if (this.writes.size > 0) throw new Error('txSimulator: paginated queries are supported only in a read-only transaction');
    this.paginated = true;
    const rows = this.rowsUnder(objectType, attributes, bookmark);
    const page = rows.slice(0, pageSize);
    return { iterator: this.iteratorOver(page), metadata: { fetchedRecordsCount: page.length, bookmark: rows.length > pageSize ? rows[pageSize][0] : '' } };
  }

  // --- private data ---
  private collection(name: string): { members: string[]; config: CollectionConfig } {
    const implicit = /^_implicit_org_([A-Za-z0-9]+)$/.exec(name);
    if (implicit) return { members: [implicit[1]], config: { name, policy: `OR('${implicit[1]}.member')`, memberOnlyRead: false, memberOnlyWrite: false } };
    const c = this.ledger.collections.get(name);
    if (!c) throw new Error(`collection ${name} is not defined in collections_config.json`);
    return c;
  }
  async putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    const c = this.collection(collection);
    if (c.config.memberOnlyWrite && !c.members.includes(this.opts.mspId)) {
      throw new Error(`tx creator ${this.opts.mspId} does not have write access permission on privatedata in chaincodeName:faskes collectionName: ${collection}`);
    }
    if (!value || value.length === 0) throw new Error('empty private value');
    const m = this.privateWrites.get(collection) ?? new Map<string, Uint8Array>();
    m.set(key, Buffer.from(value));
    this.privateWrites.set(collection, m);
  }
  async getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    const c = this.collection(collection);
    if (c.config.memberOnlyRead && !c.members.includes(this.opts.mspId)) {
      throw new Error(`tx creator ${this.opts.mspId} does not have read access permission on privatedata in chaincodeName:faskes collectionName: ${collection}`);
    }
    return this.ledger.privateData.get(collection)?.get(key) ?? new Uint8Array();
  }
  async getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    this.collection(collection);
    const v = this.ledger.privateData.get(collection)?.get(key);
    return v ? createHash('sha256').update(v).digest() : new Uint8Array();
  }

  // --- events / SBE ---
  setEvent(name: string, payload: Uint8Array): void {
    this.setEventCalls += 1;
    this.event = { name, payload };
  }
  async setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    this.validationWrites.set(key, Buffer.from(ep));
  }
  async getStateValidationParameter(key: string): Promise<Uint8Array> {
    return this.ledger.validationParams.get(key) ?? new Uint8Array();
  }
}
