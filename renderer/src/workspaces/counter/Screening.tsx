import type { UnsentJob } from '../../../../electron/contract'
import { useI18n } from '../../i18n'
import { reasonText } from '../../reasons'

/**
 * Whether the visit's Mobile JKN queue entry (antrean.add) is held because the patient has not done the Mobile JKN
 * health screening: Antrean FKTP refused it with SCREENING_REQUIRED and the outbox retries it on its schedule.
 */
export function waitsForScreening(jobs: readonly UnsentJob[] | undefined): boolean {
  return jobs?.some((j) => j.operation === 'antrean.add' && j.lastErrorCode === 'SCREENING_REQUIRED') ?? false
}

/** Tells the counter while the patient is still at the desk: ask them to do the screening in Mobile JKN now. */
export function ScreeningNotice({ jobs }: { jobs: readonly UnsentJob[] | undefined }) {
  const { locale } = useI18n()
  if (!waitsForScreening(jobs)) return null
  return (
    <p className="alert" role="alert" data-testid="screening">
      {reasonText(locale, 'SCREENING_REQUIRED', null)}
    </p>
  )
}
