/**
 * Whether `noRawat` is the local id (`desk-<n>`) a hub desk gives a visit it started while its hub was away, until
 * the hub names the visit's noRawat (core/hub/offline.ts); the page drops such ids once the desk's work is at the hub.
 * Its own module so the page can use it without the contract's schemas.
 */
export function isDeskLocalId(noRawat: string): boolean {
  return /^desk-\d+$/.test(noRawat)
}
