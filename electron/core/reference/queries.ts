import type { DiagnosaHit, Output } from '../../contract'
import { refreshSchedules } from '../clinic/doctors'
import { KHUSUS_WITH_SUBSPESIALIS } from '../clinic/rujukan'
import type { DB } from '../db'
import { AppError, msg } from '../errors'
import type { SyncEngine } from '../sync/engine'
import { refreshFailure } from './auto'
import { refreshReferenceData } from './refresh'
import { searchDiagnosa } from './search'
import { lastRefreshed, listAlergi, listDokter, listKesadaran, listKhusus, listPoli, listPrognosa, listSarana, listSpesialis, listStatusPulang } from './store'

/**
 * The cached PCare lists the counter and examination pages choose from (outpatient discharge states only), and
 * `refreshedAt`: the oldest list's fetch time in ms, null before the first refresh. Reads SQLite only.
 */
export function referenceLists(db: DB): Output<'reference.lists'> {
  const info = lastRefreshed(db)
  return {
    poli: listPoli(db),
    dokter: listDokter(db),
    kesadaran: listKesadaran(db),
    statusPulang: listStatusPulang(db, false),
    spesialis: listSpesialis(db),
    sarana: listSarana(db),
    khusus: listKhusus(db).map((k) => ({ ...k, subSpesialis: KHUSUS_WITH_SUBSPESIALIS.includes(k.kdKhusus) })),
    alergiMakanan: listAlergi(db, 'alergiMakanan'),
    alergiUdara: listAlergi(db, 'alergiUdara'),
    alergiObat: listAlergi(db, 'alergiObat'),
    prognosa: listPrognosa(db),
    refreshedAt: info.length ? Math.min(...info.map((i) => i.fetchedAt)) : null,
  }
}

/** The offline diagnosa search (searchDiagnosa) as the page gets it: in rank order, without the rank itself. */
export function diagnosaHits(db: DB, input: { q: string; limit: number }, userId: string | undefined): DiagnosaHit[] {
  return searchDiagnosa(db, input.q, input.limit, { userId }).map(({ rank: _rank, ...hit }) => hit)
}

/**
 * The admin's "refresh now": every PCare reference list, then today's doctors per poli from Antrean FKTP. A faskes
 * without Antrean keeps working from the full dokter list, so a schedule failure is ignored. Throws UNAVAILABLE
 * without an engine, and the refresh's own failure (refreshFailure) when PCare cannot be reached or refuses.
 */
export async function refreshNow(db: DB, engine: SyncEngine | null): Promise<Output<'reference.refresh'>> {
  if (!engine) throw new AppError('UNAVAILABLE', msg('err.noEngine'))
  const r = await refreshReferenceData(db, await engine.pcareClient()).catch((err: unknown) => Promise.reject(refreshFailure(err)))
  await refreshSchedules(db, () => engine.antreanClient(), listPoli(db).map((p) => p.kdPoli)).catch(() => null)
  return { written: r.written, skipped: r.skipped }
}
