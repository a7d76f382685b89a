import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import type { Settings, SettingsPatch, SyncStatus } from '../../../electron/contract'
import { remoteUrlProblem } from '../../../electron/contract/remote-url'
import { ApiError, asApiError, call, localize } from '../api'
import { Field, type ControlProps } from '../components/Field'
import { LocaleSwitch } from '../components/LocaleSwitch'
import { HubDesks } from './HubDesks'
import { LedgerEnrolment } from './LedgerEnrolment'
import { SatusehatKfa } from './SatusehatKfa'
import { SatusehatSettings } from './SatusehatSettings'
import { FormErrorScope, FormErrors } from '../components/FormErrors'
import { useCall, useFocusFirst } from '../hooks'
import { useI18n, type Locale, type MessageKey } from '../i18n'

/** Form values as typed, keyed by the contract's field path so server field errors land next to their input. */
type Form = {
  faskesName: string
  kdPPK: string
  'ledger.org': Settings['ledger']['org']
  'ledger.peerEndpoint': string
  'ledger.channel': string
  'ledger.mspId': string
  'ledger.peerTlsCaPem': string
  'ledger.tlsServerName': string
  'ledger.caUrl': string
  'ledger.caTlsCaPem': string
  'ledger.enrollmentId': string
  'pcare.baseUrl': string
  'pcare.antreanBaseUrl': string
  'pcare.kunjunganPath': string
  'pcare.postContentType': Settings['pcare']['postContentType']
  'pcare.timeoutMs': string
  'updater.url': string
}
type FieldName = keyof Form

const toForm = (s: Settings): Form => ({
  faskesName: s.faskesName,
  kdPPK: s.kdPPK ?? '',
  'ledger.org': s.ledger.org,
  'ledger.peerEndpoint': s.ledger.peerEndpoint ?? '',
  'ledger.channel': s.ledger.channel,
  'ledger.mspId': s.ledger.mspId ?? '',
  'ledger.peerTlsCaPem': s.ledger.peerTlsCaPem ?? '',
  'ledger.tlsServerName': s.ledger.tlsServerName ?? '',
  'ledger.caUrl': s.ledger.caUrl ?? '',
  'ledger.caTlsCaPem': s.ledger.caTlsCaPem ?? '',
  'ledger.enrollmentId': s.ledger.enrollmentId ?? '',
  'pcare.baseUrl': s.pcare.baseUrl ?? '',
  'pcare.antreanBaseUrl': s.pcare.antreanBaseUrl ?? '',
  'pcare.kunjunganPath': s.pcare.kunjunganPath,
  'pcare.postContentType': s.pcare.postContentType,
  'pcare.timeoutMs': String(s.pcare.timeoutMs),
  'updater.url': s.updater.url ?? '',
})

/** An empty optional field means "not set" (null), which the contract uses for demo/off. */
const orNull = (v: string) => (v.trim() === '' ? null : v.trim())

/** null when a number field does not hold a whole number: that is caught here, before anything is sent. */
function toPatch(f: Form): SettingsPatch | null {
  const timeout = f['pcare.timeoutMs'].trim()
  if (!/^\d+$/.test(timeout)) return null
  return {
    faskesName: f.faskesName.trim(),
    kdPPK: orNull(f.kdPPK)?.toUpperCase() ?? null,
    ledger: {
      org: f['ledger.org'],
      peerEndpoint: orNull(f['ledger.peerEndpoint']),
      channel: f['ledger.channel'].trim(),
      mspId: orNull(f['ledger.mspId']),
      peerTlsCaPem: orNull(f['ledger.peerTlsCaPem']),
      tlsServerName: orNull(f['ledger.tlsServerName']),
      caUrl: orNull(f['ledger.caUrl']),
      caTlsCaPem: orNull(f['ledger.caTlsCaPem']),
      enrollmentId: orNull(f['ledger.enrollmentId']),
    },
    pcare: {
      baseUrl: orNull(f['pcare.baseUrl']),
      antreanBaseUrl: orNull(f['pcare.antreanBaseUrl']),
      kunjunganPath: f['pcare.kunjunganPath'].trim(),
      postContentType: f['pcare.postContentType'],
      timeoutMs: Number(timeout),
    },
    updater: { url: orNull(f['updater.url']) },
  }
}

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; error: ApiError }

