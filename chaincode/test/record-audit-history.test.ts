import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BPJS, Harness, KARTU, PKM, RS, referralDetail, rejects, sha256, ws } from './harness';

describe('MedicalRecord', () => {
  it('Anchor stores the hash; Verify reports match true/false', async () => {
    const h = new Harness();
    const doc = 'PDF bytes of surat rujukan';
    const rec = await h.submit(RS, 'MedicalRecord:Anchor', { recordId: 'MR-1', noKartu: KARTU[0], docHash: sha256(doc), pointerCiphertext: 'b64:Zm9vYmFy' });
    assert.equal(rec.status, 'ANCHORED');
    assert.equal(rec.ownerMsp, RS);
    assert.deepEqual(await h.evaluate(PKM, 'MedicalRecord:Verify', 'MR-1', sha256(doc)), { recordId: 'MR-1', match: true });
    assert.deepEqual(await h.evaluate(PKM, 'MedicalRecord:Verify', 'MR-1', sha256(doc + 'x')), { recordId: 'MR-1', match: false });
    await rejects(h.evaluate(PKM, 'MedicalRecord:Verify', 'MR-1', 'nothex'), 'INVALID');
    await rejects(h.evaluate(PKM, 'MedicalRecord:Verify', 'MR-2', sha256(doc)), 'NOT_FOUND');
    assert.equal(h.ledger.events.at(-1)!.name, 'MedicalRecord.Anchor');
  });

  it('Anchor replay is a read; another hash under the same id is CONFLICT', async () => {
    const h = new Harness();
    const intent = { recordId: 'MR-1', noKartu: KARTU[0], docHash: sha256('a'), pointerCiphertext: 'b64:AA==' };
    const first = await h.call(PKM, 'MedicalRecord:Anchor', [JSON.stringify(intent)]);
    const writes = h.ledger.committedWrites;
    assert.equal(await h.call(PKM, 'MedicalRecord:Anchor', [JSON.stringify(intent)]), first);
    assert.equal(h.ledger.committedWrites, writes);
    await rejects(h.submit(PKM, 'MedicalRecord:Anchor', { ...intent, docHash: sha256('b') }), 'CONFLICT');
    await rejects(h.submit(PKM, 'MedicalRecord:Anchor', { ...intent, recordId: 'MR-2', pointerCiphertext: '' }), 'INVALID');
  });
});

