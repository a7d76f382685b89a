import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { listForPatient, patientTimeline, resolveTimeline } from '../lib/store';
import { fail } from '../lib/errors';
import { requirePatientReader } from '../lib/scope';
import { arg } from '../lib/validate';

@Info({ title: 'History', description: 'Patient timeline across cards, visits, referrals, records and claims' })
export class HistoryContract extends FaskesContract {
  constructor() {
    super('History');
  }

  /** [{entityType, entityId, at, record}] in tx-time order of when each entity was linked to the card. */
  @Transaction(false)
  @Returns('string')
  async ForPatient(ctx: Context, noKartu: string): Promise<string> {
    arg('noKartu', noKartu, 'noKartu');
    await requirePatientReader(ctx, noKartu, 'read this patient\'s history');
    const entries = await listForPatient(ctx, noKartu);
    return canonicalStringify(entries.map(({ entityType, entityId, at, record }) => ({ entityType, entityId, at, record })));
  }

  /**
   * The newest `limit` (1-200) entries, oldest first, and how many there are in all: what a screen shows. A card
   * used for years links hundreds of entities, and ForPatient returns them all.
   */
  @Transaction(false)
  @Returns('string')
  async Recent(ctx: Context, noKartu: string, limit: string): Promise<string> {
    arg('noKartu', noKartu, 'noKartu');
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 200) fail('INVALID', 'limit must be an integer from 1 to 200');
    await requirePatientReader(ctx, noKartu, 'read this patient\'s history');
    // Order from the keys, records read only for the entries shown.
    const timeline = await patientTimeline(ctx, noKartu);
    const entries = await resolveTimeline(ctx, timeline.slice(Math.max(0, timeline.length - n)));
    return canonicalStringify({ total: timeline.length, entries: entries.map(({ entityType, entityId, at, record }) => ({ entityType, entityId, at, record })) });
  }
}
