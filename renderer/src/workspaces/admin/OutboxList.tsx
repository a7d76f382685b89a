import { useState } from 'react'
import type { Output } from '../../../../electron/contract'
import { asApiError, call } from '../../api'
import { when } from '../../components/Field'
import { useCall } from '../../hooks'
import { useI18n } from '../../i18n'
import { OutboxDetail } from './OutboxDetail'
import { OutboxReason } from './OutboxReason'

type OutboxRow = Output<'outbox.list'>[number]
type Status = OutboxRow['status']

const statusSets: Record<string, Status[]> = {
  failed: ['failed_permanent', 'failed_transient'],
  pending: ['pending', 'in_flight', 'failed_transient'],
  done: ['done'],
  cancelled: ['cancelled'],
}

/** The outbox filtered by status, endpoint and day range (failed first), with resend, cancel and a detail per job. */
export function OutboxList() {
  const { t, locale } = useI18n()
  const [statusKey, setStatusKey] = useState('failed')
  const [operation, setOperation] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [detailId, setDetailId] = useState<number | null>(null)
  const [reason, setReason] = useState('')
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null)
  const list = useCall(
    'outbox.list',
    {
      status: statusSets[statusKey],
      operation: operation.trim() || undefined,
      from: from ? new Date(`${from}T00:00:00`).getTime() : undefined,
      to: to ? new Date(`${to}T23:59:59`).getTime() : undefined,
      limit: 200,
    },
    // The table stays while a changed filter is asked (typing in the endpoint filter changes it per key).
    { pollMs: 3000, keepPrevious: true },
  )
  const rows = list.value
  // A failed read of the list speaks in the same status line as the actions.
  const status = list.error ? { ok: false, text: list.error.message } : msg
  const ids = [...selected]
  const act = async (kind: 'resend' | 'cancel', which: number[]) => {
    try {
      if (kind === 'resend') {
        const r = await call('outbox.resend', { ids: which })
        setMsg({ ok: true, text: t('admin.resent', { n: r.resent.length }) })
      } else {
        const r = await call('outbox.cancel', { ids: which, reason })
        setMsg({ ok: true, text: t('admin.cancelled', { n: r.cancelled.length }) })
        setReason('')
      }
      setSelected(new Set())
      list.reload()
    } catch (e) {
      setMsg({ ok: false, text: asApiError(e).message })
    }
  }
  return (
    <section className="card" aria-labelledby="failed-title">
      <h2 id="failed-title">{t('admin.failedTitle')}</h2>
      <div className="filters">
        <label>
          {t('admin.fStatus')}{' '}
          <select value={statusKey} onChange={(e) => setStatusKey(e.target.value)}>
            {Object.keys(statusSets).map((k) => (
              <option key={k} value={k}>
                {t(`admin.st.${k as 'failed'}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.fEndpoint')} <input value={operation} placeholder="kunjungan.add" onChange={(e) => setOperation(e.target.value)} />
        </label>
        <label>
          {t('admin.fFrom')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('admin.fTo')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
      </div>
      {rows && rows.length === 0 && <p className="empty">{t('admin.noneFailed')}</p>}
      {rows && rows.length > 0 && (
        <table className="table outbox" data-testid="outbox">
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label={t('admin.selectAll')}
                  checked={rows.length > 0 && rows.every((r) => selected.has(r.id))}
                  onChange={(e) => setSelected(new Set(e.target.checked ? rows.map((r) => r.id) : []))}
                />
              </th>
              <th scope="col">{t('admin.when')}</th>
              <th scope="col">{t('admin.endpoint')}</th>
              <th scope="col">{t('admin.entity')}</th>
              <th scope="col">{t('admin.reason')}</th>
              <th scope="col">{t('admin.attempts')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={detailId === r.id ? 'current' : undefined}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('admin.select', { id: r.id })}
                    checked={selected.has(r.id)}
                    onChange={(e) => {
                      const s = new Set(selected)
                      if (e.target.checked) s.add(r.id)
                      else s.delete(r.id)
                      setSelected(s)
                    }}
                  />
                </td>
                <td>{when(locale, r.updatedAt)}</td>
                <td>
                  {t(`target.${r.target}`)} · {r.operation}
                  <div className="muted">{t(`status.${r.status}`)}</div>
                </td>
                <td>{r.entityId}</td>
                <td data-testid="reason">
                  <OutboxReason row={r} />
                  {r.lastErrorFields.length > 0 && (
                    <ul className="field-list">
                      {r.lastErrorFields.map((f) => (
                        <li key={f.field + f.message}>
                          <code>{f.field}</code>: {f.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="num">{r.attempts}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => setDetailId(r.id)}>
                    {t('admin.detail')}
                  </button>{' '}
                  {r.status !== 'done' && r.status !== 'cancelled' && (
                    <button type="button" onClick={() => void act('resend', [r.id])}>
                      {t('admin.resend')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="form-actions">
        <button type="button" disabled={ids.length === 0} onClick={() => void act('resend', ids)}>
          {t('admin.resendSelected', { n: ids.length })}
        </button>
        <input aria-label={t('admin.cancelReason')} placeholder={t('admin.cancelReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="button" className="danger" disabled={ids.length === 0 || reason.trim().length < 3} onClick={() => void act('cancel', ids)}>
          {t('admin.cancelSelected', { n: ids.length })}
        </button>
        <span role="status" className={status?.ok ? 'ok' : 'error'}>
          {status?.text}
        </span>
      </div>
      {detailId !== null && <OutboxDetail id={detailId} onClose={() => setDetailId(null)} />}
    </section>
  )
}
