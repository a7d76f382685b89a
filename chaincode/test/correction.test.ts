import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCompositeKey } from './fakeStub';
import { BPJS, Harness, KARTU, PKM, RS, rejects, sha256, visitDetail } from './harness';

/** A correction's private detail as the workstation sends it: canonical-looking JSON of kind, reason, by, detail?. */
function correctionDetail(kind: string, over: Record<string, unknown> = {}): string {
  const detail = kind === 'EDIT' ? { detail: JSON.parse(visitDetail('corrected')) } : {};
  return JSON.stringify({ by: 'dokter1', kind, reason: 'diagnosis salah ketik', ...detail, salt: 'c0'.repeat(16), ...over });
}
function intent(correctionId: string, kind: string, detail: string, visitId = 'V1') {
  return { correctionId, visitId, kind, detailHash: sha256(detail) };
}

async function recorded(msp = RS): Promise<Harness> {
  const h = new Harness();
  await h.issueCard();
  await h.recordVisit(msp, 'V1');
  return h;
}

describe('Visit:Correct', () => {
  it('records a correction as an entry of its own: the visit stays as recorded, the detail goes to its collection', async () => {
    const h = await recorded();
    const before = await h.evaluate<Record<string, unknown>>(RS, 'Visit:Read', 'V1');
    const detail = correctionDetail('EDIT');
    const c = await h.submit(RS, 'Visit:Correct', intent('V1-K1', 'EDIT', detail), { detail });
    assert.deepEqual(
      { ...c, createdAt: undefined, updatedAt: undefined },
      { docType: 'Correction', correctionId: 'V1-K1', visitId: 'V1', noKartu: KARTU[0], kind: 'EDIT', kdPPK: '0199R001', detailHash: sha256(detail),
        collection: 'clinicalRS', status: 'RECORDED', orgMsp: RS, createdAt: undefined, updatedAt: undefined },
    );
    assert.deepEqual(await h.evaluate(RS, 'Visit:Read', 'V1'), before);
    assert.deepEqual(await h.evaluate(RS, 'Visit:ReadCorrection', 'V1-K1'), c);
    const key = createCompositeKey('Correction', ['V1-K1']);
    assert.equal(Buffer.from(h.ledger.privateData.get('clinicalRS')!.get(key)!).toString('utf8'), detail);
    const publicBytes = [...h.ledger.state.values()].map((b) => Buffer.from(b).toString('utf8')).join('\n');
    assert.ok(!publicBytes.includes('salah ketik'), 'the reason leaked into public state');
    assert.equal(h.ledger.events.at(-1)!.name, 'Visit.Correct');
    const visitAudit = await h.evaluate<{ action: string }[]>(RS, 'Audit:ListByEntity', 'Visit', 'V1');
    assert.deepEqual(visitAudit.map((a) => a.action), ['Record', 'Correct']);
    const history = await h.evaluate<{ entityType: string; entityId: string }[]>(BPJS, 'History:ForPatient', KARTU[0]);
    assert.deepEqual(history.filter((e) => e.entityType !== 'Card').map((e) => `${e.entityType}:${e.entityId}`), ['Visit:V1', 'Correction:V1-K1']);
  });

  it('a DELETE needs no clinical detail; every correction is its own entry, a replay none', async () => {
    const h = await recorded(PKM);
    const del = correctionDetail('DELETE', { reason: 'salah pasien' });
    const edit = correctionDetail('EDIT');
    await h.submit(PKM, 'Visit:Correct', intent('V1-K1', 'EDIT', edit), { detail: edit });
    const c = await h.submit(PKM, 'Visit:Correct', intent('V1-K2', 'DELETE', del), { detail: del });
    assert.equal(c.collection, 'clinicalPuskesmas');
    const events = h.ledger.events.length;
    assert.deepEqual(await h.submit(PKM, 'Visit:Correct', intent('V1-K2', 'DELETE', del)), c);
    assert.equal(h.ledger.events.length, events);
    await rejects(h.submit(PKM, 'Visit:Correct', intent('V1-K2', 'EDIT', edit), { detail: edit }), 'CONFLICT');
    const history = await h.evaluate<{ entityType: string }[]>(BPJS, 'History:ForPatient', KARTU[0]);
    assert.equal(history.filter((e) => e.entityType === 'Correction').length, 2);
  });

  it('checks the intent and the private detail', async () => {
    const h = await recorded();
    const edit = correctionDetail('EDIT');
    await rejects(h.submit(RS, 'Visit:Correct', intent('V1-K1', 'RENAME', edit), { detail: edit }), 'INVALID', 'kind');
    await rejects(h.submit(RS, 'Visit:Correct', intent('V1-K1', 'EDIT', edit)), 'INVALID', 'transient');
    await rejects(h.submit(RS, 'Visit:Correct', intent('V1-K1', 'EDIT', edit), { detail: edit + ' ' }), 'INVALID', 'detailHash');
    const del = correctionDetail('DELETE');
    await rejects(h.submit(RS, 'Visit:Correct', intent('V1-K1', 'EDIT', del), { detail: del }), 'INVALID', 'detail.kind');
    const noReason = correctionDetail('DELETE', { reason: '' });
    await rejects(h.submit(RS, 'Visit:Correct', intent('V1-K1', 'DELETE', noReason), { detail: noReason }), 'INVALID', 'detail.reason');
    const noDiagnosis = correctionDetail('EDIT', { detail: { diagnoses: [] } });
    await rejects(h.submit(RS, 'Visit:Correct', intent('V1-K1', 'EDIT', noDiagnosis), { detail: noDiagnosis }), 'INVALID', 'detail.detail.diagnoses');
    const unsalted = correctionDetail('DELETE', { salt: undefined });
    await rejects(h.submit(RS, 'Visit:Correct', intent('V1-K1', 'DELETE', unsalted), { detail: unsalted }), 'INVALID', 'detail.salt');
    await rejects(h.submit(RS, 'Visit:Correct', intent('V9-K1', 'DELETE', del, 'V9'), { detail: del }), 'NOT_FOUND');
  });

  it('only the org that recorded the visit may correct it', async () => {
    const h = await recorded(RS);
    const del = correctionDetail('DELETE');
    await rejects(h.submit(PKM, 'Visit:Correct', intent('V1-K1', 'DELETE', del), { detail: del }), 'FORBIDDEN');
    await rejects(h.submit(BPJS, 'Visit:Correct', intent('V1-K1', 'DELETE', del), { detail: del }), 'FORBIDDEN');
    await rejects(h.evaluate(RS, 'Visit:ReadCorrection', 'V1-K1'), 'NOT_FOUND');
  });
});
