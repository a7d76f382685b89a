import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { FACILITIES, clientMsp, requireMsp } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify, sha256Hex } from '../lib/canonical';
import { COLLECTION_BY_MSP, COLLECTION_READERS } from '../lib/collections';
import { fail } from '../lib/errors';
import { entityKey, getEntity, indexForPatient, listForPatient, mustGetEntity, putJson } from '../lib/store';
import { arg, checkField, parseIntent } from '../lib/validate';
import { runWrite } from '../lib/write';
import { CardRecord } from './card';

export interface VisitRecord {
  docType: 'Visit';
  visitId: string;
  noKartu: string;
  kdPPK: string;
  tglKunjungan: string;
  detailHash: string;
  /** Private collection holding the clinical detail (clinicalRS / clinicalPuskesmas). */
  collection: string;
  status: 'RECORDED';
  orgMsp: string;
  createdAt: string;
  updatedAt: string;
}

interface RecordIntent { visitId: string; noKartu: string; kdPPK: string; tglKunjungan: string; detailHash: string }

const decoder = new TextDecoder();
const ONE_DAY_MS = 86_400_000;

/** Minimal shape check of the clinical detail; the rest (treatment, vitals, ...) is free-form. */
function checkDetail(bytes: Uint8Array): void {
  let detail: unknown;
  try {
    detail = JSON.parse(decoder.decode(bytes));
  } catch {
    fail('INVALID', 'transient detail is not valid JSON');
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) fail('INVALID', 'transient detail must be a JSON object');
  const diagnoses = (detail as { diagnoses?: unknown }).diagnoses;
  if (!Array.isArray(diagnoses) || diagnoses.length === 0) fail('INVALID', 'detail.diagnoses must be a non-empty array');
  diagnoses.forEach((d: unknown, i: number) => {
    if (d === null || typeof d !== 'object') fail('INVALID', `detail.diagnoses[${i}] must be an object`);
    const { kdDiag, nmDiag } = d as { kdDiag?: unknown; nmDiag?: unknown };
    checkField(`detail.diagnoses[${i}].kdDiag`, kdDiag, { kind: 'text', max: 20 });
    checkField(`detail.diagnoses[${i}].nmDiag`, nmDiag, { kind: 'text', max: 300 });
  });
}

@Info({ title: 'Visit', description: 'Patient visits; clinical detail in the facility org private collection' })
export class VisitContract extends FaskesContract {
  constructor() {
    super('Visit');
  }

  /**
   * Transient key `detail`: the clinical detail JSON. detailHash = sha256 hex of exactly those bytes,
   * which is also the hash Fabric keeps on-chain for the private value (getPrivateDataHash).
   */
  @Transaction()
  @Returns('string')
  async Record(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<RecordIntent>(intentJson, {
      visitId: { kind: 'id' }, noKartu: { kind: 'noKartu' }, kdPPK: { kind: 'code' },
      tglKunjungan: { kind: 'date' }, detailHash: { kind: 'sha256' },
    });
    const msp = requireMsp(ctx, FACILITIES, 'record visits');
    const collection = COLLECTION_BY_MSP[msp];
    return runWrite(ctx, {
      contract: 'Visit', action: 'Record', idemId: intent.visitId, intent,
      apply: async (t) => {
        const detail = ctx.stub.getTransient().get('detail');
        if (!detail || detail.length === 0) fail('INVALID', 'transient map key "detail" is required');
        if (detail.length > 256 * 1024) fail('INVALID', 'transient detail is larger than 256 KiB');
        if (sha256Hex(detail) !== intent.detailHash) fail('INVALID', 'sha256(detail) does not match detailHash');
        checkDetail(detail);
        // Offline clinics sync late, so past dates are fine; a date beyond tomorrow (UTC, allowing
        // for WIB/WITA/WIT offsets) is a client clock or input error.
        const latest = new Date(Date.parse(t.iso) + ONE_DAY_MS).toISOString().slice(0, 10);
        if (intent.tglKunjungan > latest) fail('INVALID', `tglKunjungan ${intent.tglKunjungan} is in the future`);
        if (await getEntity(ctx, 'Visit', intent.visitId)) fail('CONFLICT', `visit ${intent.visitId} already exists`);
        const card = await mustGetEntity<CardRecord>(ctx, 'Card', intent.noKartu);
        if (card.status !== 'ACTIVE') fail('STATE', `card ${intent.noKartu} is ${card.status}`);

        const visit: VisitRecord = {
          docType: 'Visit', visitId: intent.visitId, noKartu: intent.noKartu, kdPPK: intent.kdPPK,
          tglKunjungan: intent.tglKunjungan, detailHash: intent.detailHash, collection, status: 'RECORDED',
          orgMsp: msp, createdAt: t.iso, updatedAt: t.iso,
        };
        const key = entityKey(ctx, 'Visit', visit.visitId);
        await putJson(ctx, key, visit);
        await ctx.stub.putPrivateData(collection, key, detail);
        await indexForPatient(ctx, visit.noKartu, 'Visit', visit.visitId, t.sortKey, t.iso);
        return { result: visit, touched: [{ entityType: 'Visit', entityId: visit.visitId, status: visit.status }] };
      },
    });
  }

  @Transaction(false)
  @Returns('string')
  async Read(ctx: Context, visitId: string): Promise<string> {
    arg('visitId', visitId, 'id');
    return canonicalStringify(await mustGetEntity<VisitRecord>(ctx, 'Visit', visitId));
  }

  /** Returns the stored detail bytes verbatim, so the caller can re-check them against detailHash. */
  @Transaction(false)
  @Returns('string')
  async ReadDetail(ctx: Context, visitId: string): Promise<string> {
    arg('visitId', visitId, 'id');
    const visit = await mustGetEntity<VisitRecord>(ctx, 'Visit', visitId);
    const msp = clientMsp(ctx);
    if (!COLLECTION_READERS[visit.collection]?.includes(msp)) fail('FORBIDDEN', `${msp} may not read ${visit.collection}`);
    const detail = await ctx.stub.getPrivateData(visit.collection, entityKey(ctx, 'Visit', visitId));
    if (!detail || detail.length === 0) fail('NOT_FOUND', `detail of visit ${visitId} is not on this peer (${visit.collection})`);
    return decoder.decode(detail);
  }

  @Transaction(false)
  @Returns('string')
  async ListByPatient(ctx: Context, noKartu: string): Promise<string> {
    arg('noKartu', noKartu, 'noKartu');
    return canonicalStringify((await listForPatient<VisitRecord>(ctx, noKartu, 'Visit')).map((e) => e.record));
  }
}
