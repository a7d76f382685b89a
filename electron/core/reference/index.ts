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
  listSpesialis,
  listSarana,
  listKhusus,
  nonSpesialisCodes,
} from './store'
export type { ReferenceKind, ReferenceLists, RefreshInfo, SpesialisTree } from './store'
