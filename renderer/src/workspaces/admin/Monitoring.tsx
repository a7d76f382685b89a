import { useState } from 'react'
import { useCall } from '../../hooks'
import { useI18n } from '../../i18n'
import { pcareWords, reasonText } from '../../reasons'
import { Bars } from './Bars'
import { SatusehatMonitoring } from './SatusehatMonitoring'

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)
const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`)

/** Send KPIs, sends per day and per endpoint, and the most frequent errors over the last 1, 7 or 30 days. */
export function Monitoring() {
  const { t, locale } = useI18n()
  const [days, setDays] = useState(7)
  const { value: m, error } = useCall('monitoring.summary', { days }, { pollMs: 5000, keepPrevious: true })
  const err = error?.message
  const perDay = new Map<string, { ok: number; failed: number }>()
  const perOp = new Map<string, { ok: number; failed: number }>()
  for (const r of m?.perDay ?? []) {
    for (const [map, key] of [
      [perDay, r.day],
      [perOp, `${r.target}:${r.operation}`],
    ] as const) {
      const v = map.get(key) ?? { ok: 0, failed: 0 }
      v.ok += r.ok
      v.failed += r.failed
      map.set(key, v)
    }
  }
  return (
    <section className="card" aria-labelledby="mon-title">
      <div className="card-head">
        <h2 id="mon-title">{t('admin.monTitle')}</h2>
        <label>
          {t('admin.days')}{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {[1, 7, 30].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
      </div>
      {err && <p className="alert">{err}</p>}
      {m && (
        <>
          <dl className="kpis" data-testid="kpis">
            <div>
              <dt>{t('admin.successRate')}</dt>
              <dd>{pct(m.kpi.successRate)}</dd>
            </div>
            <div>
              <dt>p50</dt>
              <dd>{ms(m.kpi.p50)}</dd>
            </div>
            <div>
              <dt>p95</dt>
              <dd>{ms(m.kpi.p95)}</dd>
            </div>
            <div>
              <dt>{t('sync.pending')}</dt>
              <dd data-testid="kpi-pending">{m.kpi.pending}</dd>
            </div>
            <div className={m.kpi.failed > 0 ? 'has-failed' : undefined}>
              <dt>{t('sync.failed')}</dt>
              <dd data-testid="kpi-failed">{m.kpi.failed}</dd>
            </div>
          </dl>
          <div className="charts">
            <Bars title={t('admin.perDay')} data={[...perDay.entries()].sort(([a], [b]) => a.localeCompare(b))} />
            <Bars title={t('admin.perEndpoint')} data={[...perOp.entries()].sort(([a], [b]) => a.localeCompare(b))} />
          </div>
          {m.topErrors.length > 0 && (
            <>
              <h3>{t('admin.topErrors')}</h3>
              <ul>
                {m.topErrors.map((e) => (
                  <li key={`${e.code}:${e.message}`}>
                    {/* PCare's own words when it refused; our sentence for the rest. */}
                    <strong>{pcareWords(e.code, e.message) ? `“${e.message}”` : reasonText(locale, e.code, e.message)}</strong> <span className="muted">({e.code})</span> × {e.n}
                  </li>
                ))}
              </ul>
            </>
          )}
          <SatusehatMonitoring rows={m.satusehat} />
        </>
      )}
    </section>
  )
}
