import { Context } from 'fabric-contract-api';

export interface TxTime {
  /** ISO-8601 with milliseconds, for records and events. */
  iso: string;
  /** ISO-8601 with nanoseconds: fixed width, so it sorts lexicographically inside composite keys. */
  sortKey: string;
}

/**
 * The proposal's timestamp is identical on every endorser, unlike the wall clock, so it is the
 * only time chaincode may use.
 */
export function txTime(ctx: Context): TxTime {
  const ts = ctx.stub.getTxTimestamp();
  const seconds = Number(ts.seconds.toString());
  const nanos = ts.nanos;
  const iso = new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
  return { iso, sortKey: `${iso.slice(0, 19)}.${String(nanos).padStart(9, '0')}Z` };
}
