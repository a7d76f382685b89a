import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BPJS, Harness, KARTU, PKM, RS, rejects, sha256 } from './harness';

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
    const audit = await h.evaluate<Record<string, unknown>[]>(RS, 'Audit:ListByEntity', 'Card', KARTU[0]);
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'Issue');
    assert.equal(audit[0].txId, ev.txId);
  });

  it('Puskesmas and RS cannot issue a card (FORBIDDEN) and nothing is written', async () => {
    const h = new Harness();
    for (const msp of [PKM, RS]) {
      await rejects(h.submit(msp, 'Card:Issue', { noKartu: KARTU[0], holderHash: sha256('x'), kdProviderPst: '0199B001', jnsPeserta: 'PBI' }), 'FORBIDDEN');
    }
    assert.equal(h.ledger.committedWrites, 0);
    assert.equal(h.ledger.events.length, 0);
  });

  it('a replay of the same intent returns the stored result and writes nothing', async () => {
    const h = new Harness();
    const intent = { noKartu: KARTU[0], holderHash: sha256('h'), kdProviderPst: '0199B001', jnsPeserta: 'PBI' };
    const first = await h.call(BPJS, 'Card:Issue', [JSON.stringify(intent)]);
    const writes = h.ledger.committedWrites;
    // Different key order, same canonical intent.
    const reordered = JSON.stringify({ jnsPeserta: 'PBI', kdProviderPst: '0199B001', holderHash: sha256('h'), noKartu: KARTU[0] });
    const again = await h.call(BPJS, 'Card:Issue', [reordered]);
    assert.equal(again, first);
    assert.equal(h.ledger.committedWrites, writes);
    assert.equal(h.ledger.events.length, 1);
    assert.equal((await h.evaluate<unknown[]>(BPJS, 'Audit:ListByEntity', 'Card', KARTU[0])).length, 1);
  });

  it('same id with a changed payload is CONFLICT', async () => {
    const h = new Harness();
    await h.issueCard();
    await rejects(h.submit(BPJS, 'Card:Issue', { noKartu: KARTU[0], holderHash: sha256('other'), kdProviderPst: '0199B001', jnsPeserta: 'PBI' }), 'CONFLICT');
    await h.submit(BPJS, 'Card:Suspend', { requestId: 'REQ-1', noKartu: KARTU[0], reason: 'tunggakan iuran' });
    await rejects(h.submit(BPJS, 'Card:Suspend', { requestId: 'REQ-1', noKartu: KARTU[0], reason: 'lain' }), 'CONFLICT');
    // A requestId is bound to its function too.
    await rejects(h.submit(BPJS, 'Card:Reactivate', { requestId: 'REQ-1', noKartu: KARTU[0] }), 'CONFLICT', 'Card:Suspend');
  });

  it('rejects bad input with INVALID:', async () => {
    const h = new Harness();
    const ok = { noKartu: KARTU[0], holderHash: sha256('h'), kdProviderPst: '0199B001', jnsPeserta: 'PBI' };
    await rejects(h.submit(BPJS, 'Card:Issue', { ...ok, noKartu: '123' }), 'INVALID', 'noKartu');
    await rejects(h.submit(BPJS, 'Card:Issue', { ...ok, holderHash: 'ABC' }), 'INVALID', 'holderHash');
    await rejects(h.submit(BPJS, 'Card:Issue', { ...ok, extra: 1 }), 'INVALID', 'unknown field extra');
    await rejects(h.submit(BPJS, 'Card:Issue', 'not json'), 'INVALID');
    await rejects(h.evaluate(BPJS, 'Card:ReadStatus', 'abc'), 'INVALID');
    await rejects(h.evaluate(BPJS, 'Card:ReadStatus', KARTU[1]), 'NOT_FOUND');
  });

  it('Suspend and Reactivate follow the state rules', async () => {
    const h = new Harness();
    await h.issueCard();
    const s = await h.submit(BPJS, 'Card:Suspend', { requestId: 'S-1', noKartu: KARTU[0], reason: 'tunggakan' });
    assert.equal(s.status, 'SUSPENDED');
    assert.equal(s.statusReason, 'tunggakan');
    await rejects(h.submit(BPJS, 'Card:Suspend', { requestId: 'S-2', noKartu: KARTU[0], reason: 'lagi' }), 'STATE');
    const r = await h.submit(BPJS, 'Card:Reactivate', { requestId: 'R-1', noKartu: KARTU[0] });
    assert.equal(r.status, 'ACTIVE');
    assert.equal(r.statusReason, undefined);
    await rejects(h.submit(BPJS, 'Card:Reactivate', { requestId: 'R-2', noKartu: KARTU[0] }), 'STATE');
    await rejects(h.submit(BPJS, 'Card:Suspend', { requestId: 'S-3', noKartu: KARTU[1], reason: 'x' }), 'NOT_FOUND');
    await rejects(h.submit(RS, 'Card:Suspend', { requestId: 'S-4', noKartu: KARTU[0], reason: 'x' }), 'FORBIDDEN');
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
    // The holder carries over.
    const history = await h.evaluate<{ entityId: string; record: { holderHash: string } }[]>(BPJS, 'History:ForPatient', KARTU[1]);
    assert.deepEqual(history.map((e) => e.entityId).sort(), [KARTU[0], KARTU[1]]);
    assert.ok(history.every((e) => e.record.holderHash === issued.holderHash));
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
