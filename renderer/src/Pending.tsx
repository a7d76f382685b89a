import { useRef, useState } from 'react'
import { call } from './api'
import type { SessionUser } from './Auth'
import { Field } from './components/Field'
import { FormErrorScope, FormErrors } from './components/FormErrors'
import { TotpEnrolment } from './components/TotpEnrolment'
import { useCall, useFocusFirst, useSubmit } from './hooks'
import { useI18n } from './i18n'

/**
 * What a sign-in must do before anything else (issue 13): change the temporary password an admin set, then (for an
 * admin created or re-enrolled by another admin) scan the new authenticator secret, shown here to this user only.
 * Core refuses every other channel meanwhile; `onDone` gets the user as core answers after each step (its `pending`
 * tells what is next, none when done).
 */
export function PendingStep({ user, onDone, onSignedOut }: { user: SessionUser; onDone: (u: SessionUser) => void; onSignedOut: () => void }) {
  const { t } = useI18n()
  return (
    <main className="boot">
      <section className="card auth-card" aria-labelledby="pending-title">
        <h1 id="pending-title">{t(user.pending === 'password' ? 'pending.passwordTitle' : 'pending.enrolTitle')}</h1>
        <p className="intro">{t(user.pending === 'password' ? 'pending.passwordIntro' : 'pending.enrolIntro', { username: user.username })}</p>
        {user.pending === 'password' ? <ChangePassword key="password" onDone={onDone} /> : <Enrol key="totp" onDone={onDone} />}
        <button type="button" className="secondary" onClick={() => void call('auth.logout', {}).finally(onSignedOut)}>
          {t('auth.logout')}
        </button>
      </section>
    </main>
  )
}

function ChangePassword({ onDone }: { onDone: (u: SessionUser) => void }) {
  const { t } = useI18n()
  const ref = useRef<HTMLFormElement>(null)
  useFocusFirst(ref)
  const [form, setForm] = useState({ current: '', password: '', repeat: '' })
  const [mismatch, setMismatch] = useState(false)
  // A new password or its repeat edited: the mismatch said at the last submit no longer holds.
  const edit = (patch: Partial<typeof form>) => {
    setForm({ ...form, ...patch })
    setMismatch(false)
  }
  const { submit, busy, error } = useSubmit(async () => onDone(await call('auth.changePassword', { current: form.current, password: form.password })), {
    // Checked here only: a typo in a password nobody sees would lock the user out of their own account.
    check: () => {
      setMismatch(form.password !== form.repeat)
      return form.password === form.repeat
    },
  })
  return (
    <form ref={ref} onSubmit={submit} noValidate className="auth-form">
      <FormErrorScope error={error}>
        <Field id="pw-current" name="current" label={t('pending.currentPassword')}>
          <input type="password" autoComplete="current-password" value={form.current} onChange={(e) => setForm({ ...form, current: e.target.value })} />
        </Field>
        <Field id="pw-new" name="password" label={t('pending.newPassword')} hint={t('auth.passwordHint')}>
          <input type="password" autoComplete="new-password" value={form.password} onChange={(e) => edit({ password: e.target.value })} />
        </Field>
        <Field id="pw-repeat" name="repeat" label={t('pending.repeatPassword')} error={mismatch ? t('pending.repeatMismatch') : undefined} live>
          <input type="password" autoComplete="new-password" value={form.repeat} onChange={(e) => edit({ repeat: e.target.value })} />
        </Field>
        <FormErrors className="alert" />
        <button type="submit" disabled={busy}>
          {t('pending.changePassword')}
        </button>
      </FormErrorScope>
    </form>
  )
}

function Enrol({ onDone }: { onDone: (u: SessionUser) => void }) {
  const { t } = useI18n()
  const enrolment = useCall('auth.enrolment', {})
  const [totp, setTotp] = useState('')
  const { submit, busy, error } = useSubmit(async () => onDone(await call('auth.enrol', { totp: totp.trim() })))
  if (enrolment.error) return <p className="alert">{enrolment.error.message}</p>
  if (!enrolment.value) return <p>{t('app.loading')}</p>
  return (
    <>
      <TotpEnrolment secret={enrolment.value.secret} otpauthUri={enrolment.value.otpauthUri} />
      <form onSubmit={submit} noValidate className="auth-form">
        <FormErrorScope error={error}>
          <Field id="enrol-totp" name="totp" label={t('pending.enrolCode')} hint={t('pending.enrolCodeHint')}>
            <input inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={totp} onChange={(e) => setTotp(e.target.value)} />
          </Field>
          <FormErrors className="alert" />
          <button type="submit" disabled={busy}>
            {t('pending.enrol')}
          </button>
        </FormErrorScope>
      </form>
    </>
  )
}
