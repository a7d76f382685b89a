import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { createCompositeKey } from './fakeStub';
import { BPJS, Harness, KARTU, PKM, RS, bare, holderOf, nikOf, rejects, saltedDetail, sha256, suspendOf, ws } from './harness';

const issue = (noKartu = KARTU[0]) => ({ noKartu, kdProviderPst: '0199B001' });
const holder = (noKartu = KARTU[0]) => ({ holder: holderOf(noKartu) });

describe('Card', () => {
  it('Issue by BPJS stores an ACTIVE card, one audit entry and one Card.Issue event', async () => {
    const h = new Harness();
    const card = await h.issueCard();
    assert.equal(card.status, 'ACTIVE');
    assert.equal(card.issuerMsp, BPJS);
    assert.equal(card.createdAt, '2025-06-15T00:00:01.500Z');
    const ev = h.ledger.events.at(-1)!;
    assert.equal(ev.name, 'Card.Issue');
    assert.deepEqual(Object.keys(ev.payload).sort(), ['action', 'actorMsp', 'entityId', 'entityType', 'status', 'timestamp', 'txId']);
    assert.deepEqual({ ...ev.payload, txId: undefined }, {
      entityType: 'Card', entityId: KARTU[0], action: 'Issue', status: 'ACTIVE', actorMsp: BPJS, txId: undefined, timestamp: '2025-06-15T00:00:01.500Z',
    });
    const audit = await h.evaluate<Record<string, unknown>[]>(BPJS, 'Audit:ListByEntity', 'Card', KARTU[0]);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'Issue');
    assert.equal(audit[0].txId, ev.txId);
  });

  it('Puskesmas and RS cannot issue a card (FORBIDDEN) and nothing is written', async () => {
    const h = new Harness();
    for (const who of [PKM, RS, bare(RS)]) {
      await rejects(h.submit(who, 'Card:Issue', issue(), holder()), 'FORBIDDEN');
    }
    // A BPJS certificate issued as a workstation is not a BPJS officer.
    await rejects(h.submit(ws(BPJS, '0199B001'), 'Card:Issue', issue(), holder()), 'FORBIDDEN', 'role=bpjs');
    assert.equal(h.ledger.committedWrites, 0);
    assert.equal(h.ledger.events.length, 0);
  });

  it('a replay of the same intent returns the stored result and writes nothing', async () => {
    const h = new Harness();
    const first = await h.call(BPJS, 'Card:Issue', [JSON.stringify(issue())], holder());
    const writes = h.ledger.committedWrites;
    // Different key order, same canonical intent.
    const reordered = JSON.stringify({ kdProviderPst: '0199B001', noKartu: KARTU[0] });
    const again = await h.call(BPJS, 'Card:Issue', [reordered], holder());
    assert.equal(again, first);
    assert.equal(h.ledger.committedWrites, writes);
    assert.equal(h.ledger.events.length, 1);
    assert.equal((await h.evaluate<unknown[]>(BPJS, 'Audit:ListByEntity', 'Card', KARTU[0])).length, 1);
  });

  it('same id with a changed payload is CONFLICT', async () => {
    const h = new Harness();
    await h.issueCard();
    await rejects(h.submit(BPJS, 'Card:Issue', { ...issue(), kdProviderPst: '0199B009' }, holder()), 'CONFLICT');
    await h.submit(BPJS, 'Card:Suspend', ...suspendOf('REQ-1', KARTU[0], 'tunggakan iuran'));
    await rejects(h.submit(BPJS, 'Card:Suspend', ...suspendOf('REQ-1', KARTU[0], 'lain')), 'CONFLICT');
    // A requestId is bound to its function too.
    await rejects(h.submit(BPJS, 'Card:Reactivate', { requestId: 'REQ-1', noKartu: KARTU[0] }), 'CONFLICT', 'Card:Suspend');
  });

  it('rejects bad input with INVALID:', async () => {
    const h = new Harness();
    const ok = issue();
    await rejects(h.submit(BPJS, 'Card:Issue', { ...ok, noKartu: '123' }, holder()), 'INVALID', 'noKartu');
    // The holder's data is no intent field any more (intents are in every org's blocks).
    await rejects(h.submit(BPJS, 'Card:Issue', { ...ok, holderHash: sha256('h') }, holder()), 'INVALID', 'unknown field holderHash');
    await rejects(h.submit(BPJS, 'Card:Issue', { ...ok, extra: 1 }, holder()), 'INVALID', 'unknown field extra');
    await rejects(h.submit(BPJS, 'Card:Issue', ok), 'INVALID', 'holder');
    await rejects(h.submit(BPJS, 'Card:Issue', ok, { holder: JSON.stringify({ holderHash: 'ABC', salt: 'ab'.repeat(16) }) }), 'INVALID', 'holderHash');
    await rejects(h.submit(BPJS, 'Card:Issue', ok, { holder: JSON.stringify({ holderHash: sha256('h') }) }), 'INVALID', 'salt');
    await rejects(h.submit(BPJS, 'Card:Issue', ok, { holder: JSON.stringify({ holderHash: sha256('h'), salt: 'ab'.repeat(16), nik: '1' }) }), 'INVALID', 'holder.nik');
    await rejects(h.submit(BPJS, 'Card:Issue', 'not json'), 'INVALID');
    await rejects(h.evaluate(BPJS, 'Card:ReadStatus', 'abc'), 'INVALID');
    await rejects(h.evaluate(BPJS, 'Card:ReadStatus', KARTU[1]), 'NOT_FOUND');
  });

  it('Suspend and Reactivate follow the state rules', async () => {
    const h = new Harness();
    await h.issueCard();
    const [intent, transient] = suspendOf('S-1', KARTU[0], 'tunggakan');
    const s = await h.submit(BPJS, 'Card:Suspend', intent, transient);
    assert.equal(s.status, 'SUSPENDED');
    // The reason is kept in the BPJS-only collection (the salted transient verbatim), not in the public card.
    assert.equal(s.statusReason, undefined);
    const events = h.ledger.privateData.get('bpjsPeserta')!;
    assert.equal(Buffer.from(events.get(createCompositeKey('CardEvent', [KARTU[0], 'S-1']))!).toString(), transient.detail);
    assert.match(transient.detail, /^\{"reason":"tunggakan","salt":"[0-9a-f]{32}"\}$/);
    await rejects(h.submit(BPJS, 'Card:Suspend', ...suspendOf('S-2', KARTU[0], 'lagi')), 'STATE');
    const r = await h.submit(BPJS, 'Card:Reactivate', { requestId: 'R-1', noKartu: KARTU[0] });
    assert.equal(r.status, 'ACTIVE');
    assert.equal(r.statusReason, undefined);
    await rejects(h.submit(BPJS, 'Card:Reactivate', { requestId: 'R-2', noKartu: KARTU[0] }), 'STATE');
    await rejects(h.submit(BPJS, 'Card:Suspend', ...suspendOf('S-3', KARTU[1])), 'NOT_FOUND');
    await rejects(h.submit(RS, 'Card:Suspend', ...suspendOf('S-4', KARTU[0])), 'FORBIDDEN');
    const status = await h.evaluate<Record<string, unknown>>(PKM, 'Card:ReadStatus', KARTU[0]);
    assert.deepEqual(Object.keys(status).sort(), ['noKartu', 'status', 'updatedAt']);
    assert.equal(status.status, 'ACTIVE');
    assert.deepEqual(h.ledger.events.map((e) => e.name), ['Card.Issue', 'Card.Suspend', 'Card.Reactivate']);
  });

  it('Replace marks the old card REPLACED, issues the new one ACTIVE and audits both', async () => {
    const h = new Harness();
    const issued = await h.issueCard();
    const old = await h.submit(BPJS, 'Card:Replace', { requestId: 'REP-1', noKartu: KARTU[0], newNoKartu: KARTU[1] });
    assert.equal(old.status, 'REPLACED');
    assert.equal(old.replacedBy, KARTU[1]);
    const oldStatus = await h.evaluate<Record<string, unknown>>(RS, 'Card:ReadStatus', KARTU[0]);
    assert.deepEqual(oldStatus, { noKartu: KARTU[0], status: 'REPLACED', replacedBy: KARTU[1], updatedAt: old.updatedAt });
    const fresh = await h.evaluate<Record<string, unknown>>(RS, 'Card:ReadStatus', KARTU[1]);
    assert.equal(fresh.status, 'ACTIVE');
    const newAudit = await h.evaluate<Record<string, unknown>[]>(BPJS, 'Audit:ListByEntity', 'Card', KARTU[1]);
    assert.deepEqual(newAudit.map((a) => a.action), ['IssueByReplace']);
    assert.equal(h.ledger.events.at(-1)!.name, 'Card.Replace');
    // The new card leads to the old one, under which bpjsPeserta keeps the holder.
    const history = await h.evaluate<{ entityId: string; record: { replaces?: string } }[]>(BPJS, 'History:ForPatient', KARTU[1]);
    assert.deepEqual(history.map((e) => e.entityId).sort(), [KARTU[0], KARTU[1]]);
    assert.equal(history.find((e) => e.entityId === KARTU[1])!.record.replaces, issued.noKartu);
    assert.ok(h.ledger.privateData.get('bpjsPeserta')!.has(createCompositeKey('CardEvent', [KARTU[0], 'REP-1'])));
    await rejects(h.submit(BPJS, 'Card:Replace', { requestId: 'REP-2', noKartu: KARTU[0], newNoKartu: KARTU[2] }), 'STATE');
    await h.issueCard(KARTU[2]);
    await rejects(h.submit(BPJS, 'Card:Replace', { requestId: 'REP-3', noKartu: KARTU[1], newNoKartu: KARTU[2] }), 'CONFLICT');
    await rejects(h.submit(BPJS, 'Card:Replace', { requestId: 'REP-4', noKartu: KARTU[1], newNoKartu: KARTU[1] }), 'INVALID');
  });

  it('an identity outside the consortium is refused on every contract', async () => {
    const h = new Harness();
    await h.issueCard();
    await rejects(h.evaluate('OrdererMSP', 'Card:ReadStatus', KARTU[0]), 'FORBIDDEN');
    await rejects(h.evaluate('OtherMSP', 'History:ForPatient', KARTU[0]), 'FORBIDDEN');
  });
});

