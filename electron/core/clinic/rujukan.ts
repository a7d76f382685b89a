import type { FaskesRujukanAnswer, FaskesRujukanQuery, SyncErrorCode } from '../../contract'
import type { DB } from '../db'
import { AppError, fieldError, msg } from '../errors'
import { PcareError } from '../pcare'
import type { FaskesRujukan } from '../pcare/types'
import { toPcareDate } from './dates'
import { pcareErrorCode } from './remote-code'
import { withTimeout, type Remotes } from './eligibility'

/** Khusus referrals whose hospital lookup (and kunjungan) also name a sub-spesialis: thalasemia and hemofili. */
export const KHUSUS_WITH_SUBSPESIALIS: readonly string[] = ['THA', 'HEM']

/**
 * Receiving hospitals for a vertical referral, with their capacity on the planned date. PCare decides this per
 * day, so the live answer is preferred; when PCare is slow or down the clinician sees the last answer for the same
 * sub-spesialis and sarana, with its time, and may still choose from it: the kunjungan waits in the outbox anyway,
 * and PCare checks the choice when it arrives.
 */
export async function findFaskesRujukan(db: DB, remotes: Remotes | null, q: FaskesRujukanQuery, now = Date.now(), timeoutMs = 4000): Promise<FaskesRujukanAnswer> {
  const today = new Date(now)
  today.setHours(0, 0, 0, 0)
  if (new Date(`${q.tglEstRujuk}T00:00:00`).getTime() < today.getTime()) {
    throw new AppError('INVALID_INPUT', msg('rujuk.tglPast'), [fieldError('tglEstRujuk', msg('rujuk.tglPastField'))])
  }
  const khusus = q.kdKhusus ? { kd: q.kdKhusus, noKartu: q.noKartu, sub: KHUSUS_WITH_SUBSPESIALIS.includes(q.kdKhusus) ? q.kdSubSpesialis : undefined } : null
  if (khusus && !khusus.noKartu) throw new AppError('INVALID_INPUT', msg('rujuk.khususNoKartu'), [fieldError('noKartu', msg('v.required'))])
  if (khusus && KHUSUS_WITH_SUBSPESIALIS.includes(khusus.kd) && !khusus.sub) {
    throw new AppError('INVALID_INPUT', msg('rujuk.khususSub', { kdKhusus: khusus.kd }), [fieldError('kdSubSpesialis', msg('v.required'))])
  }
  if (!khusus && !q.kdSubSpesialis) throw new AppError('INVALID_INPUT', msg('rujuk.pickSub'), [fieldError('kdSubSpesialis', msg('v.required'))])
  // One cached answer per choice; khusus lists are keyed by kind (and sub-spesialis), not by patient.
  const key = khusus ? `khusus:${khusus.kd}` : q.kdSubSpesialis!
  const sarana = khusus ? (khusus.sub ?? '') : (q.kdSarana ?? '')
  let error: string
  let errorCode: SyncErrorCode
  let refused = false
  if (remotes) {
    try {
      const client = await remotes.pcare()
      const tgl = toPcareDate(q.tglEstRujuk)
      const request = !khusus
        ? client.getFaskesRujukanSubSpesialis(key, sarana || '0', tgl)
        : khusus.sub
          ? client.getFaskesRujukanKhususSub(khusus.kd, khusus.sub, khusus.noKartu!, tgl)
          : client.getFaskesRujukanKhusus(khusus.kd, khusus.noKartu!, tgl)
      const answer = await withTimeout(request, timeoutMs, 'PCare')
      const list = answer?.list ?? []
      db.prepare(
        `INSERT INTO faskes_rujukan_cache (kd_subspesialis, kd_sarana, tgl_est_rujuk, list, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kd_subspesialis, kd_sarana) DO UPDATE SET tgl_est_rujuk = excluded.tgl_est_rujuk, list = excluded.list, fetched_at = excluded.fetched_at`,
      ).run(key, sarana, q.tglEstRujuk, JSON.stringify(list), now)
      return { source: 'live', checkedAt: now, tglEstRujuk: q.tglEstRujuk, error: null, errorCode: null, refused: false, list }
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
      errorCode = pcareErrorCode(err)
      refused = err instanceof PcareError && err.kind === 'permanent'
    }
  } else {
    error = 'PCare is not configured'
    errorCode = 'UNCONFIGURED'
  }
  const row = db.prepare('SELECT tgl_est_rujuk, list, fetched_at FROM faskes_rujukan_cache WHERE kd_subspesialis = ? AND kd_sarana = ?').get(key, sarana) as
    | { tgl_est_rujuk: string; list: string; fetched_at: number }
    | undefined
  if (!row) return { source: 'none', checkedAt: null, tglEstRujuk: null, error, errorCode, refused, list: [] }
  return { source: 'cache', checkedAt: row.fetched_at, tglEstRujuk: row.tgl_est_rujuk, error, errorCode, refused, list: JSON.parse(row.list) as FaskesRujukan[] }
}
