import type { Vitals } from '../../contract'
import { checkVitals, vitalProfile } from '../../contract/vitals'
import { AppError, fieldError, msg } from '../errors'

/**
 * The visit's vital signs against its poli's ranges (`contract/vitals.ts`: a KIA baby's weight and heart rate are
 * not an adult's). The contract has already checked the widest ranges; this narrows them once the poli is known.
 * `required`: every vital must be there (the examination); without it only those given are checked (the counter).
 * Throws INVALID_INPUT with one field error per broken rule (`vitals.<field>`), each naming its field.
 */
export function assertVitalsForPoli(vitals: Partial<Vitals>, kdPoli: string, nmPoli: string | null, required = true): void {
  const issues = checkVitals(vitals, vitalProfile(kdPoli, nmPoli), { required })
  if (issues.length) {
    throw new AppError('INVALID_INPUT', msg('err.invalidInput'), issues.map((i) => fieldError(`vitals.${i.field}`, msg(i.key, i.params))))
  }
}
