import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCompositeKey } from './fakeStub';
import { BPJS, Harness, KARTU, PKM, RS, bare, rejects, sha256, suspendOf, visitDetail, ws } from './harness';

function intent(visitId: string, detail: string, over: Record<string, unknown> = {}) {
  return { visitId, noKartu: KARTU[0], kdPPK: '0199R001', tglKunjungan: '2025-06-14', detailHash: sha256(detail), ...over };
}

describe('Visit', () => {
  it('RS visit: public record without detail, detail in clinicalRS, on-chain private hash = detailHash', async () => {
    const h = new Harness();
    await h.issueCard();
    const detail = visitDetail('V1');
    const v = await h.submit(RS, 'Visit:Record', intent('V-RS-1', detail), { detail });
    assert.equal(v.status, 'RECORDED');
    assert.equal(v.collection, 'clinicalRS');
    assert.equal(v.orgMsp, RS);
    assert.equal(v.detailHash, sha256(detail));
    const publicBytes = [...h.ledger.state.values()].map((b) => Buffer.from(b).toString('utf8')).join('\n');
    assert.ok(!publicBytes.includes('Paracetamol'), 'clinical detail leaked into public state');
    const key = createCompositeKey('Visit', ['V-RS-1']);
    assert.equal(Buffer.from(h.ledger.privateData.get('clinicalRS')!.get(key)!).toString('utf8'), detail);
    assert.equal(h.ledger.privateData.get('clinicalPuskesmas'), undefined);
    const stub = h.ledger.newTx({ mspId: BPJS });
    assert.equal(Buffer.from(await stub.getPrivateDataHash('clinicalRS', key)).toString('hex'), v.detailHash);
    assert.equal(h.ledger.events.at(-1)!.name, 'Visit.Record');
  });

  it('Puskesmas visit goes to clinicalPuskesmas (collection chosen from the client MSP)', async () => {
    const h = new Harness();
    await h.issueCard();
    const v = await h.recordVisit(PKM, 'V-PKM-1');
    assert.equal(v.collection, 'clinicalPuskesmas');
    assert.equal(v.orgMsp, PKM);
    assert.equal(h.ledger.privateData.get('clinicalPuskesmas')!.size, 1);
    assert.equal(h.ledger.privateData.get('clinicalRS'), undefined);
  });

  it('checks the private detail: hash mismatch, missing transient, bad shape are INVALID', async () => {
    const h = new Harness();
    await h.issueCard();
    const detail = visitDetail('V1');
    await rejects(h.submit(RS, 'Visit:Record', intent('V1', detail), { detail: detail + ' ' }), 'INVALID', 'detailHash');
    await rejects(h.submit(RS, 'Visit:Record', intent('V1', detail)), 'INVALID', 'transient');
    const noDiag = JSON.stringify({ diagnoses: [], treatment: 'x' });
    await rejects(h.submit(RS, 'Visit:Record', intent('V1', noDiag), { detail: noDiag }), 'INVALID', 'diagnoses');
    // Unsalted, or with a short salt: its public sha256 could be matched against guessed details.
    const { salt: _salt, ...unsalted } = JSON.parse(detail) as Record<string, unknown>;
    for (const d of [JSON.stringify(unsalted), JSON.stringify({ ...unsalted, salt: 'abc123' })]) {
      await rejects(h.submit(RS, 'Visit:Record', intent('V1', d), { detail: d }), 'INVALID', 'detail.salt');
    }
    const notJson = 'diagnosa: J06';
    await rejects(h.submit(RS, 'Visit:Record', intent('V1', notJson), { detail: notJson }), 'INVALID', 'JSON');
    await rejects(h.submit(RS, 'Visit:Record', intent('V1', detail, { tglKunjungan: '2025-02-30' }), { detail }), 'INVALID', 'tglKunjungan');
    await rejects(h.submit(RS, 'Visit:Record', intent('V1', detail, { tglKunjungan: '2025-06-20' }), { detail }), 'INVALID', 'future');
    assert.equal(h.ledger.events.length, 1);
  });

  it('a visit on a suspended card fails with STATE:, on an unknown card with NOT_FOUND:', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.submit(BPJS, 'Card:Suspend', ...suspendOf('S-1', KARTU[0]));
    await rejects(h.recordVisit(RS, 'V1'), 'STATE', 'SUSPENDED');
    await rejects(h.recordVisit(RS, 'V2', KARTU[3]), 'NOT_FOUND');
    await h.submit(BPJS, 'Card:Reactivate', { requestId: 'R-1', noKartu: KARTU[0] });
    assert.equal((await h.recordVisit(RS, 'V1')).status, 'RECORDED');
  });

  it('BPJS cannot record a visit', async () => {
    const h = new Harness();
    await h.issueCard();
    await rejects(h.recordVisit(BPJS, 'V1'), 'FORBIDDEN');
  });

  it('replay returns the stored visit without needing the transient again; changed payload is CONFLICT', async () => {
    const h = new Harness();
    await h.issueCard();
    const detail = visitDetail('V1');
    const first = await h.call(RS, 'Visit:Record', [JSON.stringify(intent('V1', detail))], { detail });
    const writes = h.ledger.committedWrites;
    assert.equal(await h.call(RS, 'Visit:Record', [JSON.stringify(intent('V1', detail))]), first);
    assert.equal(h.ledger.committedWrites, writes);
    assert.equal((await h.evaluate<unknown[]>(RS, 'Audit:ListByEntity', 'Visit', 'V1')).length, 1);
    const other = visitDetail('changed');
    await rejects(h.submit(RS, 'Visit:Record', intent('V1', other), { detail: other }), 'CONFLICT');
  });

  it('ReadDetail: the recording org and BPJS read the exact bytes; other orgs are FORBIDDEN', async () => {
    const h = new Harness();
    await h.issueCard();
    const v = await h.recordVisit(RS, 'V1');
    for (const msp of [RS, BPJS]) {
      const raw = await h.call(msp, 'Visit:ReadDetail', ['V1'], undefined, false);
      assert.equal(sha256(raw), v.detailHash);
      assert.equal((JSON.parse(raw) as { diagnoses: { kdDiag: string }[] }).diagnoses[0].kdDiag, 'J06.9');
    }
    await rejects(h.evaluate(PKM, 'Visit:ReadDetail', 'V1'), 'FORBIDDEN');
    await rejects(h.evaluate(RS, 'Visit:ReadDetail', 'V-none'), 'NOT_FOUND');
  });

  it('Read and ListByPatient return public records in tx-time order', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.issueCard(KARTU[1]);
    await h.recordVisit(PKM, 'V-b');
    await h.recordVisit(RS, 'V-a');
    await h.recordVisit(RS, 'V-other', KARTU[1]);
    const list = await h.evaluate<{ visitId: string }[]>(BPJS, 'Visit:ListByPatient', KARTU[0]);
    assert.deepEqual(list.map((v) => v.visitId), ['V-b', 'V-a']);
    const one = await h.evaluate<{ visitId: string; noKartu: string }>(RS, 'Visit:Read', 'V-other');
    assert.equal(one.noKartu, KARTU[1]);
    await rejects(h.evaluate(PKM, 'Visit:Read', 'V-none'), 'NOT_FOUND');
    assert.deepEqual(await h.evaluate(BPJS, 'Visit:ListByPatient', KARTU[2]), []);
  });
});

