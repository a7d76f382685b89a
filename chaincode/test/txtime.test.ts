import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BPJS, Harness, KARTU, PKM, RS, decisionOf, holderOf, referralDetail, rejects, sha256, suspendOf, visitDetail } from './harness';

const MIN = 60_000;
const claim = { claimId: 'CL-1', visitId: 'V1', noKartu: KARTU[0], amount: 185000, kdPPK: '0199R001' };
const rd = referralDetail();
const referral = { referralId: 'RJ-1', noKartu: KARTU[0], fromPPK: '0199B001', toPPK: '0199R001', detailHash: rd.detailHash };
const createReferral = (h: Harness) => h.submit(PKM, 'Referral:Create', referral, { detail: rd.detail });
const correction = JSON.stringify({ by: 'dokter1', kind: 'DELETE', reason: 'kunjungan ganda', salt: 'a1'.repeat(16) });

interface WriteCase {
  name: string;
  msp: string;
  /** Preconditions, committed with the peer clock equal to the tx time. */
  setup: (h: Harness) => Promise<unknown>;
  intent: Record<string, unknown>;
  transient?: Record<string, string>;
}

/** Every writing transaction of the chaincode (chaincode/README.md#contracts, "Writes"). */
const WRITES: WriteCase[] = [
  { name: 'Card:Issue', msp: BPJS, setup: async () => undefined,
    intent: { noKartu: KARTU[1], kdProviderPst: '0199B001' }, transient: { holder: holderOf(KARTU[1]) } },
  { name: 'Card:Replace', msp: BPJS, setup: (h) => h.issueCard(),
    intent: { requestId: 'REP-1', noKartu: KARTU[0], newNoKartu: KARTU[1] } },
  { name: 'Card:Suspend', msp: BPJS, setup: (h) => h.issueCard(),
    intent: suspendOf('S-1', KARTU[0])[0], transient: suspendOf('S-1', KARTU[0])[1] },
  { name: 'Card:Reactivate', msp: BPJS,
    setup: async (h) => { await h.issueCard(); await h.submit(BPJS, 'Card:Suspend', ...suspendOf('S-1', KARTU[0])); },
    intent: { requestId: 'R-1', noKartu: KARTU[0] } },
  { name: 'Visit:Record', msp: RS, setup: (h) => h.issueCard(),
    intent: { visitId: 'V1', noKartu: KARTU[0], kdPPK: '0199R001', tglKunjungan: '2025-06-14', detailHash: sha256(visitDetail('V1')) },
    transient: { detail: visitDetail('V1') } },
  { name: 'Visit:Correct', msp: RS, setup: async (h) => { await h.issueCard(); await h.recordVisit(RS, 'V1'); },
    intent: { correctionId: 'V1-K1', visitId: 'V1', kind: 'DELETE', detailHash: sha256(correction) }, transient: { detail: correction } },
  { name: 'Referral:Create', msp: PKM, setup: (h) => h.issueCard(), intent: referral, transient: { detail: rd.detail } },
  { name: 'Referral:Accept', msp: RS,
    setup: async (h) => { await h.issueCard(); await createReferral(h); },
    intent: { requestId: 'A-1', referralId: 'RJ-1' } },
  { name: 'Referral:Complete', msp: RS,
    setup: async (h) => {
      await h.issueCard();
      await createReferral(h);
      await h.submit(RS, 'Referral:Accept', { requestId: 'A-1', referralId: 'RJ-1' });
    },
    intent: { requestId: 'C-1', referralId: 'RJ-1' } },
  { name: 'Referral:Cancel', msp: PKM,
    setup: async (h) => { await h.issueCard(); await createReferral(h); },
    intent: { requestId: 'X-1', referralId: 'RJ-1' } },
  { name: 'MedicalRecord:Anchor', msp: RS, setup: (h) => h.issueCard(),
    intent: { recordId: 'MR-1', noKartu: KARTU[0], docHash: sha256('doc'), pointerCiphertext: 'b64:Zm9vYmFy' } },
  { name: 'Claim:Submit', msp: RS, setup: async (h) => { await h.issueCard(); await h.recordVisit(RS, 'V1'); }, intent: claim },
  { name: 'Claim:Approve', msp: BPJS,
    setup: async (h) => { await h.issueCard(); await h.recordVisit(RS, 'V1'); await h.submit(RS, 'Claim:Submit', claim); },
    intent: { requestId: 'AP-1', claimId: 'CL-1' } },
  { name: 'Claim:Reject', msp: BPJS,
    setup: async (h) => { await h.issueCard(); await h.recordVisit(RS, 'V1'); await h.submit(RS, 'Claim:Submit', claim); },
    intent: decisionOf('RJ-1', 'CL-1', 'Diagnosis tidak sesuai')[0], transient: decisionOf('RJ-1', 'CL-1', 'Diagnosis tidak sesuai')[1] },
];

describe('proposal timestamp against the endorsing peer clock (at most 10 min apart)', () => {
  for (const w of WRITES) {
    it(`${w.name}: 11 min in the past and 11 min in the future are CLOCK:, 9 min either way is accepted`, async () => {
      const h = new Harness();
      await w.setup(h);
      const writes = h.ledger.committedWrites;
      const events = h.ledger.events.length;

      // The peer's clock 11 min ahead of the tx timestamp: the tx is 11 min old.
      h.peerClockAheadMs = 11 * MIN;
      await rejects(h.submit(w.msp, w.name, w.intent, w.transient), 'CLOCK', 'behind');
      // The peer's clock 11 min behind: the tx claims a time 11 min in the future.
      h.peerClockAheadMs = -11 * MIN;
      await rejects(h.submit(w.msp, w.name, w.intent, w.transient), 'CLOCK', 'ahead of');
      assert.equal(h.ledger.committedWrites, writes, 'a refused write commits nothing');
      assert.equal(h.ledger.events.length, events, 'a refused write emits no event');

      h.peerClockAheadMs = 9 * MIN;
      const first = await h.submit(w.msp, w.name, w.intent, w.transient);
      assert.ok(h.ledger.committedWrites > writes, 'an accepted write commits');
      assert.equal(h.ledger.events.length, events + 1);
      // A replay 9 min in the future is accepted too and returns the stored result.
      h.peerClockAheadMs = -9 * MIN;
      assert.deepEqual(await h.submit(w.msp, w.name, w.intent, w.transient), first);
    });
  }

  it('reads are not checked', async () => {
    const h = new Harness();
    await h.issueCard();
    h.peerClockAheadMs = 365 * 24 * 60 * MIN;
    const card = await h.evaluate<{ status: string }>(RS, 'Card:ReadStatus', KARTU[0]);
    assert.equal(card.status, 'ACTIVE');
  });
});
