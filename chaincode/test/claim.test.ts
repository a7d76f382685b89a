import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { createCompositeKey } from './fakeStub';
import { BPJS, Harness, KARTU, PKM, RS, bare, decisionOf, rejects, saltedDetail, ws } from './harness';

const submit = (claimId: string, over: Record<string, unknown> = {}) => ({
  claimId, visitId: 'V1', noKartu: KARTU[0], amount: 185000, kdPPK: '0199R001', ...over,
});

async function withVisit(): Promise<Harness> {
  const h = new Harness();
  await h.issueCard();
  await h.recordVisit(RS, 'V1');
  return h;
}

describe('Claim', () => {
  it('Submit sets the key-level endorsement policy BPJSMSP.peer AND <submitter>.peer on the claim key', async () => {
    const h = await withVisit();
    const c = await h.submit(RS, 'Claim:Submit', submit('CL-1'));
    assert.equal(c.status, 'SUBMITTED');
    assert.equal(c.submitterMsp, RS);
    const ep = h.ledger.validationParams.get(createCompositeKey('Claim', ['CL-1']));
    assert.ok(ep, 'no validation parameter on the claim key');
    const policy = new KeyEndorsementPolicy(ep);
    assert.deepEqual(policy.listOrgs().sort(), [BPJS, RS]);
    // Decoded from the stored bytes: both principals have role PEER (MSPRoleType.PEER = 3), and the
    // envelope is N-out-of-N, i.e. BPJSMSP.peer AND RSMSP.peer.
    assert.deepEqual((policy as unknown as { orgs: Record<string, number> }).orgs, { [BPJS]: 3, [RS]: 3 });
    // Besides the card (BPJS) and the visit (BPJS AND the visit's org), only the claim key carries a policy.
    assert.deepEqual([...h.ledger.validationParams.keys()].sort(), ['Card', 'Claim', 'Visit'].map((t, i) => createCompositeKey(t, [[KARTU[0], 'CL-1', 'V1'][i]])).sort());
    assert.equal(h.ledger.events.at(-1)!.name, 'Claim.Submit');
  });

  it('RS cannot approve a claim; BPJS approves once, a second approve is STATE:', async () => {
    const h = await withVisit();
    await h.submit(RS, 'Claim:Submit', submit('CL-1'));
    await rejects(h.submit(RS, 'Claim:Approve', ...decisionOf('AP-1', 'CL-1', 'ok')), 'FORBIDDEN');
    await rejects(h.submit(PKM, 'Claim:Reject', ...decisionOf('RJ-1', 'CL-1', 'no')), 'FORBIDDEN');
    const [intent, transient] = decisionOf('AP-2', 'CL-1', 'Sesuai tarif INA-CBG');
    const ok = await h.submit(BPJS, 'Claim:Approve', intent, transient);
    assert.equal(ok.status, 'APPROVED');
    assert.equal(ok.decidedByMsp, BPJS);
    await rejects(h.submit(BPJS, 'Claim:Approve', ...decisionOf('AP-3', 'CL-1')), 'STATE', 'APPROVED');
    await rejects(h.submit(BPJS, 'Claim:Reject', ...decisionOf('RJ-2', 'CL-1', 'terlambat')), 'STATE');
    const read = await h.evaluate<Record<string, unknown>>(RS, 'Claim:Read', 'CL-1');
    assert.deepEqual([read.status, read.detailHash, read.remarks], ['APPROVED', intent.detailHash, undefined]);
    // The remarks: in BPJS's and RS's implicit collections, read back by each from its own copy.
    assert.deepEqual(read.collections, ['_implicit_org_BPJSMSP', '_implicit_org_RSMSP']);
    assert.equal(await h.call(BPJS, 'Claim:ReadDetail', ['CL-1']), transient!.detail);
    assert.equal(await h.call(RS, 'Claim:ReadDetail', ['CL-1']), transient!.detail);
    await rejects(h.evaluate(ws(RS, '0199R002'), 'Claim:ReadDetail', 'CL-1'), 'FORBIDDEN', 'did not submit');
    await rejects(h.evaluate(PKM, 'Claim:ReadDetail', 'CL-1'), 'FORBIDDEN');
    await rejects(h.evaluate(bare(RS), 'Claim:ReadDetail', 'CL-1'), 'FORBIDDEN', 'workstation');
    const publicText = [...h.ledger.state.entries()].map(([k, v]) => k + Buffer.from(v).toString()).join('\n');
    assert.ok(!publicText.includes('INA-CBG'), 'public state holds the remarks');
  });

  it('approve replay returns the stored result with no second audit entry or event', async () => {
    const h = await withVisit();
    await h.submit(RS, 'Claim:Submit', submit('CL-1'));
    const [decision, transient] = decisionOf('AP-1', 'CL-1', 'ok');
    const intent = JSON.stringify(decision);
    const first = await h.call(BPJS, 'Claim:Approve', [intent], transient);
    const events = h.ledger.events.length;
    const writes = h.ledger.committedWrites;
    assert.equal(await h.call(BPJS, 'Claim:Approve', [intent], transient), first);
    assert.equal(h.ledger.events.length, events);
    assert.equal(h.ledger.committedWrites, writes);
    const audit = await h.evaluate<{ action: string }[]>(BPJS, 'Audit:ListByEntity', 'Claim', 'CL-1');
    assert.deepEqual(audit.map((a) => a.action), ['Submit', 'Approve']);
  });

  it('Reject needs remarks and ends in REJECTED', async () => {
    const h = await withVisit();
    await h.submit(RS, 'Claim:Submit', submit('CL-1'));
    await rejects(h.submit(BPJS, 'Claim:Reject', ...decisionOf('RJ-1', 'CL-1', ' ')), 'INVALID', 'detail.remarks');
    await rejects(h.submit(BPJS, 'Claim:Reject', ...decisionOf('RJ-1', 'CL-1')), 'INVALID', 'detailHash');
    // Free text in the intent (every org's blocks) is refused.
    await rejects(h.submit(BPJS, 'Claim:Reject', { ...decisionOf('RJ-1', 'CL-1', 'x')[0], remarks: 'Diagnosis tidak sesuai' }, decisionOf('RJ-1', 'CL-1', 'x')[1]), 'INVALID', 'remarks');
    const other = saltedDetail({ remarks: 'lain' });
    await rejects(h.submit(BPJS, 'Claim:Reject', decisionOf('RJ-1', 'CL-1', 'x')[0], { detail: other.detail }), 'INVALID', 'detailHash');
    const [intent, transient] = decisionOf('RJ-1', 'CL-1', 'Diagnosis tidak sesuai');
    const r = await h.submit(BPJS, 'Claim:Reject', intent, transient);
    assert.equal(r.status, 'REJECTED');
    assert.equal(r.detailHash, intent.detailHash);
    assert.equal(await h.call(RS, 'Claim:ReadDetail', ['CL-1']), transient!.detail);
  });

  it('Submit checks the visit: existence, card, PPK, recording org, one claim per visit, amount', async () => {
    const h = await withVisit();
    await h.recordVisit(PKM, 'V-PKM');
    await rejects(h.submit(RS, 'Claim:Submit', submit('CL-1', { visitId: 'V-none' })), 'NOT_FOUND');
    await rejects(h.submit(RS, 'Claim:Submit', submit('CL-1', { noKartu: KARTU[1] })), 'INVALID', 'another card');
    // A code other than the certificate's is refused before the visit is looked at; so is a cryptogen identity.
    await rejects(h.submit(RS, 'Claim:Submit', submit('CL-1', { kdPPK: '0199R999' })), 'FORBIDDEN', '0199R999');
    await rejects(h.submit(ws(RS, '0199R999'), 'Claim:Submit', submit('CL-1', { kdPPK: '0199R999' })), 'INVALID', 'PPK');
    await rejects(h.submit(bare(RS), 'Claim:Submit', submit('CL-1')), 'FORBIDDEN', 'workstation');
    await rejects(h.submit(ws(RS, '0199B001'), 'Claim:Submit', submit('CL-1', { visitId: 'V-PKM', kdPPK: '0199B001' })), 'FORBIDDEN', 'recorded by');
    await rejects(h.submit(BPJS, 'Claim:Submit', submit('CL-1')), 'FORBIDDEN');
    for (const amount of [0, -5, '185000']) {
      await rejects(h.submit(RS, 'Claim:Submit', submit('CL-1', { amount })), 'INVALID', 'amount');
    }
    await h.submit(RS, 'Claim:Submit', submit('CL-1'));
    await rejects(h.submit(RS, 'Claim:Submit', submit('CL-2')), 'STATE', 'CL-1');
    await rejects(h.submit(RS, 'Claim:Submit', submit('CL-1', { amount: 1 })), 'CONFLICT');
    const pkm = await h.submit(PKM, 'Claim:Submit', submit('CL-3', { visitId: 'V-PKM', kdPPK: '0199B001' }));
    assert.deepEqual(new KeyEndorsementPolicy(h.ledger.validationParams.get(createCompositeKey('Claim', ['CL-3']))).listOrgs().sort(), [BPJS, PKM]);
    assert.equal(pkm.submitterMsp, PKM);
    await rejects(h.evaluate(RS, 'Claim:Read', 'CL-none'), 'NOT_FOUND');
  });
});

