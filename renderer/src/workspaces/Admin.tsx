import { useRef } from 'react'
import type { AppInfo, SyncStatus } from '../../../electron/contract'
import { useFocusFirst } from '../hooks'
import { relativeTime, useI18n } from '../i18n'

export function Admin({ info, status }: { info: AppInfo; status: SyncStatus | undefined }) {
  const { t, locale } = useI18n()
  const ref = useRef<HTMLElement>(null)
  useFocusFirst(ref)
  const now = Date.now()
  return (
    <section ref={ref} className="workspace" aria-labelledby="ws-title">
      <h1 id="ws-title" tabIndex={-1}>
        {t('ws.admin')}
      </h1>
      <p className="intro">{t('admin.intro')}</p>
      <section className="card" aria-labelledby="sync-title">
        <h2 id="sync-title">{t('admin.syncTitle')}</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.target')}</th>
              <th scope="col">{t('sync.pending')}</th>
              <th scope="col">{t('sync.inFlight')}</th>
              <th scope="col">{t('sync.failed')}</th>
              <th scope="col">{t('sync.lastSuccess')}</th>
            </tr>
          </thead>
          <tbody>
            {status?.targets.map((s) => (
              <tr key={s.target}>
                <th scope="row">{t(`target.${s.target}`)}</th>
                <td className="num">{s.pending}</td>
                <td className="num">{s.inFlight}</td>
                <td className={s.failed > 0 ? 'num has-failed' : 'num'}>{s.failed}</td>
                <td>{s.lastSuccessAt === null ? t('sync.never') : relativeTime(locale, s.lastSuccessAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="empty">{t('admin.failedNotYet')}</p>
      </section>
      <section className="card" aria-labelledby="app-title">
        <h2 id="app-title">{t('admin.appTitle')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('admin.version')}</dt>
            <dd>{info.version}</dd>
          </div>
          <div>
            <dt>{t('admin.schema')}</dt>
            <dd>{info.schemaVersion}</dd>
          </div>
        </dl>
      </section>
    </section>
  )
}
