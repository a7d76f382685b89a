export { refreshReferenceData } from './refresh'
export type { RefreshOptions } from './refresh'
export { searchDiagnosa, getDiagnosa, ftsQuery } from './search'
export type { DiagnosaHit } from './search'
export {
  replaceReferenceLists,
  lastRefreshed,
  listPoli,
  listDokter,
  listKesadaran,
  listStatusPulang,
  listProvider,
} from './store'
export type { ReferenceKind, ReferenceLists, RefreshInfo } from './store'
