import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { MAX_BATCH_ITEMS } from '../src/contracts/batch';
import { createCompositeKey } from './fakeStub';
import { BPJS, Harness, KARTU, PKM, RS, RS_PPK, bare, rejects, sha256, visitDetail } from './harness';

type Result = { fn: string; ok: boolean; record?: Record<string, unknown>; replayed?: boolean; error?: string };

const visitIntent = (visitId: string, noKartu = KARTU[0], kdPPK = RS_PPK) =>
  ({ visitId, noKartu, kdPPK, tglKunjungan: '2025-06-14', detailHash: sha256(visitDetail(visitId)) });

/** A batch of Visit:Record items with each item's transient detail under `<i>.detail`. */
function visitBatch(items: { visitId: string; noKartu?: string; kdPPK?: string }[]) {
  const transient: Record<string, string> = {};
  items.forEach((v, i) => (transient[`${i}.detail`] = visitDetail(v.visitId)));
  return { batch: { items: items.map((v) => ({ fn: 'Visit:Record', intent: visitIntent(v.visitId, v.noKartu, v.kdPPK) })) }, transient };
}

async function submitBatch(h: Harness, who: string, batch: unknown, transient?: Record<string, string>): Promise<Result[]> {
  return (await h.submit<{ results: Result[] }>(who, 'Batch:Submit', batch, transient)).results;
}

async function withCard(): Promise<Harness> {
  const h = new Harness();
  await h.issueCard();
  return h;
}

