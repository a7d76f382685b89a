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