/** The remote addresses, which must be https (or http to this computer only: contract/remote-url.ts). */
const REMOTE_URL_FIELDS = ['pcare.baseUrl', 'pcare.antreanBaseUrl', 'updater.url', 'ledger.caUrl'] as const

/**
 * A saved remote address that may no longer be saved (plain http to another computer, from before https was
 * required) is marked as needing change as soon as the page opens, while the field still holds it; core keeps using
 * nothing else in its place, and refuses to save the form until it is changed.
 */
function needsChange(stored: Form | null, form: Form, name: FieldName): string | undefined {
  const value = stored?.[name]
  if (!value || form[name] !== value || remoteUrlProblem(value) !== 'v.httpsOnly') return undefined
  return localize({ message: value, key: 'v.httpsOnly' })
}

/** The settings page; `status` is the shell's polled sync.status (undefined until its first answer). */
export function Pengaturan({ onSaved, status }: { onSaved: (s: Settings) => void; status: SyncStatus | undefined }) {
  const { t } = useI18n()
  const ref = useRef<HTMLElement>(null)
  const loaded = useCall('settings.get', {})
  const loadError = loaded.error
  // The form starts from the stored settings and is the admin's own from the first keystroke (or the last save).
  const [edited, setForm] = useState<Form | null>(null)
  const form = edited ?? (loaded.value ? toForm(loaded.value) : null)
  const [chosen, setLocale] = useState<Locale | null>(null)
  const locale = chosen ?? loaded.value?.locale ?? null
  const [save, setSave] = useState<SaveState>({ kind: 'idle' })
  // The settings as core last answered them (load or save), to tell a saved address from a typed one.
  const [saved, setSaved] = useState<Settings | null>(null)
  const stored = saved ?? loaded.value ?? null
  const storedForm = stored ? toForm(stored) : null
  useFocusFirst(ref, form !== null)
  // After a refused save, take the keyboard to the first marked field: it may be scrolled out of view.
  useEffect(() => {
    if (save.kind === 'error') ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [save])

  const applied = (s: Settings) => {
    setSaved(s)
    setForm(toForm(s))
    setLocale(s.locale)
    onSaved(s)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!form) return
    const patch = toPatch(form)
    if (!patch) {
      setSave({ kind: 'error', error: new ApiError('INVALID_INPUT', t('settings.hasErrors'), [{ field: 'pcare.timeoutMs', message: t('settings.notNumber') }]) })
      return
    }
    setSave({ kind: 'saving' })
    try {
      applied(await call('settings.update', patch))
      setSave({ kind: 'saved' })
    } catch (err) {
      setSave({ kind: 'error', error: asApiError(err) })
    }
  }

  // The language switch applies at once: it is a preference, not part of the faskes configuration.
  const switchLocale = async (next: Locale) => {
    setLocale(next)
    try {
      applied(await call('settings.update', { locale: next }))
    } catch (err) {
      setSave({ kind: 'error', error: asApiError(err) })
    }
  }

  const error = save.kind === 'error' ? save.error : undefined
  // Ids as the e2e suites and the first-field focus know them: f-faskesName, f-ledger-org…
  const field = (name: FieldName, label: MessageKey, control: (p: ControlProps) => ReactNode, hint?: MessageKey) => (
    <Field
      id={`f-${name.replace('.', '-')}`}
      name={name}
      label={t(label)}
      hint={hint && t(hint)}
      error={form && (REMOTE_URL_FIELDS as readonly string[]).includes(name) ? needsChange(storedForm, form, name) : undefined}
    >
      {control}
    </Field>
  )
  const text = (name: FieldName, extra: { inputMode?: 'numeric' | 'url' } = {}) => (p: ControlProps) =>
    form && <input {...p} {...extra} name={name} type="text" value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
  // Certificates are pasted as PEM text: the app keeps them itself (no file path the admin must keep).
  const pem = (name: FieldName) => (p: ControlProps) =>
    form && <textarea {...p} name={name} rows={4} spellCheck={false} className="pem" value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
  const select = (name: FieldName, options: readonly string[]) => (p: ControlProps) =>
    form && (
      <select {...p} name={name} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    )

  return (
    <section ref={ref} className="workspace" aria-labelledby="ws-title">
      <h1 id="ws-title" tabIndex={-1}>
        {t('ws.pengaturan')}
      </h1>
      <p className="intro">{t('settings.intro')}</p>
      {loadError && (
        <p role="alert" className="alert">
          {loadError.message}
        </p>
      )}
      {form && locale && (
        <>
          <form className="settings" onSubmit={submit} noValidate>
            <FormErrorScope error={error}>
              <fieldset className="card">
                <legend>{t('settings.general')}</legend>
                {field('faskesName', 'settings.faskesName', text('faskesName'))}
                {field('kdPPK', 'settings.kdPPK', text('kdPPK'), 'settings.kdPPKHint')}
              </fieldset>
              <fieldset className="card">
                <legend>{t('settings.ledger')}</legend>
                {field('ledger.org', 'settings.ledgerOrg', select('ledger.org', ['Puskesmas', 'RS']))}
                {field('ledger.caUrl', 'settings.caUrl', text('ledger.caUrl', { inputMode: 'url' }), 'settings.caUrlHint')}
                {field('ledger.caTlsCaPem', 'settings.caTlsCaPem', pem('ledger.caTlsCaPem'), 'settings.pemHint')}
                {field('ledger.enrollmentId', 'settings.enrollmentId', text('ledger.enrollmentId'), 'settings.enrollmentIdHint')}
                {field('ledger.peerEndpoint', 'settings.peerEndpoint', text('ledger.peerEndpoint'), 'settings.peerEndpointHint')}
                {field('ledger.peerTlsCaPem', 'settings.peerTlsCaPem', pem('ledger.peerTlsCaPem'), 'settings.pemHint')}
                {field('ledger.tlsServerName', 'settings.tlsServerName', text('ledger.tlsServerName'), 'settings.tlsServerNameHint')}
                {field('ledger.channel', 'settings.channel', text('ledger.channel'))}
                {field('ledger.mspId', 'settings.mspId', text('ledger.mspId'), 'settings.mspIdHint')}
              </fieldset>
              <fieldset className="card">
                <legend>{t('settings.pcare')}</legend>
                {field('pcare.baseUrl', 'settings.pcareBaseUrl', text('pcare.baseUrl', { inputMode: 'url' }), 'settings.pcareBaseUrlHint')}
                {field('pcare.antreanBaseUrl', 'settings.antreanBaseUrl', text('pcare.antreanBaseUrl', { inputMode: 'url' }), 'settings.antreanBaseUrlHint')}
                {field('pcare.kunjunganPath', 'settings.kunjunganPath', text('pcare.kunjunganPath'))}
                {field('pcare.postContentType', 'settings.postContentType', select('pcare.postContentType', ['text/plain', 'application/json', 'Application/x-www-form-urlencoded']))}
                {field('pcare.timeoutMs', 'settings.timeoutMs', text('pcare.timeoutMs', { inputMode: 'numeric' }))}
              </fieldset>
              <fieldset className="card">
                <legend>{t('settings.updater')}</legend>
                {field('updater.url', 'settings.updaterUrl', text('updater.url', { inputMode: 'url' }), 'settings.updaterUrlHint')}
              </fieldset>
              <div className="form-actions">
                <button type="submit" disabled={save.kind === 'saving'}>
                  {save.kind === 'saving' ? t('settings.saving') : t('settings.save')}
                </button>
                <div role="status" className="save-status">
                  {save.kind === 'saved' && <span className="ok">{t('settings.saved')}</span>}
                </div>
              </div>
              <FormErrors summary={t('settings.hasErrors')} className="alert" />
            </FormErrorScope>
          </form>
          <LedgerEnrolment
            settings={stored}
            status={status}
            enrollmentId={form['ledger.enrollmentId'].trim()}
            saveForm={async () => {
              const patch = toPatch(form)
              if (patch) applied(await call('settings.update', patch))
            }}
            onEnrolled={applied}
          />
          <SatusehatSettings settings={stored} onSaved={applied} />
          {stored?.satusehat.enabled && <SatusehatKfa />}
          <HubDesks />
          <LocaleSwitch className="card locale-switch" legend={t('settings.locale')} name="locale" value={locale} onChange={(l) => void switchLocale(l)} />
        </>
      )}
    </section>
  )
}
