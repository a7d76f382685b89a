import { useRef } from 'react'
import type { AppInfo, SyncStatus } from '../../../../electron/contract'
import { useFocusFirst } from '../../hooks'
import { relativeTime, translator, useI18n, type Locale } from '../../i18n'
import { Credentials } from './Credentials'
import { Monitoring } from './Monitoring'
import { OutboxList } from './OutboxList'
import { RefreshReference } from './RefreshReference'
import { Users } from './Users'

/**
 * The intro sentence naming every target this install sends to, in `locale`: the status's lanes (SATUSEHAT once it is
 * on, the hub at a desk), so it never names fewer than the page then lists. Before the first status, no names.
 */
export function adminIntro(locale: Locale, targets: readonly SyncStatus['targets'][number]['target'][] | undefined): string {
  const t = translator(locale)
  if (!targets?.length) return t('admin.introAny')
  return t('admin.intro', { targets: new Intl.ListFormat(locale, { type: 'conjunction' }).format(targets.map((x) => t(`target.${x}`))) })
}

/**
 * The admin workspace: send monitoring, per-target queue counts (from the status the shell already polls), the outbox
 * list with its detail, PCare credentials, users, and the app's version with the reference-list refresh.
 */
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
      <p className="intro">{adminIntro(locale, status?.targets.map((s) => s.target))}</p>
      <Monitoring />
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
                <td className="num">
                  {s.pending}
                  {/* Held behind a refusal: not pending work, but still not sent (the failed list says behind what). */}
                  {s.blocked > 0 && <span className="muted"> {t('admin.heldCount', { n: s.blocked })}</span>}
                </td>
                <td className="num">{s.inFlight}</td>
                <td className={s.failed > 0 ? 'num has-failed' : 'num'}>{s.failed}</td>
                <td>{s.lastSuccessAt === null ? t('sync.never') : relativeTime(locale, s.lastSuccessAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <OutboxList />
      <Credentials />
      <Users />
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
        <RefreshReference />
      </section>
    </section>
  )
}
