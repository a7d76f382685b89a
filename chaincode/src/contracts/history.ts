import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { FaskesContract } from '../lib/base';
import { canonicalStringify } from '../lib/canonical';
import { listForPatient } from '../lib/store';
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
    const entries = await listForPatient(ctx, noKartu);
    return canonicalStringify(entries.map(({ entityType, entityId, at, record }) => ({ entityType, entityId, at, record })));
  }
}
