import { useEffect, useRef, useState } from 'react'
import type { ExaminationInput } from '../../../../electron/contract'
import { call } from '../../api'
import { ReasonDialog } from '../../components/ReasonDialog'
import { useCall } from '../../hooks'
import { useI18n } from '../../i18n'
import { dateTime } from '../../time'

/**
 * A saved examination's corrections (clinician or admin): reopen it to edit (`onEdit` gets it as saved, with the visit version it was read at), delete its
 * kunjungan with a reason, and the visit's correction history (who, when, why, and whether anything went out).
 * Read from SQLite with `examination.get`; asked again when `refreshKey` changes (a save or an edit).
 */
export function ExaminedCard({ noRawat, refreshKey, onEdit }: { noRawat: string; refreshKey: unknown; onEdit: (saved: ExaminationInput, version: number) => void }) {
  const { t, locale } = useI18n()
  const exam = useCall('examination.get', { noRawat })
  const [deleting, setDeleting] = useState(false)
  const [deleted, setDeleted] = useState(false)
  const { reload } = exam
  const seen = useRef(refreshKey)
  useEffect(() => {
    if (seen.current === refreshKey) return
    seen.current = refreshKey
    reload()
  }, [refreshKey, reload])

  const v = exam.value
  return (
    // Named on its own, not by the heading: the heading's sentence points at the patient history below, and a region
    // named "… Riwayat pasien …" would be a second match for that history's name.
    <section className="card" aria-label={t('corr.cardLabel', { noRawat })} data-testid="examined-card">
      <h2 id="corr-title">{t('exam.alreadyExamined', { noRawat })}</h2>
      {exam.error && <p className="alert">{exam.error.message}</p>}
      {deleted && (
        <p role="status" className="ok" data-testid="kunjungan-deleted">
          {t('corr.deleted', { noRawat })}
        </p>
      )}
      {v && v.deletedAt !== null && !deleted && <p className="muted">{t('corr.examDeleted')}</p>}
      {v && v.deletedAt === null && (
        <div className="actions">
          <button type="button" onClick={() => onEdit(v.input, v.version)}>
            {t('corr.edit')}
          </button>
          <button type="button" className="danger" onClick={() => setDeleting(true)}>
            {t('corr.delete')}
          </button>
        </div>
      )}
      {v && v.corrections.length > 0 && (
        <>
          <h3>{t('corr.history')}</h3>
          <ul data-testid="correction-history">
            {v.corrections.map((c) => (
              <li key={c.id}>
                {t('corr.historyItem', {
                  when: dateTime(locale, c.createdAt),
                  kind: t(`corr.kind.${c.kind}`),
                  by: c.createdBy,
                  reason: c.reason,
                  effect: t(`corr.effect.${c.effect}`),
                })}
              </li>
            ))}
          </ul>
        </>
      )}
      {deleting && (
        <ReasonDialog
          title={t('corr.deleteTitle', { noRawat })}
          confirmLabel={t('corr.deleteConfirm')}
          onConfirm={async (reason) => {
            await call('kunjungan.delete', { noRawat, reason, version: v?.version })
            setDeleted(true)
            reload()
          }}
          onClose={() => setDeleting(false)}
        >
          <p>{t('corr.deleteBody')}</p>
        </ReasonDialog>
      )}
    </section>
  )
}