describe('Batch', () => {
  it('records several visits in one transaction, each with its own result, audit entries and one aggregated event', async () => {
    const h = await withCard();
    const { batch, transient } = visitBatch([{ visitId: 'B-V1' }, { visitId: 'B-V2' }, { visitId: 'B-V3' }]);
    const events = h.ledger.events.length;
    const results = await submitBatch(h, RS, batch, transient);
    assert.deepEqual(results.map((r) => [r.ok, r.replayed, r.record?.visitId]), [[true, false, 'B-V1'], [true, false, 'B-V2'], [true, false, 'B-V3']]);
    for (const id of ['B-V1', 'B-V2', 'B-V3']) {
      const v = await h.evaluate<Record<string, unknown>>(BPJS, 'Visit:Read', id);
      assert.equal(v.kdPPK, RS_PPK);
      // Each item's detail went to its own key: item i read transient `<i>.detail`.
      const stored = h.ledger.privateData.get('clinicalRS')!.get(createCompositeKey('Visit', [id]))!;
      assert.equal(Buffer.from(stored).toString('utf8'), visitDetail(id));
      const audit = await h.evaluate<{ action: string; requestId: string }[]>(BPJS, 'Audit:ListByEntity', 'Visit', id);
      assert.deepEqual(audit.map((a) => [a.action, a.requestId]), [['Record', id]]);
    }
    // Three audit entries by actor, under three distinct keys of the same tx.
    const byActor = h.ledger.keysWithPrefix('audit~actor', [RS]);
    assert.equal(byActor.length, 3);
    assert.equal(h.ledger.events.length, events + 1);
    const ev = h.ledger.events.at(-1)!;
    assert.equal(ev.name, 'Batch.Submit');
    const inner = ev.payload.events as { name: string; payload: { entityId: string; entityType: string; txId: string } }[];
    assert.deepEqual(inner.map((e) => [e.name, e.payload.entityType, e.payload.entityId]), [['Visit.Record', 'Visit', 'B-V1'], ['Visit.Record', 'Visit', 'B-V2'], ['Visit.Record', 'Visit', 'B-V3']]);
    assert.equal(ev.payload.txId, ev.txId);
  });

  it('a refused item leaves nothing behind and the others commit (partial failure)', async () => {
    const h = await withCard();
    const { batch, transient } = visitBatch([
      { visitId: 'P-V1' },
      { visitId: 'P-V2', noKartu: KARTU[3] }, // no card: NOT_FOUND
      { visitId: 'P-V3', kdPPK: '0199R999' }, // another faskes's code: FORBIDDEN
      { visitId: 'P-V4' },
    ]);
    transient['4.detail'] = 'unused';
    const results = await submitBatch(h, RS, batch, transient);
    assert.deepEqual(results.map((r) => r.ok), [true, false, false, true]);
    assert.match(results[1].error!, /^NOT_FOUND: Card 0009999000004/);
    assert.match(results[2].error!, /^FORBIDDEN: kdPPK 0199R999/);
    await rejects(h.evaluate(BPJS, 'Visit:Read', 'P-V2'), 'NOT_FOUND');
    await rejects(h.evaluate(BPJS, 'Visit:Read', 'P-V3'), 'NOT_FOUND');
    // Nothing of the refused items: no private detail, index row, audit entry or idempotency record.
    assert.equal(h.ledger.privateData.get('clinicalRS')!.size, 2);
    assert.equal(h.ledger.keysWithPrefix('idem', ['Visit']).length, 2);
    assert.equal(h.ledger.keysWithPrefix('audit~actor', [RS]).length, 2);
    assert.deepEqual((h.ledger.events.at(-1)!.payload.events as unknown[]).length, 2);
  });

  it('a replayed batch changes nothing and emits no event; a batch partly applied before is completed item by item', async () => {
    const h = await withCard();
    // Item 0 landed alone before (the worker sent it singly, or a batch whose status was lost).
    await h.recordVisit(RS, 'R-V1');
    const { batch, transient } = visitBatch([{ visitId: 'R-V1' }, { visitId: 'R-V2' }]);
    const first = await submitBatch(h, RS, batch, transient);
    assert.deepEqual(first.map((r) => [r.ok, r.replayed]), [[true, true], [true, false]]);
    const writes = h.ledger.committedWrites;
    const events = h.ledger.events.length;
    const again = await submitBatch(h, RS, batch, transient);
    assert.deepEqual(again.map((r) => [r.ok, r.replayed]), [[true, true], [true, true]]);
    assert.deepEqual(again.map((r) => r.record), first.map((r) => r.record));
    assert.equal(h.ledger.committedWrites, writes);
    assert.equal(h.ledger.events.length, events);
    const audit = await h.evaluate<unknown[]>(BPJS, 'Audit:ListByEntity', 'Visit', 'R-V2');
    assert.equal(audit.length, 1);
  });

  it('later items see what earlier items wrote: the same intent twice is a replay, another payload under the id a CONFLICT', async () => {
    const h = await withCard();
    const { batch, transient } = visitBatch([{ visitId: 'D-V1' }, { visitId: 'D-V1' }]);
    transient['1.detail'] = transient['0.detail'];
    const other = { fn: 'Visit:Record', intent: { ...visitIntent('D-V1'), tglKunjungan: '2025-06-13' } };
    transient['2.detail'] = transient['0.detail'];
    const results = await submitBatch(h, RS, { items: [...batch.items, other] }, transient);
    assert.deepEqual(results.map((r) => [r.ok, r.replayed ?? null]), [[true, false], [true, true], [false, null]]);
    assert.match(results[2].error!, /^CONFLICT: D-V1 was already used with a different Visit:Record payload/);
    assert.equal(h.ledger.keysWithPrefix('audit~entity', ['Visit', 'D-V1']).length, 1);
  });

  it('a claim of a visit recorded in the same batch is refused (its key policy would not apply); of a committed visit it passes', async () => {
    const h = await withCard();
    await h.recordVisit(RS, 'C-V0');
    const claim = (claimId: string, visitId: string) => ({ fn: 'Claim:Submit', intent: { claimId, visitId, noKartu: KARTU[0], amount: 150000, kdPPK: RS_PPK } });
    const { batch, transient } = visitBatch([{ visitId: 'C-V1' }]);
    const results = await submitBatch(h, RS, { items: [...batch.items, claim('C-CL1', 'C-V1'), claim('C-CL0', 'C-V0')] }, transient);
    assert.deepEqual(results.map((r) => r.ok), [true, false, true]);
    assert.match(results[1].error!, /^STATE: Visit\/C-V1 got its endorsement policy earlier in this batch/);
    await rejects(h.evaluate(BPJS, 'Claim:Read', 'C-CL1'), 'NOT_FOUND');
    assert.equal((await h.evaluate<{ claimId?: string }>(BPJS, 'Visit:Read', 'C-V0')).claimId, 'C-CL0');
    // The batch's visit keeps its policy BPJS AND RS; the claim key gets its own.
    for (const key of [createCompositeKey('Visit', ['C-V1']), createCompositeKey('Claim', ['C-CL0'])]) {
      assert.deepEqual(new KeyEndorsementPolicy(h.ledger.validationParams.get(key)).listOrgs().sort(), [BPJS, RS]);
    }
  });

  it('referrals and record anchors ride along; each item keeps its own rules', async () => {
    const h = await withCard();
    const detail = JSON.stringify({ reason: 'Perlu spesialis', doctor: 'dr. A', salt: sha256('s').slice(0, 32) });
    const items = [
      { fn: 'Referral:Create', intent: { referralId: 'M-R1', noKartu: KARTU[0], fromPPK: RS_PPK, toPPK: '0199R002', detailHash: sha256(detail) } },
      { fn: 'MedicalRecord:Anchor', intent: { recordId: 'M-MR1', noKartu: KARTU[0], docHash: sha256('doc'), pointerCiphertext: 'YmF0Y2g=' } },
      // A referral needs its transient detail: item 2 has none.
      { fn: 'Referral:Create', intent: { referralId: 'M-R2', noKartu: KARTU[0], fromPPK: RS_PPK, toPPK: '0199R002', detailHash: sha256(detail) } },
    ];
    const results = await submitBatch(h, RS, { items }, { '0.detail': detail });
    assert.deepEqual(results.map((r) => r.ok), [true, true, false]);
    assert.match(results[2].error!, /^INVALID: transient map key "detail" is required/);
    assert.equal((await h.evaluate<{ status: string }>(BPJS, 'Referral:Read', 'M-R1')).status, 'CREATED');
    assert.equal((await h.evaluate<{ kdPPK: string }>(BPJS, 'MedicalRecord:Verify', 'M-MR1', sha256('doc')) as unknown as { match: boolean }).match, true);
    const stored = h.ledger.privateData.get('_implicit_org_BPJSMSP')!.get(createCompositeKey('Referral', ['M-R1']))!;
    assert.equal(Buffer.from(stored).toString('utf8'), detail);
  });

  it('refuses as a whole: a caller that is not a workstation, an unknown function, too many items', async () => {
    const h = await withCard();
    const { batch, transient } = visitBatch([{ visitId: 'W-V1' }]);
    await rejects(h.submit(BPJS, 'Batch:Submit', batch, transient), 'FORBIDDEN', 'BPJSMSP may not submit batches');
    await rejects(h.submit(bare(RS), 'Batch:Submit', batch, transient), 'FORBIDDEN', 'needs a workstation certificate');
    await rejects(h.submit(RS, 'Batch:Submit', { items: [{ fn: 'Card:Issue', intent: {} }] }), 'INVALID', 'items[0].fn');
    await rejects(h.submit(RS, 'Batch:Submit', { items: [] }), 'INVALID', 'items');
    const many = Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => ({ fn: 'Visit:Record', intent: visitIntent(`W-${i}`) }));
    await rejects(h.submit(RS, 'Batch:Submit', { items: many }), 'INVALID', `1-${MAX_BATCH_ITEMS}`);
    await rejects(h.submit(RS, 'Batch:Submit', { ...batch, extra: 1 }, transient), 'INVALID', 'unknown field extra');
  });

  it('a batch whose items all fail writes nothing and emits no event', async () => {
    const h = await withCard();
    const writes = h.ledger.committedWrites;
    const { batch } = visitBatch([{ visitId: 'N-V1' }, { visitId: 'N-V2' }]);
    const results = await submitBatch(h, PKM, batch);
    assert.deepEqual(results.map((r) => r.ok), [false, false]);
    assert.equal(h.ledger.committedWrites, writes);
  });

  it('the clock check holds for the whole batch', async () => {
    const h = await withCard();
    h.peerClockAheadMs = 11 * 60_000;
    const { batch, transient } = visitBatch([{ visitId: 'T-V1' }]);
    await rejects(h.submit(RS, 'Batch:Submit', batch, transient), 'CLOCK');
  });
});