describe('Claim: BPJS and the faskes org endorse', () => {
  it('Visit:Record puts BPJSMSP.peer AND <org>.peer on the visit key, and Claim:Submit writes that key (links the claim)', async () => {
    const h = await withVisit();
    const visitKey = createCompositeKey('Visit', ['V1']);
    assert.deepEqual((new KeyEndorsementPolicy(h.ledger.validationParams.get(visitKey)) as unknown as { orgs: Record<string, number> }).orgs, { [BPJS]: 3, [RS]: 3 });
    await h.submit(RS, 'Claim:Submit', submit('CL-1'));
    assert.ok(h.lastStub!.writes.has(visitKey), 'Claim:Submit did not write the visit key');
    const visit = await h.evaluate<{ claimId: string }>(RS, 'Visit:Read', 'V1');
    assert.equal(visit.claimId, 'CL-1');
    const audit = await h.evaluate<{ action: string }[]>(RS, 'Audit:ListByEntity', 'Visit', 'V1');
    assert.deepEqual(audit.map((a) => a.action), ['Record', 'LinkClaim']);
  });

  it('a workstation of another RS faskes can neither claim this visit nor under its own code', async () => {
    const h = await withVisit();
    const other = ws(RS, '0199R002');
    await rejects(h.submit(other, 'Claim:Submit', submit('CL-1')), 'FORBIDDEN', '0199R001');
    await rejects(h.submit(other, 'Claim:Submit', submit('CL-1', { kdPPK: '0199R002' })), 'INVALID', 'PPK');
    assert.equal(h.ledger.events.filter((e) => e.name === 'Claim.Submit').length, 0);
  });
});
