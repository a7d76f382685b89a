/** The reference-data module's surface: refresh, search and the cached lists (each from its own file). */
export { refreshReferenceData } from './refresh'
export { searchDiagnosa, getDiagnosa, ftsQuery, recordDiagnosaPicks } from './search'
export { DIAGNOSA_ALIASES } from './aliases'
export { searchTindakan, searchObat, itemNames } from './items'
export {
  replaceReferenceLists,
  lastRefreshed,
  listPoli,
  listDokter,
  listKesadaran,
  listStatusPulang,
  listSpesialis,
  listSarana,
  listKhusus,
  listAlergi,
  listPrognosa,
} from './store'
