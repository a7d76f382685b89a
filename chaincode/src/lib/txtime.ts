import { Context } from 'fabric-contract-api';
import { fail } from './errors';

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

/**
 * An ISO-8601 time a caller gave, as a TxTime.sortKey (what index keys hold), for range starts. Throws INVALID when
 * it is not a time.
 */
export function isoSortKey(iso: string): string {
  const ms = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || Number.isNaN(ms)) fail('INVALID', 'from must be an ISO-8601 time (yyyy-MM-ddTHH:mm:ssZ)');
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 19)}.${d.slice(20, 23)}000000Z`;
}

/**
 * How far (ms) a write's proposal timestamp may be from the endorsing peer's clock, either way: 10 minutes
 * (issue 14). Fabric itself does not check the client-chosen timestamp, so without this a client could backdate
 * or postdate a record and its audit trail.
 */
const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

/**
 * Refuses a write whose proposal timestamp is more than MAX_CLOCK_SKEW_MS from this chaincode process's clock
 * (`Date.now()`, the endorsing peer's host time), with `CLOCK:` (a kind of its own: the workstation retries it,
 * since a fixed clock and a fresh proposal pass). Only writes call it (`runWrite`); reads are not checked.
 * The wall clock never enters state or results, so endorsers still write identical bytes; two endorsers with
 * clocks apart may disagree only at the boundary, which fails the endorsement and is retried.
 */
export function requireCurrentTxTime(ctx: Context): void {
  const ts = ctx.stub.getTxTimestamp();
  const txMs = Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1e6);
  const peerMs = Date.now();
  const skewMs = txMs - peerMs;
  if (Math.abs(skewMs) > MAX_CLOCK_SKEW_MS) {
    const minutes = (Math.abs(skewMs) / 60_000).toFixed(1);
    fail('CLOCK', `transaction time ${new Date(txMs).toISOString()} is ${minutes} min ${skewMs < 0 ? 'behind' : 'ahead of'} `
      + `the endorsing peer's clock ${new Date(peerMs).toISOString()} (at most ${MAX_CLOCK_SKEW_MS / 60_000} min); `
      + 'check the clock of the sending computer');
  }
}
