import { useRef, useState, type FormEvent } from 'react'
import { useFocusFirst } from '../hooks'
import { useI18n, type MessageKey } from '../i18n'

/** 13 digits = BPJS card number (noKartu), 16 digits = NIK. Checked before anything else is asked. */
export function classifyId(raw: string): 'noKartu' | 'nik' | null {
  const v = raw.replace(/\s+/g, '')
  if (/^\d{13}$/.test(v)) return 'noKartu'
  if (/^\d{16}$/.test(v)) return 'nik'
  return null
}

export function Pendaftaran() {
  const { t } = useI18n()
  const ref = useRef<HTMLElement>(null)
  useFocusFirst(ref)
  const [value, setValue] = useState('')
  const [outcome, setOutcome] = useState<{ ok: boolean; key: MessageKey } | null>(null)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const kind = classifyId(value)
    setOutcome(kind ? { ok: true, key: kind === 'noKartu' ? 'pendaftaran.validCard' : 'pendaftaran.validNik' } : { ok: false, key: 'pendaftaran.invalid' })
  }

  return (
    <section ref={ref} className="workspace" aria-labelledby="ws-title">
      <h1 id="ws-title" tabIndex={-1}>
        {t('ws.pendaftaran')}
      </h1>
      <p className="intro">{t('pendaftaran.intro')}</p>
      <form className="card id-form" onSubmit={submit} noValidate>
        <label htmlFor="peserta-id">{t('pendaftaran.idLabel')}</label>
        <div className="row">
          <input
            id="peserta-id"
            name="pesertaId"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            value={value}
            aria-invalid={outcome?.ok === false}
            aria-describedby="peserta-id-msg"
            onChange={(e) => {
              setValue(e.target.value)
              setOutcome(null)
            }}
          />
          <button type="submit">{t('pendaftaran.check')}</button>
        </div>
        <div id="peserta-id-msg" role="status" className="field-msg">
          {outcome && <span className={outcome.ok ? 'ok' : 'error'}>{t(outcome.key)}</span>}
          {outcome?.ok && <span className="muted"> {t('pendaftaran.notYet')}</span>}
        </div>
      </form>
      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">{t('pendaftaran.queueTitle')}</h2>
        <p className="empty">{t('pendaftaran.queueNotYet')}</p>
      </section>
    </section>
  )
}
