import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { BPJS, clientMsp, requireBpjs, requireWorkstation } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { fail } from '../lib/errors';
import { entityKey, getEntity, indexForPatient, mustGetEntity, putJson } from '../lib/store';
import { arg, parseIntent } from '../lib/validate';
import { runWrite } from '../lib/write';

interface MedicalRecordAnchor {
  docType: 'MedicalRecord';
  recordId: string;
  noKartu: string;
  docHash: string;
  /** Encrypted pointer to the off-chain document; opaque to the chaincode. */
  pointerCiphertext: string;
  status: 'ANCHORED';
  ownerMsp: string;
  /** The anchoring workstation's faskes code (certificate attribute); absent for a BPJS anchor. */
  kdPPK?: string;
  createdAt: string;
  updatedAt: string;
}

interface AnchorIntent { recordId: string; noKartu: string; docHash: string; pointerCiphertext: string }

@Info({ title: 'MedicalRecord', description: 'Anchors hashes of off-chain medical documents' })
export class MedicalRecordContract extends FaskesContract {
  constructor() {
    super('MedicalRecord');
  }

  @Transaction()
  @Returns('string')
  async Anchor(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<AnchorIntent>(intentJson, {
      recordId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, docHash: { kind: 'sha256' },
      pointerCiphertext: { kind: 'text', max: 8192 },
    });
    // BPJS, or a workstation: the anchor's faskes is the certificate's kdPPK, never a field the client chooses.
    const ws = clientMsp(ctx) === BPJS ? undefined : requireWorkstation(ctx, 'anchor medical records');
    const msp = ws ? ws.msp : requireBpjs(ctx, 'anchor medical records');
    return runWrite(ctx, {
      contract: 'MedicalRecord', action: 'Anchor', idemId: intent.recordId, intent,
      apply: async (t) => {
        if (await getEntity(ctx, 'MedicalRecord', intent.recordId)) fail('CONFLICT', `record ${intent.recordId} already exists`);
        const rec: MedicalRecordAnchor = {
          docType: 'MedicalRecord', recordId: intent.recordId, noKartu: intent.noKartu, docHash: intent.docHash,
          pointerCiphertext: intent.pointerCiphertext, status: 'ANCHORED', ownerMsp: msp, kdPPK: ws?.kdPPK, createdAt: t.iso, updatedAt: t.iso,
        };
        await putJson(ctx, entityKey(ctx, 'MedicalRecord', rec.recordId), rec);
        await indexForPatient(ctx, rec.noKartu, 'MedicalRecord', rec.recordId, t.sortKey, t.iso);
        return { result: rec, touched: [{ entityType: 'MedicalRecord', entityId: rec.recordId, status: rec.status }] };
      },
    });
  }

  @Transaction(false)
  @Returns('string')
  async Verify(ctx: Context, recordId: string, sha256hex: string): Promise<string> {
    arg('recordId', recordId, 'id');
    arg('sha256hex', sha256hex, 'sha256');
    const rec = await mustGetEntity<MedicalRecordAnchor>(ctx, 'MedicalRecord', recordId);
    return canonicalStringify({ recordId, match: rec.docHash === sha256hex });
  }
}