describe('Audit and History', () => {
  async function scenario(): Promise<Harness> {
    const h = new Harness();
    await h.issueCard();
    await h.recordVisit(PKM, 'V1');
    const rd = referralDetail();
    await h.submit(PKM, 'Referral:Create', { referralId: 'RJ-1', noKartu: KARTU[0], visitId: 'V1', fromPPK: '0199B001', toPPK: '0199R001', detailHash: rd.detailHash }, { detail: rd.detail });
    await h.recordVisit(RS, 'V2');
    await h.submit(RS, 'MedicalRecord:Anchor', { recordId: 'MR-1', noKartu: KARTU[0], docHash: sha256('d'), pointerCiphertext: 'b64:AA==' });
    await h.submit(RS, 'Claim:Submit', { claimId: 'CL-1', visitId: 'V2', noKartu: KARTU[0], amount: 250000, kdPPK: '0199R001' });
    await h.submit(BPJS, 'Claim:Approve', { requestId: 'AP-1', claimId: 'CL-1' });
    await h.submit(RS, 'Referral:Accept', { requestId: 'A-1', referralId: 'RJ-1' });
    return h;
  }

  it('ListByEntity and ListByActor return the trail in tx-time order', async () => {
    const h = await scenario();
    const claimTrail = await h.evaluate<Record<string, string>[]>(BPJS, 'Audit:ListByEntity', 'Claim', 'CL-1');
    assert.deepEqual(claimTrail.map((a) => [a.action, a.status, a.actorMsp, a.requestId]), [['Submit', 'SUBMITTED', RS, 'CL-1'], ['Approve', 'APPROVED', BPJS, 'AP-1']]);
    assert.ok(claimTrail[0].timestamp < claimTrail[1].timestamp);
    type Page = { entries: Record<string, string>[]; bookmark: string };
    const rs = await h.evaluate<Page>(BPJS, 'Audit:ListByActor', RS, '', '100', '');
    assert.equal(rs.bookmark, '');
    assert.deepEqual(rs.entries.map((a) => `${a.entityType}:${a.action}`), ['Visit:Record', 'MedicalRecord:Anchor', 'Claim:Submit', 'Visit:LinkClaim', 'Referral:Accept']);
    const ts = rs.entries.map((a) => a.timestamp);
    assert.deepEqual([...ts].sort(), ts);
    // Page by page (2, 2, 1) gives the same trail, each entry once.
    const paged: Record<string, string>[] = [];
    let bookmark = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = await h.evaluate<Page>(BPJS, 'Audit:ListByActor', RS, '', '2', bookmark);
      assert.ok(page.entries.length <= 2);
      paged.push(...page.entries);
      bookmark = page.bookmark;
      if (!bookmark) break;
    }
    assert.deepEqual(paged, rs.entries);
    assert.deepEqual((await h.evaluate<Page>(BPJS, 'Audit:ListByActor', BPJS, '', '100', '')).entries.length, 2);
    await rejects(h.evaluate(BPJS, 'Audit:ListByEntity', 'Patient', 'x'), 'INVALID');
    await rejects(h.evaluate(BPJS, 'Audit:ListByActor', 'OrdererMSP', '', '10', ''), 'INVALID');
    await rejects(h.evaluate(BPJS, 'Audit:ListByActor', RS, '', '0', ''), 'INVALID');
    await rejects(h.evaluate(BPJS, 'Audit:ListByActor', RS, '', '501', ''), 'INVALID');
    // A bookmark from another org's index would read that org's trail: refused.
    const bpjsFirst = await h.evaluate<Page>(BPJS, 'Audit:ListByActor', BPJS, '', '1', '');
    await rejects(h.evaluate(BPJS, 'Audit:ListByActor', RS, '', '1', bpjsFirst.bookmark), 'INVALID');
    // From a time: the entries at or after it (the third entry's own time included).
    const since = await h.evaluate<Page>(BPJS, 'Audit:ListByActor', RS, rs.entries[2].timestamp, '100', '');
    assert.deepEqual(since.entries, rs.entries.slice(2));
    await rejects(h.evaluate(BPJS, 'Audit:ListByActor', RS, 'kemarin', '10', ''), 'INVALID');
  });

  it('History:ForPatient merges all entity types of the card in tx-time order with current records', async () => {
    const h = await scenario();
    const hist = await h.evaluate<{ entityType: string; entityId: string; at: string; record: { status: string } }[]>(RS, 'History:ForPatient', KARTU[0]);
    assert.deepEqual(hist.map((e) => `${e.entityType}:${e.entityId}`), ['Card:' + KARTU[0], 'Visit:V1', 'Referral:RJ-1', 'Visit:V2', 'MedicalRecord:MR-1', 'Claim:CL-1']);
    assert.deepEqual(await h.evaluate(BPJS, 'History:ForPatient', KARTU[0]), hist);
    assert.equal(hist.find((e) => e.entityId === 'CL-1')!.record.status, 'APPROVED');
    assert.equal(hist.find((e) => e.entityId === 'RJ-1')!.record.status, 'ACCEPTED');
    assert.deepEqual(await h.evaluate(BPJS, 'History:ForPatient', KARTU[2]), []);
  });

  it('History:Recent gives the newest entries in the same order, with the total, and bounds the limit', async () => {
    const h = await scenario();
    const all = await h.evaluate<{ entityId: string }[]>(RS, 'History:ForPatient', KARTU[0]);
    const recent = await h.evaluate<{ total: number; entries: { entityId: string; record: { status: string } }[] }>(RS, 'History:Recent', KARTU[0], '2');
    assert.equal(recent.total, all.length);
    assert.deepEqual(recent.entries.map((e) => e.entityId), all.slice(-2).map((e) => e.entityId));
    assert.equal(recent.entries[1].record.status, 'APPROVED');
    assert.deepEqual((await h.evaluate<{ entries: unknown[] }>(RS, 'History:Recent', KARTU[0], '200')).entries, all);
    assert.deepEqual(await h.evaluate(BPJS, 'History:Recent', KARTU[2], '5'), { total: 0, entries: [] });
    for (const bad of ['0', '201', '1.5', 'x']) await rejects(h.evaluate(RS, 'History:Recent', KARTU[0], bad), 'INVALID');
  });

  it('is deterministic: the same transactions give byte-identical world state', async () => {
    const [a, b] = [await scenario(), await scenario()];
    const dump = (h: Harness) => [...h.ledger.state.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${k}=${Buffer.from(v).toString('hex')}`);
    assert.deepEqual(dump(a), dump(b));
    assert.ok(dump(a).length > 20);
  });
});

describe('Org-scoped reads', () => {
  it('a faskes reads the history of patients it served or was referred; others and cryptogen identities are refused', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.issueCard(KARTU[1]);
    await h.recordVisit(PKM, 'V1');
    // RS_PPK is referred the patient: it reads the history before its own first visit.
    const rd = referralDetail();
    await h.submit(PKM, 'Referral:Create', { referralId: 'RJ-1', noKartu: KARTU[0], fromPPK: '0199B001', toPPK: '0199R001', detailHash: rd.detailHash }, { detail: rd.detail });
    for (const who of [PKM, RS, BPJS]) assert.equal((await h.evaluate<{ total: number }>(who, 'History:Recent', KARTU[0], '10')).total, 3);
    const stranger = ws(RS, '0199R002');
    await rejects(h.evaluate(stranger, 'History:Recent', KARTU[0], '10'), 'FORBIDDEN', '0199R002');
    await rejects(h.evaluate(stranger, 'History:ForPatient', KARTU[0]), 'FORBIDDEN');
    await rejects(h.evaluate(stranger, 'Visit:Read', 'V1'), 'FORBIDDEN');
    await rejects(h.evaluate(stranger, 'Visit:ListByPatient', KARTU[0]), 'FORBIDDEN');
    await rejects(h.evaluate(stranger, 'Referral:Read', 'RJ-1'), 'FORBIDDEN');
    await rejects(h.evaluate(RS, 'History:Recent', KARTU[1], '10'), 'FORBIDDEN');
    await rejects(h.evaluate({ mspId: RS, attrs: {} }, 'History:Recent', KARTU[0], '10'), 'FORBIDDEN', 'workstation');
    await rejects(h.evaluate({ mspId: BPJS, attrs: { role: 'workstation', kdPPK: '0199R001' } }, 'History:Recent', KARTU[0], '10'), 'FORBIDDEN', 'role=bpjs');
  });

  it('an org reads only its own audit trail; BPJS reads all', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.recordVisit(RS, 'V1');
    await h.submit(RS, 'Claim:Submit', { claimId: 'CL-1', visitId: 'V1', noKartu: KARTU[0], amount: 1000, kdPPK: '0199R001' });
    await h.submit(BPJS, 'Claim:Approve', { requestId: 'AP-1', claimId: 'CL-1' });
    const actors = async (who: string) => (await h.evaluate<{ actorMsp: string }[]>(who, 'Audit:ListByEntity', 'Claim', 'CL-1')).map((a) => a.actorMsp);
    assert.deepEqual(await actors(BPJS), [RS, BPJS]);
    assert.deepEqual(await actors(RS), [RS]);
    assert.deepEqual(await actors(PKM), []);
    type Page = { entries: unknown[]; bookmark: string };
    assert.equal((await h.evaluate<Page>(RS, 'Audit:ListByActor', RS, '', '100', '')).entries.length, 3);
    await rejects(h.evaluate(RS, 'Audit:ListByActor', BPJS, '', '100', ''), 'FORBIDDEN', 'own audit trail');
    await rejects(h.evaluate(PKM, 'Audit:ListByActor', RS, '', '100', ''), 'FORBIDDEN');
    assert.equal((await h.evaluate<Page>(BPJS, 'Audit:ListByActor', RS, '', '100', '')).entries.length, 3);
  });

  it('MedicalRecord:Anchor records the certificate\'s faskes code; a cryptogen identity may not anchor', async () => {
    const h = new Harness();
    const rec = await h.submit(RS, 'MedicalRecord:Anchor', { recordId: 'MR-1', noKartu: KARTU[0], docHash: sha256('d'), pointerCiphertext: 'b64:AA==' });
    assert.equal(rec.kdPPK, '0199R001');
    await rejects(h.submit({ mspId: PKM, attrs: {} }, 'MedicalRecord:Anchor', { recordId: 'MR-2', noKartu: KARTU[0], docHash: sha256('d'), pointerCiphertext: 'b64:AA==' }), 'FORBIDDEN');
  });
});
