import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BPJS, Harness, KARTU, PKM, RS, rejects } from './harness';

const create = (referralId: string, over: Record<string, unknown> = {}) => ({
  referralId, noKartu: KARTU[0], fromPPK: '0199B001', toPPK: '0199R001', reason: 'Perlu pemeriksaan spesialis', doctor: 'dr. Contoh', ...over,
});

describe('Referral', () => {
  it('Puskesmas creates, RS (receiver) accepts, BPJS completes; notes and events recorded', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.recordVisit(PKM, 'V1');
    const r = await h.submit(PKM, 'Referral:Create', create('RJ-1', { visitId: 'V1' }));
    assert.equal(r.status, 'CREATED');
    assert.equal(r.toMsp, RS);
    assert.equal(r.creatorMsp, PKM);
    const a = await h.submit(RS, 'Referral:Accept', { requestId: 'A-1', referralId: 'RJ-1', note: 'Jadwal poli besok' });
    assert.equal(a.status, 'ACCEPTED');
    const c = await h.submit<{ status: string; notes: { action: string; actorMsp: string }[] }>(BPJS, 'Referral:Complete', { requestId: 'C-1', referralId: 'RJ-1' });
    assert.equal(c.status, 'COMPLETED');
    assert.deepEqual(c.notes.map((n) => [n.action, n.actorMsp]), [['Accept', RS]]);
    await rejects(h.submit(PKM, 'Referral:Cancel', { requestId: 'X-1', referralId: 'RJ-1' }), 'STATE');
    assert.deepEqual(h.ledger.events.slice(-3).map((e) => e.name), ['Referral.Create', 'Referral.Accept', 'Referral.Complete']);
    const read = await h.evaluate<{ status: string }>(RS, 'Referral:Read', 'RJ-1');
    assert.equal(read.status, 'COMPLETED');
  });

  it('only the receiver or BPJS accepts/completes; only the creator cancels', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.submit(PKM, 'Referral:Create', create('RJ-1'));
    await rejects(h.submit(PKM, 'Referral:Accept', { requestId: 'A-1', referralId: 'RJ-1' }), 'FORBIDDEN');
    await rejects(h.submit(RS, 'Referral:Cancel', { requestId: 'X-1', referralId: 'RJ-1' }), 'FORBIDDEN');
    await rejects(h.submit(BPJS, 'Referral:Cancel', { requestId: 'X-2', referralId: 'RJ-1' }), 'FORBIDDEN');
    await rejects(h.submit(RS, 'Referral:Complete', { requestId: 'C-1', referralId: 'RJ-1' }), 'STATE');
    const x = await h.submit(PKM, 'Referral:Cancel', { requestId: 'X-3', referralId: 'RJ-1', note: 'Pasien menolak' });
    assert.equal(x.status, 'CANCELLED');
    await rejects(h.submit(RS, 'Referral:Accept', { requestId: 'A-2', referralId: 'RJ-1' }), 'STATE');
    await rejects(h.submit(RS, 'Referral:Accept', { requestId: 'A-3', referralId: 'RJ-none' }), 'NOT_FOUND');
  });

  it('a back-referral names toMsp = PuskesmasMSP, which may then accept', async () => {
    const h = new Harness();
    await h.issueCard();
    const r = await h.submit(RS, 'Referral:Create', create('RB-1', { fromPPK: '0199R001', toPPK: '0199B001', toMsp: PKM }));
    assert.equal(r.toMsp, PKM);
    await rejects(h.submit(RS, 'Referral:Accept', { requestId: 'A-1', referralId: 'RB-1' }), 'FORBIDDEN');
    assert.equal((await h.submit(PKM, 'Referral:Accept', { requestId: 'A-2', referralId: 'RB-1' })).status, 'ACCEPTED');
    await rejects(h.submit(RS, 'Referral:Create', create('RB-2', { toMsp: BPJS })), 'INVALID', 'toMsp');
  });

  it('Create validates card, visit, PPKs and org; replays and conflicts like every write', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.issueCard(KARTU[1]);
    await h.recordVisit(RS, 'V-other', KARTU[1]);
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { visitId: 'V-other' })), 'INVALID', 'another card');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { visitId: 'V-none' })), 'NOT_FOUND');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { toPPK: '0199B001' })), 'INVALID');
    await rejects(h.submit(BPJS, 'Referral:Create', create('RJ-1')), 'FORBIDDEN');
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { noKartu: KARTU[3] })), 'NOT_FOUND');
    await h.submit(BPJS, 'Card:Suspend', { requestId: 'S-1', noKartu: KARTU[1], reason: 'x' });
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { noKartu: KARTU[1] })), 'STATE');
    const first = await h.call(PKM, 'Referral:Create', [JSON.stringify(create('RJ-1'))]);
    const writes = h.ledger.committedWrites;
    assert.equal(await h.call(PKM, 'Referral:Create', [JSON.stringify(create('RJ-1'))]), first);
    assert.equal(h.ledger.committedWrites, writes);
    await rejects(h.submit(PKM, 'Referral:Create', create('RJ-1', { reason: 'lain' })), 'CONFLICT');
    await h.submit(PKM, 'Referral:Create', create('RJ-2'));
    const list = await h.evaluate<{ referralId: string }[]>(RS, 'Referral:ListByPatient', KARTU[0]);
    assert.deepEqual(list.map((r) => r.referralId), ['RJ-1', 'RJ-2']);
  });
});
