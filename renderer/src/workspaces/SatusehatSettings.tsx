import { useState, type FormEvent, type ReactNode } from 'react'
import type { Output, Settings } from '../../../electron/contract'
import { ApiError, asApiError, call } from '../api'
import { Field, type ControlProps } from '../components/Field'
import { FormErrorScope, FormErrors } from '../components/FormErrors'
import { useCall } from '../hooks'
import { useI18n, type MessageKey } from '../i18n'
import { reasonText } from '../reasons'

type S = Settings['satusehat']
/** Form values as typed, keyed by the contract's field path (`satusehat.orgId`) so server errors land on their input. */
type Form = { enabled: boolean; environment: S['environment']; authBase: string; fhirBase: string; kfaBase: string; orgId: string; zone: S['zone']; encounterStyle: S['encounterStyle']; timeStyle: S['timeStyle']; timeoutMs: string }

const toForm = (s: S): Form => ({ ...s, authBase: s.authBase ?? '', fhirBase: s.fhirBase ?? '', kfaBase: s.kfaBase ?? '', orgId: s.orgId ?? '', timeoutMs: String(s.timeoutMs) })
const orNull = (v: string) => (v.trim() === '' ? null : v.trim())
type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done' } | { kind: 'error'; error: ApiError }

/**
 * Pengaturan's SATUSEHAT card (docs/satusehat.md): on/off, environment (the demo simulator, the Ministry's sandbox or
 * production hosts, or custom addresses), Organization ID, the switches of the UNCONFIRMED behaviours, the client
 * id and secret (to the keychain, never read back), and the one-time setup that maps each poli to a Location and
 * each clinician (by the NIK set under Users) to a Practitioner.
 */
