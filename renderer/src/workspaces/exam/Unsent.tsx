import type { UnsentJob } from '../../../../electron/contract'
import { useCall } from '../../hooks'
import { useI18n, type MessageKey, type Translate } from '../../i18n'
import { reasonText, remoteWords } from '../../reasons'

const POLL_MS = 3000

/**
 * What is still unsent per visit (noRawat → jobs), polled with the lists that show it. One call covers every row;
 * `undefined` until the first answer.
 */
export function useUnsent(noRawats: string[]): Map<string, UnsentJob[]> | undefined {
  const key = noRawats.slice(0, 200)
  // No rows, nothing to ask: an empty answer at once. A row added to the list keeps the others' answers meanwhile.
  const r = useCall('registration.unsent', key.length ? { noRawat: key } : null, { pollMs: POLL_MS, keepPrevious: true })
  if (!key.length) return new Map()
  return r.value ? new Map(r.value.map((v) => [v.noRawat, v.jobs])) : undefined
}

/** Operation names in words; an unknown one is shown as PCare or the ledger names it. */
const OPS: Record<string, MessageKey> = {
  'peserta.verify': 'op.pesertaVerify',
  'pendaftaran.add': 'op.pendaftaran',
  'kunjungan.add': 'op.kunjungan',
  'tindakan.add': 'op.tindakan',
  'obat.add': 'op.obat',
  'antrean.add': 'op.antrean',
  'antrean.panggil': 'op.antreanPanggil',
  'antrean.batal': 'op.antreanBatal',
  'pendaftaran.delete': 'op.pendaftaranDelete',
  'kunjungan.edit': 'op.kunjunganEdit',
  'kunjungan.delete': 'op.kunjunganDelete',
  'Visit:Record': 'op.visit',
  'Visit:Correct': 'op.visitCorrect',
  'Referral:Create': 'op.referral',
  'Claim:Submit': 'op.claim',
  'satusehat.visit': 'op.satusehatVisit',
}

/** HH:MM on a 24-hour clock, whatever the locale prefers. */
function hhmm(at: number): string {
  const d = new Date(at)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** "Tindakan 99999" / "Obat Parasetamol tab 500 mg (120100362)": the operation and the line it carries. */
export function jobLabel(t: Translate, job: { operation: string; item: string | null; itemName?: string | null }): string {
  const op = OPS[job.operation] ? t(OPS[job.operation]) : job.operation
  if (!job.item) return op
  return job.itemName ? `${op} ${job.itemName} (${job.item})` : `${op} ${job.item}`
}

/**
 * A permanent failure: the remote's own words quoted when it refused (PCare's metaData.message, the chaincode's
 * answer), else our explanation (e.g. the retry limit, which is no refusal).
 */
function refusal(t: Translate, locale: 'id' | 'en', target: string, code: string | null, message: string | null): string {
  const words = remoteWords(target, code, message)
  return words ? t('unsent.refused', { who: t(`target.${target as 'pcare'}`), message: words }) : t('unsent.held', { reason: reasonText(locale, code, message) })
}

/** Why one job is not sent yet, as a sentence (the remote's words, what it waits for, or when it is tried next). */
export function unsentReason(t: Translate, locale: 'id' | 'en', job: UnsentJob, now = Date.now()): string {
  if (job.status === 'failed_permanent') return refusal(t, locale, job.target, job.lastErrorCode, job.lastErrorMessage)
  const b = job.blockedBy
  if (b) {
    const what = jobLabel(t, { operation: b.operation, item: b.item })
    if (b.status !== 'failed_permanent') return t('unsent.behind', { what })
    // The blocker's stored message is quoted only when it is the remote's words; otherwise it is a detail (or an older
    // version's Indonesian sentence, which would show on an English page), and the blocker's code is worded instead.
    const words = remoteWords(job.target, b.lastErrorCode, b.lastErrorMessage)
    return words ? t('unsent.behindRefused', { what, message: words }) : t('unsent.behindHeld', { what, reason: reasonText(locale, b.lastErrorCode, b.lastErrorMessage) })
  }
  if (job.status === 'in_flight') return t('unsent.sending')
  if (job.status === 'failed_transient') return t('unsent.retryAt', { reason: reasonText(locale, job.lastErrorCode, job.lastErrorMessage), time: hhmm(job.nextAttemptAt) })
  return job.nextAttemptAt > now ? t('unsent.queuedAt', { time: hhmm(job.nextAttemptAt) }) : t('unsent.queued')
}

/**
 * One short line for a patient list: the first refusal with PCare's own words, else how many jobs wait. Nothing when
 * everything was sent.
 */
export function UnsentSummary({ jobs }: { jobs: UnsentJob[] | undefined }) {
  const { t, locale } = useI18n()
  if (!jobs?.length) return null
  const refused = jobs.find((j) => j.status === 'failed_permanent')
  return refused ? (
    <span className="unsent-summary refused" data-testid="unsent-summary">
      {jobLabel(t, refused)}: {refusal(t, locale, refused.target, refused.lastErrorCode, refused.lastErrorMessage)}
    </span>
  ) : (
    <span className="unsent-summary muted" data-testid="unsent-summary">
      {t('unsent.count', { n: jobs.length })}
    </span>
  )
}

/** Every unsent job of one visit with its reason, as a list (the clinician's detail, the counter's expanded row). */
function UnsentLines({ jobs }: { jobs: UnsentJob[] }) {
  const { t, locale } = useI18n()
  return (
    <ul className="unsent-lines" data-testid="unsent-lines">
      {jobs.map((j) => (
        <li key={j.id} className={j.status === 'failed_permanent' ? 'refused' : undefined}>
          <strong>{jobLabel(t, j)}</strong> <span className="muted">· {t(`target.${j.target}`)} · {t(`status.${j.status}`)}</span>
          <br />
          {unsentReason(t, locale, j)}
        </li>
      ))}
    </ul>
  )
}

/** The selected patient's card on the clinician's page: what of this visit has not reached PCare or the ledger yet. */
export function UnsentCard({ noRawat, jobs }: { noRawat: string; jobs: UnsentJob[] | undefined }) {
  const { t } = useI18n()
  if (!jobs?.length) return null
  return (
    <section className="card unsent" aria-labelledby={`unsent-${noRawat}`} data-testid="unsent-card">
      <h2 id={`unsent-${noRawat}`}>{t('unsent.title', { noRawat })}</h2>
      <UnsentLines jobs={jobs} />
    </section>
  )
}

/**
 * The counter's table cell: a disclosure (keyboard: Tab to it, Enter or Space opens) with the count, opening onto
 * the reasons. "None" when nothing is left to send (all sent, or a local-only umum visit).
 */
export function UnsentCell({ jobs }: { jobs: UnsentJob[] | undefined }) {
  const { t } = useI18n()
  if (!jobs) return null
  if (!jobs.length) return <span className="muted">{t('unsent.none')}</span>
  const refused = jobs.some((j) => j.status === 'failed_permanent')
  return (
    <details className={refused ? 'unsent-cell refused' : 'unsent-cell'} data-testid="unsent-cell">
      <summary>{refused ? t('unsent.countRefused', { n: jobs.length }) : t('unsent.count', { n: jobs.length })}</summary>
      <UnsentLines jobs={jobs} />
    </details>
  )
}
