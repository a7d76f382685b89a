export { refreshReferenceData } from './refresh'
export type { RefreshOptions } from './refresh'
export { ReferenceAutoRefresh, dueReferenceKinds, refreshFailure, referenceStamp, REFERENCE_MAX_AGE_MS } from './auto'
export type { AutoRefreshOptions, AutoRefreshState } from './auto'
export { searchDiagnosa, getDiagnosa, ftsQuery, recordDiagnosaPicks } from './search'
export type { DiagnosaHit, SearchOptions } from './search'
export { aliasMatches, DIAGNOSA_ALIASES } from './aliases'
export type { AliasMatch } from './aliases'
export { searchTindakan, searchObat, itemNames } from './items'
export {
  replaceReferenceLists,
  lastRefreshed,
  listPoli,
  listDokter,
  listKesadaran,
  listStatusPulang,
  listProvider,
  listSpesialis,
  listSarana,
  listKhusus,
  listAlergi,
  listPrognosa,
  nonSpesialisCodes,
} from './store'
export type { ReferenceKind, ReferenceLists, RefreshInfo, SpesialisTree } from './store'
