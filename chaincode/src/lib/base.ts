import { Context, Contract } from 'fabric-contract-api';
import { MEMBER_ORGS, requireMsp } from './acl';

/**
 * Common base: only the three consortium orgs may call anything (e.g. an OrdererMSP admin
 * identity is refused). Per-function rules are checked inside each transaction.
 */
export abstract class FaskesContract extends Contract {
  async beforeTransaction(ctx: Context): Promise<void> {
    requireMsp(ctx, MEMBER_ORGS, 'use the faskes chaincode');
  }
}
