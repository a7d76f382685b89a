import { BPJS, PUSKESMAS, RS } from './acl';

/**
 * Private collection per submitting facility org (see collections_config.json). Chosen from the
 * *client* MSP, never from ctx.stub.getMspID(): one CCaaS process serves all peers.
 */
export const COLLECTION_BY_MSP: Readonly<Record<string, string>> = {
  [RS]: 'clinicalRS',
  [PUSKESMAS]: 'clinicalPuskesmas',
};

/** Orgs allowed to read a collection's data: the facility org and BPJS. */
export const COLLECTION_READERS: Readonly<Record<string, readonly string[]>> = {
  clinicalRS: [RS, BPJS],
  clinicalPuskesmas: [PUSKESMAS, BPJS],
};

/**
 * BPJS-only collection (collections_config.json): the card holder's data (holderHash) and card status reasons. Its
 * collection-level endorsement policy `OR('BPJSMSP.peer')` makes every card write need BPJS's peer.
 */
export const BPJS_PESERTA = 'bpjsPeserta';

/**
 * Fabric's implicit per-org collection: stored only on that org's peers, and a write to it must be endorsed by a
 * peer of that org (the org's `Endorsement` policy), which is how the data reaches that org.
 */
export function implicitCollection(msp: string): string {
  return `_implicit_org_${msp}`;
}
