import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import { Context, Contract } from 'fabric-contract-api';
import { contracts } from '../src/index';
import { FakeLedger, FakeStub } from './fakeStub';

export const BPJS = 'BPJSMSP';
export const RS = 'RSMSP';
export const PKM = 'PuskesmasMSP';

/** Synthetic demo patients (tools/demo-data/peserta.json). */
export const KARTU = ['0009999000001', '0009999000002', '0009999000003', '0009999000004'];

export const sha256 = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');

class FakeIdentity {
  constructor(private readonly mspId: string) {}
  getMSPID(): string { return this.mspId; }
  getID(): string { return `x509::/CN=User1@${this.mspId.toLowerCase()}.test.invalid::/CN=ca.test.invalid`; }
}

type Fn = (ctx: Context, ...args: string[]) => Promise<string>;

/**
 * Calls contract functions the way the contract SPI does (beforeTransaction, then the function)
 * against a FakeLedger. Successful submits commit; failed ones are dropped like an endorsement
 * failure. Checks two invariants on every call: iterators get closed, and a write emits exactly
 * one event while a no-write call (replay, evaluate) emits none.
 */
export class Harness {
  readonly ledger = new FakeLedger();
  lastStub?: FakeStub;
  /**
   * The endorsing peer's clock (`Date.now()` inside a call) minus the call's tx timestamp, in ms. 0 by default, so
   * the fake ledger's fixed 2025 clock passes the chaincode's clock check; a test sets it to skew the two.
   */
  peerClockAheadMs = 0;
  private readonly instances = new Map<string, Contract>();

  constructor() {
    for (const C of contracts as (new () => Contract)[]) {
      const instance = new C();
      this.instances.set(instance.getName(), instance);
    }
  }

  async call(mspId: string, name: string, args: string[], transient?: Record<string, string | Uint8Array>, commit = true): Promise<string> {
    const [contractName, fn] = name.split(':');
    const contract = this.instances.get(contractName);
    assert.ok(contract, `unknown contract ${contractName}`);
    const method = (contract as unknown as Record<string, Fn>)[fn];
    assert.equal(typeof method, 'function', `unknown function ${name}`);
    const stub = this.ledger.newTx({ mspId, args: [name, ...args], transient });
    this.lastStub = stub;
    const ctx = new Context();
    (ctx as unknown as { setChaincodeStub(s: unknown): void }).setChaincodeStub(stub);
    (ctx as unknown as { setClientIdentity(i: unknown): void }).setClientIdentity(new FakeIdentity(mspId));
    const realNow = Date.now;
    const peerMs = stub.getDateTimestamp().getTime() + this.peerClockAheadMs;
    Date.now = () => peerMs;
    try {
      await contract.beforeTransaction(ctx);
      const result = await method.call(contract, ctx, ...args);
      assert.equal(typeof result, 'string');
      const wrote = stub.writes.size + stub.privateWrites.size + stub.validationWrites.size > 0;
      assert.equal(stub.setEventCalls, wrote ? 1 : 0, `${name}: events per tx`);
      if (commit) this.ledger.commit(stub);
      return result;
    } finally {
      Date.now = realNow;
      assert.equal(this.ledger.openIterators, 0, `${name} left an iterator open`);
    }
  }

  /** Submit a write: intent object (or raw string) as the single argument. Returns the parsed result. */
  async submit<T = Record<string, unknown>>(mspId: string, name: string, intent: unknown, transient?: Record<string, string | Uint8Array>): Promise<T> {
    const arg = typeof intent === 'string' ? intent : JSON.stringify(intent);
    return JSON.parse(await this.call(mspId, name, [arg], transient)) as T;
  }

  /** Evaluate: must not write anything. */
  async evaluate<T = unknown>(mspId: string, name: string, ...args: string[]): Promise<T> {
    const out = await this.call(mspId, name, args, undefined, false);
    const stub = this.lastStub!;
    assert.equal(stub.writes.size + stub.privateWrites.size, 0, `${name} wrote during an evaluate`);
    return JSON.parse(out) as T;
  }

  // --- fixtures ---
  async issueCard(noKartu = KARTU[0]): Promise<Record<string, unknown>> {
    return this.submit(BPJS, 'Card:Issue', { noKartu, holderHash: sha256(`holder-${noKartu}`), kdProviderPst: '0199B001', jnsPeserta: 'PBI (APBN)' });
  }

  async recordVisit(mspId: string, visitId: string, noKartu = KARTU[0], kdPPK = mspId === RS ? '0199R001' : '0199B001') {
    const detail = visitDetail(visitId);
    return this.submit<Record<string, unknown>>(mspId, 'Visit:Record',
      { visitId, noKartu, kdPPK, tglKunjungan: '2025-06-14', detailHash: sha256(detail) }, { detail });
  }
}

export function visitDetail(seed: string): string {
  return JSON.stringify({
    diagnoses: [{ kdDiag: 'J06.9', nmDiag: 'Acute upper respiratory infection, unspecified' }],
    treatment: `Paracetamol 3x500mg (${seed})`,
    vitals: { sistole: 120, diastole: 80, nadi: 82 },
  });
}

/** Asserts a chaincode rejection with the given machine prefix. */
export async function rejects(p: Promise<unknown>, prefix: 'INVALID' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'STATE' | 'CLOCK', contains?: string): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.ok(err.message.startsWith(`${prefix}: `), `expected ${prefix}: but got: ${err.message}`);
    if (contains) assert.ok(err.message.includes(contains), `expected "${contains}" in: ${err.message}`);
    return true;
  });
}
