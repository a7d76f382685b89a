import type { Output } from '../../../../electron/contract'
import { useI18n } from '../../i18n'

/** SATUSEHAT resources per type per day (created, and replaced by a correction or a resend), newest day first. */
export function SatusehatMonitoring({ rows }: { rows: Output<'monitoring.summary'>['satusehat'] }) {
  const { t } = useI18n()
  if (rows.length === 0) return null
  return (
    <>
      <h3 id="mon-ss-title">{t('admin.ssTitle')}</h3>
      <table className="table" aria-labelledby="mon-ss-title" data-testid="satusehat-per-day">
        <thead>
          <tr>
            <th scope="col">{t('admin.ssDay')}</th>
            <th scope="col">{t('admin.ssResource')}</th>
            <th scope="col">{t('admin.ssCreated')}</th>
            <th scope="col">{t('admin.ssUpdated')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.day}:${r.resourceType}`}>
              <td>{r.day}</td>
              <td>{r.resourceType}</td>
              <td>{r.created}</td>
              <td>{r.updated}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