describe('Visit: the faskes code comes from the certificate', () => {
  it('a workstation enrolled for code A records as A, not as B; a cryptogen identity records nothing', async () => {
    const h = new Harness();
    await h.issueCard();
    const detail = visitDetail('V1');
    const a = ws(RS, '0199R001');
    await rejects(h.submit(a, 'Visit:Record', intent('V1', detail, { kdPPK: '0199R002' }), { detail }), 'FORBIDDEN', '0199R002');
    await rejects(h.submit(bare(RS), 'Visit:Record', intent('V1', detail), { detail }), 'FORBIDDEN', 'role=workstation');
    await rejects(h.submit({ mspId: RS, attrs: { role: 'workstation', kdPPK: '01-99' } }, 'Visit:Record', intent('V1', detail, { kdPPK: '01-99' }), { detail }), 'FORBIDDEN', 'kdPPK');
    await rejects(h.submit({ mspId: RS, attrs: { role: 'bpjs', kdPPK: '0199R001' } }, 'Visit:Record', intent('V1', detail), { detail }), 'FORBIDDEN', 'role=workstation');
    assert.equal(h.ledger.events.length, 1);
    const v = await h.submit(a, 'Visit:Record', intent('V1', detail), { detail });
    assert.equal(v.kdPPK, '0199R001');
  });

  it('only a workstation of the visit\'s faskes corrects it', async () => {
    const h = new Harness();
    await h.issueCard();
    await h.recordVisit(RS, 'V1');
    const detail = JSON.stringify({ by: 'dokter1', kind: 'DELETE', reason: 'ganda', salt: 'b2'.repeat(16) });
    const correct = { correctionId: 'V1-K1', visitId: 'V1', kind: 'DELETE', detailHash: sha256(detail) };
    await rejects(h.submit(ws(RS, '0199R002'), 'Visit:Correct', correct, { detail }), 'FORBIDDEN', '0199R002');
    assert.equal((await h.submit(RS, 'Visit:Correct', correct, { detail })).kdPPK, '0199R001');
  });
});
