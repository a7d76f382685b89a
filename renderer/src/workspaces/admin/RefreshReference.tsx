import { useState } from 'react'
import { asApiError, call } from '../../api'
import { when } from '../../components/Field'
import { useI18n } from '../../i18n'
import { useReferenceLists } from '../../reference'

/** Fetches PCare's reference lists now, and says when they were last fetched. */
export function RefreshReference() {
  const { t, locale } = useI18n()
  // Core fetches the lists by itself; this says when, and follows each fetch without a reload.
  const lists = useReferenceLists()
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null)
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setBusy(true)
    try {
      const r = await call('reference.refresh', {})
      setMsg({ ok: true, text: t('admin.refreshed', { written: r.written.join(', ') || '—' }) })
    } catch (e) {
      setMsg({ ok: false, text: asApiError(e).message })
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="form-actions">
      <button type="button" disabled={busy} onClick={() => void run()}>
        {t('admin.refresh')}
      </button>
      <span role="status" className={msg?.ok ? 'ok' : 'error'}>
        {msg?.text}
      </span>
      {lists && (
        <span className="muted" data-testid="reference-age">
          {lists.refreshedAt ? t('admin.refreshedAt', { time: when(locale, lists.refreshedAt) }) : t('admin.refreshNever')}
        </span>
      )}
    </div>
  )
}