export function SatusehatSettings({ settings, onSaved }: { settings: Settings | null; onSaved: (s: Settings) => void }) {
  const { t, locale } = useI18n()
  const [edited, setForm] = useState<Form | null>(null)
  const form = edited ?? (settings ? toForm(settings.satusehat) : null)
  const [save, setSave] = useState<Status>({ kind: 'idle' })
  const presence = useCall('credentials.status', {})
  const [cred, setCred] = useState({ clientId: '', clientSecret: '' })
  const [credSave, setCredSave] = useState<Status>({ kind: 'idle' })
  const [stored, setStored] = useState<boolean | null>(null)
  const [setup, setSetup] = useState<Status>({ kind: 'idle' })
  const [result, setResult] = useState<Output<'satusehat.setup'> | null>(null)
  if (!form) return null

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const timeout = form.timeoutMs.trim()
    if (!/^\d+$/.test(timeout)) {
      setSave({ kind: 'error', error: new ApiError('INVALID_INPUT', t('settings.hasErrors'), [{ field: 'satusehat.timeoutMs', message: t('settings.notNumber') }]) })
      return
    }
    // Sandbox, production and custom addresses send as the faskes's Organization: core refuses them without its id too.
    if (form.enabled && form.environment !== 'demo' && form.orgId.trim() === '') {
      setSave({ kind: 'error', error: new ApiError('INVALID_INPUT', t('settings.hasErrors'), [{ field: 'satusehat.orgId', message: t('ss.orgIdRequired') }]) })
      return
    }
    setSave({ kind: 'busy' })
    try {
      const s = await call('settings.update', {
        satusehat: { ...form, authBase: orNull(form.authBase), fhirBase: orNull(form.fhirBase), kfaBase: orNull(form.kfaBase), orgId: orNull(form.orgId), timeoutMs: Number(timeout) },
      })
      setForm(toForm(s.satusehat))
      onSaved(s)
      setSave({ kind: 'done' })
    } catch (err) {
      setSave({ kind: 'error', error: asApiError(err) })
    }
  }
  const saveCred = async (e: FormEvent) => {
    e.preventDefault()
    setCredSave({ kind: 'busy' })
    try {
      setStored((await call('credentials.setSatusehat', cred)).satusehat)
      // The secret leaves the page as soon as it is stored.
      setCred({ clientId: '', clientSecret: '' })
      setCredSave({ kind: 'done' })
    } catch (err) {
      setCredSave({ kind: 'error', error: asApiError(err) })
    }
  }
  const runSetup = async () => {
    setSetup({ kind: 'busy' })
    try {
      setResult(await call('satusehat.setup', {}))
      setSetup({ kind: 'done' })
    } catch (err) {
      setSetup({ kind: 'error', error: asApiError(err) })
    }
  }

  const field = (name: keyof Form, label: MessageKey, control: (p: ControlProps) => ReactNode, hint?: MessageKey) => (
    <Field id={`f-satusehat-${name}`} name={`satusehat.${name}`} label={t(label)} hint={hint && t(hint)}>
      {control}
    </Field>
  )
  const text = (name: 'authBase' | 'fhirBase' | 'kfaBase' | 'orgId' | 'timeoutMs', inputMode?: 'url' | 'numeric') => (p: ControlProps) => (
    <input {...p} type="text" inputMode={inputMode} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
  )
  const select = <K extends 'environment' | 'zone' | 'encounterStyle' | 'timeStyle'>(name: K, options: readonly Form[K][], label: (o: Form[K]) => string) => (p: ControlProps) => (
    <select {...p} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value as Form[K] })}>
      {options.map((o) => (
        <option key={o} value={o}>
          {label(o)}
        </option>
      ))}
    </select>
  )
  const hasCred = stored ?? presence.value?.satusehat ?? false
  const demo = form.environment === 'demo'

  return (
    <section className="card" aria-labelledby="ss-title" data-testid="satusehat-settings">
      <h2 id="ss-title">{t('ss.title')}</h2>
      <p className="intro">{t('ss.intro')}</p>
      <form className="settings" onSubmit={submit} noValidate>
        <FormErrorScope error={save.kind === 'error' ? save.error : undefined}>
          <label className="checkbox">
            <input id="f-satusehat-enabled" type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> {t('ss.enabled')}
          </label>
          {field('environment', 'ss.environment', select('environment', ['demo', 'sandbox', 'production', 'custom'] as const, (o) => t(`ss.env.${o}`)), demo ? 'ss.environmentHintDemo' : 'ss.environmentHintLive')}
          {form.environment === 'custom' && (
            <>
              {field('authBase', 'ss.authBase', text('authBase', 'url'))}
              {field('fhirBase', 'ss.fhirBase', text('fhirBase', 'url'))}
              {field('kfaBase', 'ss.kfaBase', text('kfaBase', 'url'))}
            </>
          )}
          {!demo && field('orgId', 'ss.orgId', text('orgId'), 'ss.orgIdHint')}
          {field('zone', 'ss.zone', select('zone', ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const, (o) => o))}
          {field('encounterStyle', 'ss.encounterStyle', select('encounterStyle', ['bundle', 'status-path'] as const, (o) => t(`ss.style.${o}`)), 'ss.unconfirmedHint')}
          {field('timeStyle', 'ss.timeStyle', select('timeStyle', ['utc', 'zone'] as const, (o) => t(`ss.time.${o}`)), 'ss.unconfirmedHint')}
          {field('timeoutMs', 'settings.timeoutMs', text('timeoutMs', 'numeric'))}
          <div className="form-actions">
            <button type="submit" disabled={save.kind === 'busy'}>
              {save.kind === 'busy' ? t('settings.saving') : t('ss.save')}
            </button>
            <span role="status">{save.kind === 'done' && <span className="ok">{t('settings.saved')}</span>}</span>
          </div>
          <FormErrors summary={t('settings.hasErrors')} className="alert" />
        </FormErrorScope>
      </form>

      {!demo && (
        <form className="grid-form" onSubmit={saveCred} noValidate autoComplete="off">
          <h3>{t('ss.credTitle')}</h3>
          <p className="muted" data-testid="ss-cred-presence">{hasCred ? t('admin.stored') : t('admin.notStored')}</p>
          <FormErrorScope error={credSave.kind === 'error' ? credSave.error : undefined}>
            <Field id="ss-clientId" name="clientId" label={t('ss.clientId')}>
              <input type="text" autoComplete="off" value={cred.clientId} onChange={(e) => setCred({ ...cred, clientId: e.target.value })} />
            </Field>
            <Field id="ss-clientSecret" name="clientSecret" label={t('ss.clientSecret')}>
              <input type="password" autoComplete="off" value={cred.clientSecret} onChange={(e) => setCred({ ...cred, clientSecret: e.target.value })} />
            </Field>
            <FormErrors summary={t('form.hasErrors')} />
            <div className="form-actions wide">
              <button type="submit" disabled={credSave.kind === 'busy'}>
                {t('ss.credSave')}
              </button>
              <span role="status">{credSave.kind === 'done' && <span className="ok">{t('admin.stored')}</span>}</span>
            </div>
          </FormErrorScope>
        </form>
      )}

      <h3>{t('ss.setupTitle')}</h3>
      <p className="muted">{t('ss.setupIntro')}</p>
      <div className="form-actions">
        <button type="button" id="ss-setup" disabled={setup.kind === 'busy'} onClick={() => void runSetup()}>
          {setup.kind === 'busy' ? t('ss.setupRunning') : t('ss.setup')}
        </button>
        <span role="status">
          {setup.kind === 'error' && <span className="error">{setup.error.message}</span>}
          {result && setup.kind === 'done' && <span className="ok">{t('ss.orgName', { name: result.organizationName ?? '—' })}</span>}
        </span>
      </div>
      {result && (
        <table className="table" data-testid="ss-setup-result" aria-label={t('ss.setupTitle')}>
          <thead>
            <tr>
              <th scope="col">{t('ss.colWhat')}</th>
              <th scope="col">{t('ss.colIhs')}</th>
            </tr>
          </thead>
          <tbody>
            {result.locations.map((l) => (
              <tr key={`l:${l.kdPoli}`}>
                <td>
                  {t('ss.poli')} {l.kdPoli} {l.nmPoli}
                </td>
                <td>{l.locationId ?? reasonText(locale, l.code, l.message)}</td>
              </tr>
            ))}
            {result.practitioners.map((p) => (
              <tr key={`p:${p.username}`}>
                <td>
                  {t('ss.user')} {p.username}
                </td>
                <td>{p.ihsId ?? (p.code === 'SATUSEHAT_UNMAPPED' && !p.message ? t('ss.notFound') : reasonText(locale, p.code, p.message))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
