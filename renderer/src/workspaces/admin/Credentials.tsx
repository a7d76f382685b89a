import { useState, type FormEvent } from 'react'
import type { Output } from '../../../../electron/contract'
import { ApiError, asApiError, call } from '../../api'
import { Field } from '../../components/Field'
import { FormErrorScope, FormErrors } from '../../components/FormErrors'
import { useCall } from '../../hooks'
import { useI18n } from '../../i18n'

/** Which secrets the keychain holds, and the form that stores PCare's (never read back into the page). */
export function Credentials() {
  const { t } = useI18n()
  const status = useCall('credentials.status', {})
  // A save answers with the new presence: shown at once, without asking again.
  const [stored, setPresence] = useState<Output<'credentials.status'> | null>(null)
  const presence = stored ?? status.value
  const empty = { consId: '', secretKey: '', userKey: '', username: '', password: '', kdAplikasi: '095', antreanUserKey: '' }
  const [form, setForm] = useState(empty)
  const [saveError, setError] = useState<ApiError | null>(null)
  const [saved, setSaved] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    setSaved(false)
    try {
      setPresence(await call('credentials.setPcare', { ...form, antreanUserKey: form.antreanUserKey || undefined }))
      // Secrets leave the page as soon as they are stored: nothing to read back from the form.
      setForm(empty)
      setSaved(true)
    } catch (err) {
      setError(asApiError(err))
    }
  }
  const tick = (v: boolean | undefined) => (v ? t('admin.stored') : t('admin.notStored'))
  return (
    <section className="card" aria-labelledby="cred-title">
      <h2 id="cred-title">{t('admin.credTitle')}</h2>
      <p className="intro">{t('admin.credIntro')}</p>
      {presence && (
        <dl className="facts" data-testid="cred-presence">
          <div>
            <dt>{t('admin.keychain')}</dt>
            {/* The technical cause stays in the tooltip for support; the sentence is in the page's language. */}
            <dd title={presence.error ?? undefined}>{presence.available ? t('admin.available') : t('admin.keychainUnavailable')}</dd>
          </div>
          <div>
            <dt>PCare</dt>
            <dd>{tick(presence.pcare)}</dd>
          </div>
          <div>
            <dt>Antrean</dt>
            <dd>{tick(presence.antrean)}</dd>
          </div>
          <div>
            <dt>Fabric</dt>
            <dd>
              RS {tick(presence.fabric.RSMSP)} · Puskesmas {tick(presence.fabric.PuskesmasMSP)}
            </dd>
          </div>
        </dl>
      )}
      <form className="grid-form" onSubmit={submit} noValidate autoComplete="off">
        <FormErrorScope error={saveError}>
          {(['consId', 'secretKey', 'userKey', 'username', 'password', 'kdAplikasi', 'antreanUserKey'] as const).map((k) => (
            <Field key={k} id={`cr-${k}`} name={k} label={t(`admin.cred.${k}`)}>
              <input
                type={k === 'consId' || k === 'kdAplikasi' || k === 'username' ? 'text' : 'password'}
                autoComplete="off"
                value={form[k]}
                onChange={(e) => setForm({ ...form, [k]: e.target.value })}
              />
            </Field>
          ))}
          <FormErrors summary={t('form.hasErrors')} />
          <div className="form-actions wide">
            <button type="submit">{t('admin.credSave')}</button>
            <span role="status">{saved && <span className="ok">{t('admin.stored')}</span>}</span>
            {/* Why the presence could not be read (a refused save is in the summary above). */}
            {!saveError && status.error && <span className="error">{status.error.message}</span>}
          </div>
        </FormErrorScope>
      </form>
      <p className="muted">
        {t('admin.endpointHint')} <a href="#/pengaturan">{t('ws.pengaturan')}</a>
      </p>
    </section>
  )
}
