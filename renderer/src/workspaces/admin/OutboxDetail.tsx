import { when } from '../../components/Field'
import { useCall } from '../../hooks'
import { useI18n, type MessageKey } from '../../i18n'
import { pcareWords, reasonText } from '../../reasons'

/** An attempt's outcome as the worker records it (core/sync/outbox.ts AttemptRow.outcome), in staff words. */
const outcomeKey: Record<string, MessageKey> = {
  ok: 'attempt.ok',
  transient: 'attempt.transient',
  permanent: 'attempt.permanent',
  ambiguous: 'attempt.ambiguous',
  reconciled: 'attempt.reconciled',
}

/**
 * One outbox job: its payload and every attempt with request and response. Read again every 3 s like the list, so a
 * resend that went through shows its new status and attempt without closing the panel.
 */
export function OutboxDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const { t, locale } = useI18n()
  const { value: d, error } = useCall('outbox.detail', { id }, { pollMs: 3000 })
  const err = error?.message
  return (
    <section className="detail" aria-labelledby="detail-title" data-testid="detail">
      <div className="card-head">
        <h3 id="detail-title">{t('admin.detailTitle', { id })}</h3>
        <button type="button" className="secondary" onClick={onClose}>
          {t('admin.close')}
        </button>
      </div>
      {err && <p className="alert">{err}</p>}
      {d && (
        <>
          <p>
            {t(`target.${d.target}`)} · {d.operation} · {d.entityType} {d.entityId} · {t(`status.${d.status}`)}
          </p>
          <h4>{t('admin.payload')}</h4>
          <pre>{JSON.stringify(d.payload, null, 2)}</pre>
          <ol className="attempts">
            {d.attempts.map((a) => (
              <li key={a.id}>
                <p>
                  <strong>{when(locale, a.startedAt)}</strong> · {outcomeKey[a.outcome] ? t(outcomeKey[a.outcome]) : a.outcome}
                  {a.httpStatus !== null && ` · HTTP ${a.httpStatus}`}
                  {a.durationMs !== null && ` · ${a.durationMs} ms`}
                  {a.errorCode && ` · ${pcareWords(a.errorCode, a.errorMessage) ? `“${a.errorMessage}” — ` : ''}${reasonText(locale, a.errorCode, a.errorMessage)}`}
                  {a.triggeredBy && <span className="muted"> · {a.triggeredBy}</span>}
                </p>
                <details>
                  <summary>{t('admin.reqres')}</summary>
                  <h5>{t('admin.request')}</h5>
                  <pre>{JSON.stringify(a.request, null, 2)}</pre>
                  <h5>{t('admin.response')}</h5>
                  <pre>{JSON.stringify(a.response, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}
