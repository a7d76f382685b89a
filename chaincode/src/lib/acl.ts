import { Context } from 'fabric-contract-api';
import { fail } from './errors';

export const BPJS = 'BPJSMSP';
export const RS = 'RSMSP';
export const PUSKESMAS = 'PuskesmasMSP';
export const FACILITIES: readonly string[] = [RS, PUSKESMAS];
export const MEMBER_ORGS: readonly string[] = [BPJS, RS, PUSKESMAS];

/**
 * The org of the *client* that signed the proposal. ctx.stub.getMspID() is not used anywhere:
 * one CCaaS process serves the peers of all three orgs and getMspID() only reports that
 * process's CORE_PEER_LOCALMSPID env, not the endorsing peer's org.
 */
export function clientMsp(ctx: Context): string {
  return ctx.clientIdentity.getMSPID();
}

export function requireMsp(ctx: Context, allowed: readonly string[], what: string): string {
  const msp = clientMsp(ctx);
  if (!allowed.includes(msp)) fail('FORBIDDEN', `${msp} may not ${what} (allowed: ${allowed.join(', ')})`);
  return msp;
}

/** Best-effort subject id for audit entries; never used for access decisions. */
export function clientId(ctx: Context): string {
  try {
    return ctx.clientIdentity.getID();
  } catch {
    return '';
  }
}
