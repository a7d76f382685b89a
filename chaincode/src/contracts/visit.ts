import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { BPJS, clientMsp, requireOwnCode, requireWorkstation } from '../lib/acl';
import { FaskesContract } from '../lib/base';
import { canonicalStringify, sha256Hex } from '../lib/canonical';
import { COLLECTION_BY_MSP, COLLECTION_READERS } from '../lib/collections';
import { fail } from '../lib/errors';
import { requirePatientReader } from '../lib/scope';
import { entityKey, getEntity, indexForPatient, listForPatient, mustGetEntity, putJson } from '../lib/store';
import { checkSalt } from '../lib/transient';
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
  /** The visit's claim, set by Claim:Submit (that write to this key is what needs BPJS + the visit's org). */
  claimId?: string;
  createdAt: string;
  updatedAt: string;
}

interface RecordIntent { visitId: string; noKartu: string; kdPPK: string; tglKunjungan: string; detailHash: string }

/**
 * A correction of a recorded visit, an entry of its own: the Visit record is never overwritten. kind EDIT: the
 * examination was edited (the private detail carries the corrected clinical detail); DELETE: the faskes deleted the
 * visit's kunjungan in PCare.
 */
interface CorrectionRecord {
  docType: 'Correction';
  correctionId: string;
  visitId: string;
  noKartu: string;
  kind: 'EDIT' | 'DELETE';
  /** The visit's faskes code. */
  kdPPK: string;
  /** sha256 hex of the private detail ({kind, reason, by, detail?}); reason and corrected data stay private. */
  detailHash: string;
  collection: string;
  status: 'RECORDED';
  orgMsp: string;
  createdAt: string;
  updatedAt: string;
}

interface CorrectIntent { correctionId: string; visitId: string; kind: string; detailHash: string }
const CORRECTION_KINDS = ['EDIT', 'DELETE'] as const;

const decoder = new TextDecoder();
const ONE_DAY_MS = 86_400_000;

/** The transient detail as a JSON object, or INVALID. */
function detailObject(bytes: Uint8Array): Record<string, unknown> {
  let detail: unknown;
  try {
    detail = JSON.parse(decoder.decode(bytes));
  } catch {
    fail('INVALID', 'transient detail is not valid JSON');
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) fail('INVALID', 'transient detail must be a JSON object');
  return detail as Record<string, unknown>;
}

/** The transient `detail`: present, at most 256 KiB, and hashing to `detailHash`. */
function transientDetail(ctx: Context, detailHash: string): Uint8Array {
  const detail = ctx.stub.getTransient().get('detail');
  if (!detail || detail.length === 0) fail('INVALID', 'transient map key "detail" is required');
  if (detail.length > 256 * 1024) fail('INVALID', 'transient detail is larger than 256 KiB');
  if (sha256Hex(detail) !== detailHash) fail('INVALID', 'sha256(detail) does not match detailHash');
  return detail;
}

/** Minimal shape check of the clinical detail and its salt (checkSalt); the rest (treatment, vitals, ...) is free-form. */
function checkDetail(bytes: Uint8Array): void {
  const d = detailObject(bytes);
  checkClinical(d, 'detail');
  checkSalt(d.salt, 'detail');
}

function checkClinical(detail: unknown, name: string): void {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) fail('INVALID', `${name} must be a JSON object`);
  const diagnoses = (detail as { diagnoses?: unknown }).diagnoses;
  if (!Array.isArray(diagnoses) || diagnoses.length === 0) fail('INVALID', `${name}.diagnoses must be a non-empty array`);
  diagnoses.forEach((d: unknown, i: number) => {
    if (d === null || typeof d !== 'object') fail('INVALID', `${name}.diagnoses[${i}] must be an object`);
    const { kdDiag, nmDiag } = d as { kdDiag?: unknown; nmDiag?: unknown };
    checkField(`${name}.diagnoses[${i}].kdDiag`, kdDiag, { kind: 'text', max: 20 });
    checkField(`${name}.diagnoses[${i}].nmDiag`, nmDiag, { kind: 'text', max: 300 });
  });
}

