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

/** Faskes codes of the default workstation identities (certificate attribute kdPPK). */
export const RS_PPK = '0199R001';
export const PKM_PPK = '0199B001';

/**
 * Who calls: an MSP id (then the org's default client: RS and Puskesmas a workstation of RS_PPK / PKM_PPK, BPJS an
 * officer with role=bpjs), or an MSP with exactly the certificate attributes given (none: a cryptogen-style identity).
 */
export type Who = string | { mspId: string; attrs: Record<string, string> };

/** A workstation certificate of `mspId` for faskes `kdPPK`. */
export const ws = (mspId: string, kdPPK: string): Who => ({ mspId, attrs: { role: 'workstation', kdPPK } });
/** An identity of `mspId` without CA attributes (a cryptogen user or admin). */
export const bare = (mspId: string): Who => ({ mspId, attrs: {} });

function resolveWho(who: Who): { mspId: string; attrs: Record<string, string> } {
  if (typeof who !== 'string') return who;
  if (who === BPJS) return { mspId: who, attrs: { role: 'bpjs' } };
  if (who === RS) return { mspId: who, attrs: { role: 'workstation', kdPPK: RS_PPK } };
  if (who === PKM) return { mspId: who, attrs: { role: 'workstation', kdPPK: PKM_PPK } };
  return { mspId: who, attrs: {} };
}

class FakeIdentity {
  constructor(private readonly mspId: string, private readonly attrs: Record<string, string>) {}
  getMSPID(): string { return this.mspId; }
  getID(): string { return `x509::/CN=User1@${this.mspId.toLowerCase()}.test.invalid::/CN=ca.test.invalid`; }
  /** Like fabric-shim's ClientIdentity: null when the certificate has no such attribute. */
  getAttributeValue(name: string): string | null { return this.attrs[name] ?? null; }
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

  async call(who: Who, name: string, args: string[], transient?: Record<string, string | Uint8Array>, commit = true): Promise<string> {
    const { mspId, attrs } = resolveWho(who);
    const [contractName, fn] = name.split(':');
    const contract = this.instances.get(contractName);
    assert.ok(contract, `unknown contract ${contractName}`);
    const method = (contract as unknown as Record<string, Fn>)[fn];
    assert.equal(typeof method, 'function', `unknown function ${name}`);
    const stub = this.ledger.newTx({ mspId, args: [name, ...args], transient });
    this.lastStub = stub;
    const ctx = new Context();
    (ctx as unknown as { setChaincodeStub(s: unknown): void }).setChaincodeStub(stub);
    (ctx as unknown as { setClientIdentity(i: unknown): void }).setClientIdentity(new FakeIdentity(mspId, attrs));
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
  async submit<T = Record<string, unknown>>(who: Who, name: string, intent: unknown, transient?: Record<string, string | Uint8Array>): Promise<T> {
    const arg = typeof intent === 'string' ? intent : JSON.stringify(intent);
    return JSON.parse(await this.call(who, name, [arg], transient)) as T;
  }

  /** Evaluate: must not write anything. */
  async evaluate<T = unknown>(who: Who, name: string, ...args: string[]): Promise<T> {
    const out = await this.call(who, name, args, undefined, false);
    const stub = this.lastStub!;
    assert.equal(stub.writes.size + stub.privateWrites.size, 0, `${name} wrote during an evaluate`);
    return JSON.parse(out) as T;
  }

  // --- fixtures ---
  async issueCard(noKartu = KARTU[0]): Promise<Record<string, unknown>> {
    return this.submit(BPJS, 'Card:Issue', { noKartu, kdProviderPst: '0199B001' }, { holder: holderOf(noKartu) });
  }

  async recordVisit(who: Who, visitId: string, noKartu = KARTU[0], kdPPK = resolveWho(who).attrs.kdPPK ?? RS_PPK) {
    const detail = visitDetail(visitId);
    return this.submit<Record<string, unknown>>(who, 'Visit:Record',
      { visitId, noKartu, kdPPK, tglKunjungan: '2025-06-14', detailHash: sha256(detail) }, { detail });
  }
}

/** Demo NIK of a card's holder (synthetic): what must never reach public state, not even hashed. */
export const nikOf = (noKartu: string): string => `3201${noKartu.slice(-12)}`;

/** Card:Issue's transient `holder`: {holderHash: sha256(NIK), jnsPeserta, salt}. */
export function holderOf(noKartu: string, jnsPeserta = 'PBI (APBN)'): string {
  return JSON.stringify({ holderHash: sha256(nikOf(noKartu)), jnsPeserta, salt: sha256(`salt-${noKartu}`).slice(0, 32) });
}

/**
 * A salted transient `detail` of a write (`fields` plus a salt derived from them, so tests stay reproducible) and its
 * sha256, the intent's `detailHash`: Card:Suspend's `{reason}`, Claim:Approve/Reject's `{remarks}`.
 */
export function saltedDetail(fields: Record<string, string>): { detail: string; detailHash: string } {
  const detail = JSON.stringify({ ...fields, salt: sha256(JSON.stringify(fields)).slice(0, 32) });
  return { detail, detailHash: sha256(detail) };
}

/** Card:Suspend's intent and transient for `reason`. */
export function suspendOf(requestId: string, noKartu: string, reason = 'tunggakan iuran'): [Record<string, string>, Record<string, string>] {
  const { detail, detailHash } = saltedDetail({ reason });
  return [{ requestId, noKartu, detailHash }, { detail }];
}

/** Claim:Approve/Reject's intent and transient; no remarks: no detailHash and no transient. */
export function decisionOf(requestId: string, claimId: string, remarks?: string): [Record<string, string>, Record<string, string> | undefined] {
  if (remarks === undefined) return [{ requestId, claimId }, undefined];
  const { detail, detailHash } = saltedDetail({ remarks });
  return [{ requestId, claimId, detailHash }, { detail }];
}

/** Referral:Create's transient `detail` ({reason, doctor, salt}) and its hash. */
export function referralDetail(reason = 'Perlu penanganan spesialis penyakit dalam', doctor = 'dr. Siti Aminah'): { detail: string; detailHash: string } {
  const detail = JSON.stringify({ reason, doctor, salt: sha256(`${reason}|${doctor}`).slice(0, 32) });
  return { detail, detailHash: sha256(detail) };
}

/** Visit:Record's transient `detail`: clinical fields and a salt (fixed per seed, so a replay sends the same bytes). */
export function visitDetail(seed: string): string {
  return JSON.stringify({
    diagnoses: [{ kdDiag: 'J06.9', nmDiag: 'Acute upper respiratory infection, unspecified' }],
    treatment: `Paracetamol 3x500mg (${seed})`,
    vitals: { sistole: 120, diastole: 80, nadi: 82 },
    salt: sha256(`visit|${seed}`).slice(0, 32),
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
