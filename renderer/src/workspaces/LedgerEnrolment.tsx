import { useState, type FormEvent } from 'react'
import type { Settings, SyncStatus } from '../../../electron/contract'
import { ApiError, asApiError, call } from '../api'
import { Field } from '../components/Field'
import { FormErrorScope, FormErrors } from '../components/FormErrors'
import { useI18n } from '../i18n'
import { dateTime } from '../time'

type Signer = 'software' | 'pkcs11'
const EMPTY = { secret: '', signer: 'software' as Signer, library: '', tokenLabel: '', keyLabel: 'faskes-workstation', pin: '' }

/**
 * "Daftarkan workstation": the one-time secret the org admin gave (never stored), where the key is made, and the
 * enrolled certificate's facts (kdPPK, role, MSP, expiry). The CA address, its TLS certificate and the enrolment id
 * are fields of the settings form above: pressing the button saves that form first, then enrols. `status` is the
 * shell's polled sync.status (not read again here), undefined until its first answer.
 */
export function LedgerEnrolment({
  settings,
  status,
  enrollmentId,
  saveForm,
  onEnrolled,
}: {
  settings: Settings | null
  status: SyncStatus | undefined
  enrollmentId: string
  saveForm: () => Promise<void>
  onEnrolled: (s: Settings) => void
}) {
  const { t, locale } = useI18n()
  const [form, setForm] = useState(EMPTY)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [done, setDone] = useState(false)
  const identity = settings?.ledger.identity
  // The saved faskes code is not the certificate's (changed after enrolment): the engine sends nothing to the ledger
  // (IDENTITY_KDPPK_MISMATCH) until the workstation is enrolled again. The demo identity re-enrols by itself.
  const mismatch = identity && identity.kind !== 'none' && !identity.demo && identity.role === 'workstation' && identity.kdPPK !== settings?.kdPPK
  // The peer refused this certificate (revoked, expired, another MSP) after it was enrolled: it looks valid here but
  // signs nothing, until the next enrolment (whose enrolledAt is newer) replaces it.
  const refusedAt = refusedSince(identity, status?.targets.find((x) => x.target === 'ledger')?.identityRefusedAt ?? null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    setDone(false)
    setBusy(true)
    try {
      await saveForm()
      const signer =
        form.signer === 'pkcs11' ? { kind: 'pkcs11' as const, library: form.library, tokenLabel: form.tokenLabel, keyLabel: form.keyLabel, pin: form.pin } : { kind: 'software' as const }
      onEnrolled(await call('ledger.enrol', { enrollmentId, secret: form.secret, signer }))
      // The secret is spent (one-time) and the PIN is in the keychain now: neither stays in the page.
      setForm({ ...form, secret: '', pin: '' })
      setDone(true)
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }
  const input = (name: 'secret' | 'library' | 'tokenLabel' | 'keyLabel' | 'pin', type: 'text' | 'password' = 'text') => (
    <input type={type} autoComplete="off" spellCheck={false} value={form[name]} onChange={(e) => setForm({ ...form, [name]: e.target.value })} />
  )

  return (
    <form className="settings" onSubmit={submit} noValidate autoComplete="off" aria-labelledby="enrol-title">
      <fieldset className="card">
        <legend id="enrol-title">{t('enrol.title')}</legend>
        <p className="intro">{t('enrol.intro')}</p>
        {identity && (
          <dl className="facts" data-testid="ledger-identity">
            {identity.kind === 'none' ? (
              <div>
                <dt>{t('enrol.status')}</dt>
                <dd>{t('enrol.none')}</dd>
              </div>
            ) : (
              <>
                <div>
                  <dt>{t('enrol.enrollmentId')}</dt>
                  <dd>
                    {identity.enrollmentId}
                    {identity.demo ? ` (${t('enrol.demo')})` : ''}
                  </dd>
                </div>
                <div>
                  <dt>kdPPK</dt>
                  <dd>{identity.kdPPK ?? '—'}</dd>
                </div>
                <div>
                  <dt>{t('enrol.role')}</dt>
                  <dd>{identity.role}</dd>
                </div>
                <div>
                  <dt>MSP</dt>
                  <dd>{identity.mspId}</dd>
                </div>
                <div>
                  <dt>{t('enrol.expires')}</dt>
                  <dd>{dateTime(locale, identity.notAfter)}</dd>
                </div>
                {refusedAt !== null && (
                  <div className="has-failed" role="alert" data-testid="ledger-identity-refused">
                    <dt>{t('enrol.refused')}</dt>
                    <dd>{t('enrol.refusedValue', { at: dateTime(locale, refusedAt) })}</dd>
                  </div>
                )}
                <div>
                  <dt>{t('enrol.key')}</dt>
                  <dd>{identity.kind === 'pkcs11' ? `${t('enrol.signer.pkcs11')}: ${identity.tokenLabel} / ${identity.keyLabel}` : t('enrol.signer.software')}</dd>
                </div>
              </>
            )}
          </dl>
        )}
        {mismatch && (
          <p role="alert" className="alert" data-testid="ledger-kdppk-mismatch">
            {t('enrol.kdPPKMismatch', { cert: identity.kdPPK ?? '—', settings: settings?.kdPPK ?? '—' })}
          </p>
        )}
        <FormErrorScope error={error}>
          <Field id="f-enrol-secret" name="secret" label={t('enrol.secret')} hint={t('enrol.secretHint')}>
            {input('secret', 'password')}
          </Field>
          <Field id="f-enrol-signer" name="signer" label={t('enrol.signer')}>
            <select value={form.signer} onChange={(e) => setForm({ ...form, signer: e.target.value as Signer })}>
              <option value="software">{t('enrol.signer.software')}</option>
              <option value="pkcs11">{t('enrol.signer.pkcs11')}</option>
            </select>
          </Field>
          {form.signer === 'pkcs11' && (
            <>
              <Field id="f-enrol-library" name="signer.library" label={t('enrol.library')} hint={t('enrol.libraryHint')}>
                {input('library')}
              </Field>
              <Field id="f-enrol-tokenLabel" name="signer.tokenLabel" label={t('enrol.tokenLabel')}>
                {input('tokenLabel')}
              </Field>
              <Field id="f-enrol-keyLabel" name="signer.keyLabel" label={t('enrol.keyLabel')}>
                {input('keyLabel')}
              </Field>
              <Field id="f-enrol-pin" name="signer.pin" label={t('enrol.pin')}>
                {input('pin', 'password')}
              </Field>
            </>
          )}
          <div className="form-actions">
            <button type="submit" disabled={busy}>
              {busy ? t('enrol.busy') : t('enrol.submit')}
            </button>
            <div role="status" className="save-status">
              {done && <span className="ok">{t('enrol.done')}</span>}
            </div>
          </div>
          <FormErrors summary={t('form.hasErrors')} className="alert" />
        </FormErrorScope>
      </fieldset>
    </form>
  )
}

/**
 * When the peer refused the stored certificate (TargetStatus.identityRefusedAt, ms), or null: also null when there is
 * no identity or it was enrolled after the refusal (the settings answer of a new enrolment can arrive before the
 * next status read).
 */
export function refusedSince(identity: Settings['ledger']['identity'] | undefined, refusedAt: number | null): number | null {
  if (!identity || identity.kind === 'none' || refusedAt === null) return null
  return refusedAt > identity.enrolledAt ? refusedAt : null
}
