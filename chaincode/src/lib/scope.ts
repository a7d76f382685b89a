import { Context } from 'fabric-contract-api';
import { Reader, reader } from './acl';
import { fail } from './errors';
import { getEntity, patientTimeline } from './store';

/**
 * Whether `who` may read what is linked to card `noKartu`: BPJS reads all; a workstation reads the cards its faskes
 * served (a Visit with its kdPPK) or was referred from or to (a Referral whose fromPPK or toPPK is its code).
 * Reads only this card's Visit and Referral index rows and those records.
 */
async function servedOrReferred(ctx: Context, noKartu: string, who: Reader): Promise<boolean> {
  if (who.bpjs) return true;
  for (const row of await patientTimeline(ctx, noKartu)) {
    if (row.entityType !== 'Visit' && row.entityType !== 'Referral') continue;
    const rec = await getEntity<{ kdPPK?: string; fromPPK?: string; toPPK?: string }>(ctx, row.entityType, row.entityId);
    if (rec && [rec.kdPPK, rec.fromPPK, rec.toPPK].includes(who.kdPPK)) return true;
  }
  return false;
}

/**
 * The caller as a reader of card `noKartu`'s entries (`what` names the read in the message): FORBIDDEN unless it is
 * BPJS or its faskes served the patient or was referred (`servedOrReferred`).
 */
export async function requirePatientReader(ctx: Context, noKartu: string, what: string): Promise<Reader> {
  const who = reader(ctx, what);
  if (!(await servedOrReferred(ctx, noKartu, who))) {
    fail('FORBIDDEN', `faskes ${who.bpjs ? who.msp : who.kdPPK} neither served nor was referred this patient; it may not ${what}`);
  }
  return who;
}