/** A correction's private detail: its kind (as the intent's), a reason, who, for an EDIT the corrected clinical detail, and a salt. */
function checkCorrectionDetail(bytes: Uint8Array, kind: string): void {
  const d = detailObject(bytes);
  if (d.kind !== kind) fail('INVALID', `detail.kind must be ${kind}`);
  checkField('detail.reason', d.reason, { kind: 'text' });
  checkField('detail.by', d.by, { kind: 'text', max: 100 });
  if (kind === 'EDIT') checkClinical(d.detail, 'detail.detail');
  checkSalt(d.salt, 'detail');
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
    const ws = requireWorkstation(ctx, 'record visits');
    requireOwnCode(ws, 'kdPPK', intent.kdPPK);
    const msp = ws.msp;
    const collection = COLLECTION_BY_MSP[msp];
    return runWrite(ctx, {
      contract: 'Visit', action: 'Record', idemId: intent.visitId, intent,
      apply: async (t) => {
        const detail = transientDetail(ctx, intent.detailHash);
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
        // Any later write of this key (Claim:Submit links its claim) needs BPJS's peer and the visit's org's peer.
        const policy = new KeyEndorsementPolicy();
        policy.addOrgs('PEER', BPJS, msp);
        await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
        await ctx.stub.putPrivateData(collection, key, detail);
        await indexForPatient(ctx, visit.noKartu, 'Visit', visit.visitId, t.sortKey, t.iso);
        return { result: visit, touched: [{ entityType: 'Visit', entityId: visit.visitId, status: visit.status }] };
      },
    });
  }

  /**
   * Records a correction of a visit as an entry of its own (kind EDIT or DELETE), keyed by `correctionId` and linked
   * to the visit and its card; the Visit record is left as it was. Only the org that recorded the visit may correct
   * it. Transient key `detail`: {kind, reason, by, detail?} as JSON (detail: the corrected clinical detail, EDIT
   * only), hashed into `detailHash` and kept in the visit's private collection. The visit gets an audit entry
   * `Correct`; the event is `Visit.Correct`.
   */
  @Transaction()
  @Returns('string')
  async Correct(ctx: Context, intentJson: string): Promise<string> {
    const intent = parseIntent<CorrectIntent>(intentJson, {
      correctionId: { kind: 'id' }, visitId: { kind: 'id' }, kind: { kind: 'text', max: 10 }, detailHash: { kind: 'sha256' },
    });
    if (!(CORRECTION_KINDS as readonly string[]).includes(intent.kind)) fail('INVALID', `kind must be one of ${CORRECTION_KINDS.join(', ')}`);
    const ws = requireWorkstation(ctx, 'correct visits');
    const msp = ws.msp;
    return runWrite(ctx, {
      contract: 'Visit', action: 'Correct', idemId: intent.correctionId, intent,
      apply: async (t) => {
        const detail = transientDetail(ctx, intent.detailHash);
        checkCorrectionDetail(detail, intent.kind);
        const visit = await mustGetEntity<VisitRecord>(ctx, 'Visit', intent.visitId);
        if (visit.orgMsp !== msp) fail('FORBIDDEN', `visit ${visit.visitId} was recorded by ${visit.orgMsp}`);
        requireOwnCode(ws, `visit ${visit.visitId} kdPPK`, visit.kdPPK);
        if (await getEntity(ctx, 'Correction', intent.correctionId)) fail('CONFLICT', `correction ${intent.correctionId} already exists`);
        const correction: CorrectionRecord = {
          docType: 'Correction', correctionId: intent.correctionId, visitId: visit.visitId, noKartu: visit.noKartu,
          kind: intent.kind as CorrectionRecord['kind'], kdPPK: visit.kdPPK, detailHash: intent.detailHash, collection: visit.collection,
          status: 'RECORDED', orgMsp: msp, createdAt: t.iso, updatedAt: t.iso,
        };
        const key = entityKey(ctx, 'Correction', correction.correctionId);
        await putJson(ctx, key, correction);
        await ctx.stub.putPrivateData(visit.collection, key, detail);
        await indexForPatient(ctx, visit.noKartu, 'Correction', correction.correctionId, t.sortKey, t.iso);
        return {
          result: correction,
          touched: [
            { entityType: 'Correction', entityId: correction.correctionId, status: correction.status },
            { entityType: 'Visit', entityId: visit.visitId, status: visit.status, action: 'Correct' },
          ],
        };
      },
    });
  }

  @Transaction(false)
  @Returns('string')
  async ReadCorrection(ctx: Context, correctionId: string): Promise<string> {
    arg('correctionId', correctionId, 'id');
    const correction = await mustGetEntity<CorrectionRecord>(ctx, 'Correction', correctionId);
    await requirePatientReader(ctx, correction.noKartu, 'read this correction');
    return canonicalStringify(correction);
  }

  @Transaction(false)
  @Returns('string')
  async Read(ctx: Context, visitId: string): Promise<string> {
    arg('visitId', visitId, 'id');
    const visit = await mustGetEntity<VisitRecord>(ctx, 'Visit', visitId);
    await requirePatientReader(ctx, visit.noKartu, 'read this visit');
    return canonicalStringify(visit);
  }

  /** Returns the stored detail bytes verbatim, so the caller can re-check them against detailHash. */
  @Transaction(false)
  @Returns('string')
  async ReadDetail(ctx: Context, visitId: string): Promise<string> {
    arg('visitId', visitId, 'id');
    const visit = await mustGetEntity<VisitRecord>(ctx, 'Visit', visitId);
    const msp = clientMsp(ctx);
    if (!COLLECTION_READERS[visit.collection]?.includes(msp)) fail('FORBIDDEN', `${msp} may not read ${visit.collection}`);
    await requirePatientReader(ctx, visit.noKartu, 'read this visit\'s detail');
    const detail = await ctx.stub.getPrivateData(visit.collection, entityKey(ctx, 'Visit', visitId));
    if (!detail || detail.length === 0) fail('NOT_FOUND', `detail of visit ${visitId} is not on this peer (${visit.collection})`);
    return decoder.decode(detail);
  }

  @Transaction(false)
  @Returns('string')
  async ListByPatient(ctx: Context, noKartu: string): Promise<string> {
    arg('noKartu', noKartu, 'noKartu');
    await requirePatientReader(ctx, noKartu, 'list this patient\'s visits');
    return canonicalStringify((await listForPatient<VisitRecord>(ctx, noKartu, 'Visit')).map((e) => e.record));
  }
}
