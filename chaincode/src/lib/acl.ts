import { Context } from 'fabric-contract-api';
import { fail } from './errors';

export const BPJS = 'BPJSMSP';
export const RS = 'RSMSP';
export const PUSKESMAS = 'PuskesmasMSP';
const FACILITIES: readonly string[] = [RS, PUSKESMAS];
export const MEMBER_ORGS: readonly string[] = [BPJS, RS, PUSKESMAS];

/** Certificate attributes the org's Fabric CA puts into a client's enrolment certificate (ecert=true). */
const ATTR = {
  /** The faskes (PPK) code of a workstation: 8 chars `^[0-9A-Z]{8}$`. */
  kdPPK: 'kdPPK',
  /** `workstation` (a faskes desk) or `bpjs` (a BPJS officer client). */
  role: 'role',
} as const;
const ROLE_WORKSTATION = 'workstation';
const ROLE_BPJS = 'bpjs';
const KDPPK_RE = /^[0-9A-Z]{8}$/;

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

/** A certificate attribute, or undefined when the certificate has none (fabric-shim answers null). */
function attr(ctx: Context, name: string): string | undefined {
  const v = ctx.clientIdentity.getAttributeValue(name);
  return v === null || v === undefined ? undefined : String(v);
}

/** A faskes workstation: its org and the faskes code its certificate carries. */
export interface Workstation {
  msp: string;
  kdPPK: string;
}

/**
 * The caller as a faskes workstation: a facility MSP, certificate attribute `role=workstation` and a well-formed
 * `kdPPK` attribute (FORBIDDEN otherwise). The faskes code of every facility write is this attribute, never an
 * intent field: an intent that names another code is refused with `requireOwnCode`.
 */
export function requireWorkstation(ctx: Context, what: string): Workstation {
  const msp = requireMsp(ctx, FACILITIES, what);
  const role = attr(ctx, ATTR.role);
  if (role !== ROLE_WORKSTATION) fail('FORBIDDEN', `${what} needs a workstation certificate (attribute role=${ROLE_WORKSTATION}; this one has ${role ?? 'none'})`);
  const kdPPK = attr(ctx, ATTR.kdPPK);
  if (kdPPK === undefined || !KDPPK_RE.test(kdPPK)) fail('FORBIDDEN', `${what} needs a certificate with a faskes code (attribute kdPPK, 8 chars [0-9A-Z])`);
  return { msp, kdPPK };
}

/** FORBIDDEN unless the intent's faskes code `code` (field `field`) is the caller's own. */
export function requireOwnCode(ws: Workstation, field: string, code: string): void {
  if (code !== ws.kdPPK) fail('FORBIDDEN', `${field} ${code} is not this workstation's faskes code ${ws.kdPPK}`);
}

/**
 * The caller as BPJS: MSP BPJSMSP and, when the certificate carries a role attribute, `role=bpjs` (a BPJS-issued
 * workstation certificate cannot act as BPJS). Admin/node identities without attributes pass, like the seed's.
 */
export function requireBpjs(ctx: Context, what: string): string {
  const msp = requireMsp(ctx, [BPJS], what);
  const role = attr(ctx, ATTR.role);
  if (role !== undefined && role !== ROLE_BPJS) fail('FORBIDDEN', `${what} needs role=${ROLE_BPJS} (this certificate has role=${role})`);
  return msp;
}

/** Who reads: BPJS (reads all) or a workstation with its faskes code. */
export type Reader = { bpjs: true; msp: string } | { bpjs: false; msp: string; kdPPK: string };

/** The caller of a scoped read (FORBIDDEN for a facility identity without workstation attributes). */
export function reader(ctx: Context, what: string): Reader {
  if (clientMsp(ctx) === BPJS) return { bpjs: true, msp: requireBpjs(ctx, what) };
  return { bpjs: false, ...requireWorkstation(ctx, what) };
}

/** Best-effort subject id for audit entries; never used for access decisions. */
export function clientId(ctx: Context): string {
  try {
    return ctx.clientIdentity.getID();
  } catch {
    return '';
  }
}
