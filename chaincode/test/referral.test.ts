import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCompositeKey } from './fakeStub';
import { BPJS, Harness, KARTU, PKM, PKM_PPK, RS, RS_PPK, bare, referralDetail, rejects, sha256, suspendOf, ws } from './harness';

const D = referralDetail();
const create = (referralId: string, over: Record<string, unknown> = {}) => ({
  referralId, noKartu: KARTU[0], fromPPK: PKM_PPK, toPPK: RS_PPK, detailHash: D.detailHash, ...over,
});
const withDetail = { detail: D.detail };

describe('Referral', () => {
  it('Puskesmas creates, RS (receiver) accepts, BPJS completes; events recorded', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.recordVisit(PKM, 'V1');
    const r = await h.submit(PKM, 'Referral:Create', create('RJ-1', { visitId: 'V1' }), withDetail);
    assert.equal(r.status, 'CREATED');
    assert.equal(r.toMsp, RS);
    assert.equal(r.creatorMsp, PKM);
    const a = await h.submit(RS, 'Referral:Accept', { requestId: 'A-1', referralId: 'RJ-1' });
    assert.equal(a.status, 'ACCEPTED');
    const c = await h.submit<{ status: string }>(BPJS, 'Referral:Complete', { requestId: 'C-1', referralId: 'RJ-1' });
    assert.equal(c.status, 'COMPLETED');
    await rejects(h.submit(PKM, 'Referral:Cancel', { requestId: 'X-1', referralId: 'RJ-1' }), 'STATE');
    assert.deepEqual(h.ledger.events.slice(-3).map((e) => e.name), ['Referral.Create', 'Referral.Accept', 'Referral.Complete']);
    const read = await h.evaluate<{ status: string }>(RS, 'Referral:Read', 'RJ-1');
    assert.equal(read.status, 'COMPLETED');
  });

  it('reason and doctor stay private: in the implicit collections of the referring org, the receiving org and BPJS', async () => {
    const h = new Harness();
    await h.issueCard();
    const r = await h.submit(PKM, 'Referral:Create', create('RJ-1'), withDetail);
    assert.equal(r.reason, undefined);
    assert.equal(r.doctor, undefined);
    assert.equal(r.detailHash, sha256(D.detail));
    assert.deepEqual(r.collections, [`_implicit_org_${PKM}`, `_implicit_org_${RS}`, `_implicit_org_${BPJS}`]);
    const key = createCompositeKey('Referral', ['RJ-1']);
    for (const msp of [PKM, RS, BPJS]) {
      assert.equal(Buffer.from(h.ledger.privateData.get(`_implicit_org_${msp}`)!.get(key)!).toString(), D.detail);
    }
    const publicText = [...h.ledger.state.values()].map((v) => Buffer.from(v).toString()).join('\n');
    for (const leak of ['spesialis', 'Siti Aminah', JSON.parse(D.detail).salt]) assert.ok(!publicText.includes(leak), `public state holds ${leak}`);
    // The receiving faskes, the referring one and BPJS read the detail (each from its own org's copy); others do not.
    for (const who of [RS, PKM, BPJS]) assert.deepEqual(await h.evaluate(who, 'Referral:ReadDetail', 'RJ-1'), JSON.parse(D.detail));
    await rejects(h.evaluate(ws(RS, '0199R009'), 'Referral:ReadDetail', 'RJ-1'), 'FORBIDDEN', '0199R009');
    // A referral inside one org keeps one copy for it and one for BPJS.
    const same = await h.submit(RS, 'Referral:Create', create('RJ-2', { fromPPK: RS_PPK, toPPK: '0199R002' }), withDetail);
    assert.deepEqual(same.collections, [`_implicit_org_${RS}`, `_implicit_org_${BPJS}`]);
    await rejects(h.evaluate(PKM, 'Referral:ReadDetail', 'RJ-2'), 'FORBIDDEN');
  });

  it('checks the private detail: missing, hash mismatch, unknown field, no salt are INVALID', async () => {
    const h = new Harness();
    await h.issueCard();
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1')), 'INVALID', 'transient');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1'), { detail: D.detail + ' ' }), 'INVALID', 'detailHash');
    const bad = (d: unknown) => { const detail = JSON.stringify(d); return h.submit(PKM, 'Referral:Create', create('RJ-1', { detailHash: sha256(detail) }), { detail }); };
    await rejects(bad({ reason: 'x', doctor: 'y' }), 'INVALID', 'salt');
    await rejects(bad({ reason: 'x', doctor: 'y', salt: 'ab'.repeat(16), nik: '1' }), 'INVALID', 'detail.nik');
    await rejects(bad({ reason: ' ', doctor: 'y', salt: 'ab'.repeat(16) }), 'INVALID', 'reason');
    // Reason and doctor are no intent fields any more (intents are in every org's blocks).
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { reason: 'x', doctor: 'y' }), withDetail), 'INVALID', 'unknown field');
    assert.equal(h.ledger.events.length, 1);
  });

  it('only the receiving faskes or BPJS accepts/completes; only the referring faskes cancels', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.submit(PKM, 'Referral:Create', create('RJ-1'), withDetail);
    await rejects(h.submit(PKM, 'Referral:Accept', { requestId: 'A-1', referralId: 'RJ-1' }), 'FORBIDDEN');
    // Another hospital of the same org, addressed by nobody: refused on the code.
    await rejects(h.submit(ws(RS, '0199R002'), 'Referral:Accept', { requestId: 'A-0', referralId: 'RJ-1' }), 'FORBIDDEN', '0199R002');
    await rejects(h.submit(bare(RS), 'Referral:Accept', { requestId: 'A-00', referralId: 'RJ-1' }), 'FORBIDDEN', 'workstation');
    await rejects(h.submit(RS, 'Referral:Cancel', { requestId: 'X-1', referralId: 'RJ-1' }), 'FORBIDDEN');
    await rejects(h.submit(ws(PKM, '0114U163'), 'Referral:Cancel', { requestId: 'X-0', referralId: 'RJ-1' }), 'FORBIDDEN', '0114U163');
    await rejects(h.submit(BPJS, 'Referral:Cancel', { requestId: 'X-2', referralId: 'RJ-1' }), 'FORBIDDEN');
    await rejects(h.submit(RS, 'Referral:Complete', { requestId: 'C-1', referralId: 'RJ-1' }), 'STATE');
    await rejects(h.submit(PKM, 'Referral:Cancel', { requestId: 'X-3', referralId: 'RJ-1', note: 'Pasien menolak' }), 'INVALID', 'unknown field note');
    const x = await h.submit(PKM, 'Referral:Cancel', { requestId: 'X-3', referralId: 'RJ-1' });
    assert.equal(x.status, 'CANCELLED');
    await rejects(h.submit(RS, 'Referral:Accept', { requestId: 'A-2', referralId: 'RJ-1' }), 'STATE');
    await rejects(h.submit(RS, 'Referral:Accept', { requestId: 'A-3', referralId: 'RJ-none' }), 'NOT_FOUND');
  });

  it('a back-referral names toMsp = PuskesmasMSP, which may then accept', async () => {
    const h = new Harness();
    await h.issueCard();
    const r = await h.submit(RS, 'Referral:Create', create('RB-1', { fromPPK: RS_PPK, toPPK: PKM_PPK, toMsp: PKM }), withDetail);
    assert.equal(r.toMsp, PKM);
    await rejects(h.submit(RS, 'Referral:Accept', { requestId: 'A-1', referralId: 'RB-1' }), 'FORBIDDEN');
    assert.equal((await h.submit(PKM, 'Referral:Accept', { requestId: 'A-2', referralId: 'RB-1' })).status, 'ACCEPTED');
    await rejects(h.submit(RS, 'Referral:Create', create('RB-2', { fromPPK: RS_PPK, toMsp: BPJS }), withDetail), 'INVALID', 'toMsp');
  });

  it('Create validates card, visit, PPKs and org; fromPPK must be the caller\'s code; replays and conflicts like every write', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.issueCard(KARTU[1]);
    await h.recordVisit(RS, 'V-other', KARTU[1]);
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { visitId: 'V-other' }), withDetail), 'INVALID', 'another card');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { visitId: 'V-none' }), withDetail), 'NOT_FOUND');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { toPPK: PKM_PPK }), withDetail), 'INVALID');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { fromPPK: '0114U163' }), withDetail), 'FORBIDDEN', '0114U163');
    await rejects(h.submit(BPJS, 'Referral:Create', create('RJ-1'), withDetail), 'FORBIDDEN');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { noKartu: KARTU[3] }), withDetail), 'NOT_FOUND');
    await h.submit(BPJS, 'Card:Suspend', ...suspendOf('S-1', KARTU[1]));
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { noKartu: KARTU[1] }), withDetail), 'STATE');
    const first = await h.call(PKM, 'Referral:Create', [JSON.stringify(create('RJ-1'))], withDetail);
    const writes = h.ledger.committedWrites;
    assert.equal(await h.call(PKM, 'Referral:Create', [JSON.stringify(create('RJ-1'))], withDetail), first);
    assert.equal(h.ledger.committedWrites, writes);
    const other = referralDetail('lain');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { detailHash: other.detailHash }), { detail: other.detail }), 'CONFLICT');
    await h.submit(PKM, 'Referral:Create', create('RJ-2'), withDetail);
    const list = await h.evaluate<{ referralId: string }[]>(RS, 'Referral:ListByPatient', KARTU[0]);
    assert.deepEqual(list.map((r) => r.referralId), ['RJ-1', 'RJ-2']);
  });
});
