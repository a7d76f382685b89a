import type { ExaminationInput, FieldError } from '../../contract'
import type { DB } from '../db'
import { prepared } from '../db/statements'
import { AppError, fieldError, msg } from '../errors'
import { ALERGI_JENIS, type AlergiKind } from '../reference/store'

/** The examination's allergy fields and the cached list each code comes from. */
const ALERGI_FIELDS: ReadonlyArray<[field: 'alergiMakan' | 'alergiUdara' | 'alergiObat', kind: AlergiKind]> = [
  ['alergiMakan', 'alergiMakanan'],
  ['alergiUdara', 'alergiUdara'],
  ['alergiObat', 'alergiObat'],
]

/** Whether `code` is on a cached list; an empty (never fetched) list knows nothing and refuses nothing. */
function onList(db: DB, table: string, codeCol: string, code: string, where = '1', ...args: string[]): boolean {
  const { n } = prepared(db, `SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(...args) as { n: number }
  return n === 0 || Boolean(prepared(db, `SELECT 1 FROM ${table} WHERE ${where} AND ${codeCol} = ?`).get(...args, code))
}

/**
 * Whether each tindakan is one PCare lists `withValue` (its `hasil` is sent), by the cached tindakan list, the visit's
 * place of care (kdTkp) first. A code the cache does not know is taken as given: withValue when a result was entered.
 */
export function tindakanWithValue(db: DB, tindakan: ExaminationInput['tindakan'], kdTkp: string): boolean[] {
  const q = prepared(db, 'SELECT with_value AS w FROM ref_tindakan WHERE kd_tindakan = ? ORDER BY kd_tkp <> ?, kd_tkp LIMIT 1')
  return tindakan.map((t) => {
    const row = q.get(t.kdTindakan, kdTkp) as { w: number } | undefined
    return row ? row.w === 1 : t.hasil !== undefined
  })
}

/**
 * The clinical data PCare's kunjungan/V1 carries, checked at save against the cached reference lists (Khanza asks
 * the same before it sends): each allergy code on its `alergi/jenis` list, the prognosis on `prognosa`, an internal
 * referral to another poli of the `poli` list, and a result (`hasil`) for each tindakan PCare marks withValue
 * (`withValue`, from `tindakanWithValue`). A list never fetched checks nothing, so work goes on offline.
 * Throws INVALID_INPUT with one field error per problem (`alergiMakan`, `tindakan.1.hasil`, …).
 */
export function checkClinicalData(db: DB, input: ExaminationInput, kdPoli: string, withValue: boolean[]): void {
  const fields: FieldError[] = []
  for (const [field, kind] of ALERGI_FIELDS) {
    if (!onList(db, 'ref_alergi', 'kd_alergi', input[field], 'jenis = ?', ALERGI_JENIS[kind])) fields.push(fieldError(field, msg('v.choice')))
  }
  if (!onList(db, 'ref_prognosa', 'kd_prognosa', input.kdPrognosa)) fields.push(fieldError('kdPrognosa', msg('v.choice')))
  const internal = input.kdPoliRujukInternal
  if (internal === kdPoli) fields.push(fieldError('kdPoliRujukInternal', msg('exam.rujukInternalSame')))
  else if (internal && !onList(db, 'ref_poli', 'kd_poli', internal)) fields.push(fieldError('kdPoliRujukInternal', msg('v.choice')))
  input.tindakan.forEach((t, i) => {
    if (withValue[i] && t.hasil === undefined) fields.push(fieldError(`tindakan.${i}.hasil`, msg('exam.hasilRequired')))
  })
  if (fields.length) throw new AppError('INVALID_INPUT', msg('exam.clinicalInvalid'), fields)
}
