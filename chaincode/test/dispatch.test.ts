import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import path from 'path';
import { describe, it } from 'node:test';
import { JSONSerializer } from 'fabric-contract-api';
import { contracts } from '../src/index';
import { FakeLedger } from './fakeStub';
import { BPJS, KARTU, RS, holderOf, sha256, suspendOf, visitDetail } from './harness';

// The real router of fabric-chaincode-node: metadata introspection (needs emitDecoratorMetadata),
// argument marshalling, ClientIdentity built from an X.509 creator (a throwaway self-signed test cert).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract.js');
const cert = readFileSync(path.resolve(__dirname, '../../test/fixtures/user1-test-cert.pem'));
// A throwaway self-signed certificate with the Fabric CA attribute extension (OID 1.2.3.4.5.6.7.8.1, JSON
// {"attrs":{"kdPPK":"0199R001","role":"workstation"}}), as a CA-enrolled RS workstation's certificate carries it.
const wsCert = readFileSync(path.resolve(__dirname, '../../test/fixtures/ws-rs-test-cert.pem'));

interface Response { status: number; message?: string; payload?: Uint8Array }

function router() {
  return new ChaincodeFromContract([...contracts], { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } }, {}, 'faskes-chaincode', '0.1.0');
}

/** One call; the peer's clock (`Date.now()`) is the tx timestamp plus `peerAheadMs`, as in the Harness. */
async function invoke(cc: { Invoke(stub: unknown): Promise<Response> }, ledger: FakeLedger, mspId: string, args: string[], peerAheadMs = 0,
  opts: { idBytes?: Uint8Array; transient?: Record<string, string> } = {}): Promise<Response> {
  const stub = ledger.newTx({ mspId, args, idBytes: opts.idBytes ?? cert, transient: opts.transient });
  const realNow = Date.now;
  const peerMs = stub.getDateTimestamp().getTime() + peerAheadMs;
  Date.now = () => peerMs;
  try {
    const res = await cc.Invoke(stub);
    if (res.status === 200) ledger.commit(stub);
    return res;
  } finally {
    Date.now = realNow;
  }
}

describe('contract SPI dispatch', () => {
  it('exposes exactly the agreed contracts and functions in the generated metadata', () => {
    const meta = router().metadata.contracts as Record<string, { transactions: { name: string; tag: string[] }[] }>;
    const fns = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, v.transactions.map((t) => t.name).sort()]));
    assert.deepEqual(fns, {
      Card: ['Issue', 'Reactivate', 'ReadStatus', 'Replace', 'Suspend'],
      Visit: ['Correct', 'ListByPatient', 'Read', 'ReadCorrection', 'ReadDetail', 'Record'],
      Referral: ['Accept', 'Cancel', 'Complete', 'Create', 'ListByPatient', 'Read', 'ReadDetail'],
      MedicalRecord: ['Anchor', 'Verify'],
      Claim: ['Approve', 'Read', 'ReadDetail', 'Reject', 'Submit'],
      Audit: ['ListByActor', 'ListByEntity'],
      History: ['ForPatient', 'Recent'],
      Batch: ['Submit'],
      'org.hyperledger.fabric': ['GetMetadata'],
    });
    const readStatus = meta.Card.transactions.find((t) => t.name === 'ReadStatus')!;
    assert.deepEqual(readStatus.tag, ['EVALUATE']);
  });

  it('routes <Contract>:<Fn>, returns the record as payload and errors with the prefix as message', async () => {
    const cc = router();
    const ledger = new FakeLedger();
    const issue = JSON.stringify({ noKartu: KARTU[0], kdProviderPst: '0199B001' });
    const holder = { holder: holderOf(KARTU[0]) };
    const stale = await invoke(cc, ledger, BPJS, ['Card:Issue', issue], 11 * 60_000, { transient: holder });
    assert.equal(stale.status, 500);
    assert.match(stale.message!, /^CLOCK: transaction time .* behind the endorsing peer's clock/);
    // A BPJS identity without a role attribute (the seed's admin) issues cards.
    const ok = await invoke(cc, ledger, BPJS, ['Card:Issue', issue], 0, { transient: holder });
    assert.equal(ok.status, 200, ok.message);
    assert.equal(JSON.parse(Buffer.from(ok.payload!).toString('utf8')).status, 'ACTIVE');
    const audit = JSON.parse(Buffer.from((await invoke(cc, ledger, BPJS, ['Audit:ListByEntity', 'Card', KARTU[0]])).payload!).toString('utf8'));
    assert.equal(audit[0].actorId, 'x509::/C=ID/O=rs.test.invalid/OU=client/CN=User1@rs.test.invalid::/C=ID/O=rs.test.invalid/OU=client/CN=User1@rs.test.invalid');
    const denied = await invoke(cc, ledger, RS, ['Card:Suspend', JSON.stringify(suspendOf('S-1', KARTU[0])[0])]);
    assert.equal(denied.status, 500);
    assert.match(denied.message!, /^FORBIDDEN: RSMSP may not suspend cards/);
    const missing = await invoke(cc, ledger, RS, ['Card:ReadStatus', KARTU[1]]);
    assert.match(missing.message!, /^NOT_FOUND: /);
    assert.equal(ledger.events.length, 1);
  });
});

describe('certificate attributes through fabric-shim\'s ClientIdentity', () => {
  it('a workstation certificate with kdPPK=0199R001 records a visit as 0199R001 and is refused as another code; the same org without attributes is refused', async () => {
    const cc = router();
    const ledger = new FakeLedger();
    const issue = JSON.stringify({ noKartu: KARTU[0], kdProviderPst: '0199B001' });
    assert.equal((await invoke(cc, ledger, BPJS, ['Card:Issue', issue], 0, { transient: { holder: holderOf(KARTU[0]) } })).status, 200);
    const detail = visitDetail('V1');
    const visit = (visitId: string, kdPPK: string) =>
      JSON.stringify({ visitId, noKartu: KARTU[0], kdPPK, tglKunjungan: '2025-06-14', detailHash: sha256(detail) });
    const asB = await invoke(cc, ledger, RS, ['Visit:Record', visit('V1', '0199R002')], 0, { idBytes: wsCert, transient: { detail } });
    assert.match(asB.message!, /^FORBIDDEN: kdPPK 0199R002 is not this workstation's faskes code 0199R001/);
    const noAttrs = await invoke(cc, ledger, RS, ['Visit:Record', visit('V1', '0199R001')], 0, { transient: { detail } });
    assert.match(noAttrs.message!, /^FORBIDDEN: record visits needs a workstation certificate/);
    const asA = await invoke(cc, ledger, RS, ['Visit:Record', visit('V1', '0199R001')], 0, { idBytes: wsCert, transient: { detail } });
    assert.equal(asA.status, 200, asA.message);
    assert.equal(JSON.parse(Buffer.from(asA.payload!).toString('utf8')).kdPPK, '0199R001');
  });
});