describe('Card: BPJS-only data and endorsement', () => {
  it('Suspend takes its reason only as a salted transient: a reason in the intent, a bad or missing detail are INVALID', async () => {
    const h = new Harness();
    await h.issueCard();
    const [intent, transient] = suspendOf('S-1', KARTU[0], 'meninggal dunia');
    await rejects(h.submit(BPJS, 'Card:Suspend', { ...intent, reason: 'meninggal dunia' }, transient), 'INVALID', 'reason');
    await rejects(h.submit(BPJS, 'Card:Suspend', intent), 'INVALID', 'detail');
    await rejects(h.submit(BPJS, 'Card:Suspend', intent, { detail: transient.detail + ' ' }), 'INVALID', 'detailHash');
    const unsalted = JSON.stringify({ reason: 'meninggal dunia' });
    await rejects(h.submit(BPJS, 'Card:Suspend', { ...intent, detailHash: sha256(unsalted) }, { detail: unsalted }), 'INVALID', 'detail.salt');
    const extra = saltedDetail({ reason: 'x', nik: '3201' });
    await rejects(h.submit(BPJS, 'Card:Suspend', { ...intent, detailHash: extra.detailHash }, { detail: extra.detail }), 'INVALID', 'detail.nik');
    const long = saltedDetail({ reason: 'x'.repeat(501) });
    await rejects(h.submit(BPJS, 'Card:Suspend', { ...intent, detailHash: long.detailHash }, { detail: long.detail }), 'INVALID', 'detail.reason');
    assert.equal(h.ledger.events.length, 1);
    await h.submit(BPJS, 'Card:Suspend', intent, transient);
    const publicText = [...h.ledger.state.entries()].map(([k, v]) => k + Buffer.from(v).toString()).join('\n');
    assert.ok(!publicText.includes('meninggal'), 'public state holds the reason');
  });

  it('Issue keeps the holder in bpjsPeserta only, and makes the public card key BPJS-endorsed', async () => {
    const h = new Harness();
    // The membership type in the public intent is refused: it belongs in the holder.
    await rejects(h.submit(BPJS, 'Card:Issue', { ...issue(), jnsPeserta: 'PBI (APBN)' }, holder()), 'INVALID', 'jnsPeserta');
    const card = await h.issueCard();
    assert.equal(card.holderHash, undefined);
    const key = createCompositeKey('Card', [KARTU[0]]);
    assert.equal(Buffer.from(h.ledger.privateData.get('bpjsPeserta')!.get(key)!).toString(), holderOf(KARTU[0]));
    const publicText = [...h.ledger.state.entries()].map(([k, v]) => k + Buffer.from(v).toString()).join('\n');
    const nik = nikOf(KARTU[0]);
    // Nor the membership type (PBI: the state pays the premium), which is personal: it is in the holder only.
    for (const leak of [nik, sha256(nik), JSON.parse(holderOf(KARTU[0])).salt, 'PBI']) assert.ok(!publicText.includes(leak), `public state holds ${leak}`);
    assert.deepEqual(new KeyEndorsementPolicy(h.ledger.validationParams.get(key)).listOrgs(), [BPJS]);
  });

  it('every card write touches bpjsPeserta (whose collection endorsement policy needs the BPJS peer)', async () => {
    const h = new Harness();
    const privateWrites = () => h.lastStub!.privateWrites.get('bpjsPeserta')?.size ?? 0;
    await h.issueCard();
    assert.equal(privateWrites(), 1);
    await h.submit(BPJS, 'Card:Suspend', ...suspendOf('S-1', KARTU[0]));
    assert.equal(privateWrites(), 1);
    await h.submit(BPJS, 'Card:Reactivate', { requestId: 'R-1', noKartu: KARTU[0] });
    assert.equal(privateWrites(), 1);
    await h.submit(BPJS, 'Card:Replace', { requestId: 'REP-1', noKartu: KARTU[0], newNoKartu: KARTU[1] });
    assert.equal(privateWrites(), 1);
    assert.deepEqual(new KeyEndorsementPolicy(h.ledger.validationParams.get(createCompositeKey('Card', [KARTU[1]]))).listOrgs(), [BPJS]);
  });
});
