import { useRef } from 'react'
import { useFocusFirst } from '../hooks'
import { useI18n } from '../i18n'

export function Pemeriksaan() {
  const { t } = useI18n()
  const ref = useRef<HTMLElement>(null)
  useFocusFirst(ref)
  return (
    <section ref={ref} className="workspace" aria-labelledby="ws-title">
      <h1 id="ws-title" tabIndex={-1}>
        {t('ws.pemeriksaan')}
      </h1>
      <p className="intro">{t('pemeriksaan.intro')}</p>
      <div className="card">
        <p className="empty">{t('pemeriksaan.notYet')}</p>
      </div>
    </section>
  )
}
