import { useRef, useState } from 'react'
import type { DeploymentMode, FirstRunMode, Output } from '../../electron/contract'
import { call } from './api'
import { Field } from './components/Field'
import { LocaleSwitch } from './components/LocaleSwitch'
import { FormErrorScope, FormErrors } from './components/FormErrors'
import { TotpEnrolment } from './components/TotpEnrolment'
import { useFocusFirst, useSubmit } from './hooks'
import { useI18n } from './i18n'
import { DeskInstructions, ModeChoice } from './ModeChoice'

export type Me = Output<'auth.me'>
export type SessionUser = NonNullable<Me['user']>

/**
 * First run: no user can sign in yet. This screen first asks what the PC is for (ModeChoice: standalone, hub or desk),
 * then for standalone and hub creates the admin (recording the mode with it) and shows the TOTP enrolment once; for a
 * desk it says what to run instead. With `needsCode` (the browser shell) it also asks for the one-time setup code
 * printed on the server's console. Every card ends with the language switch (LocaleSwitch), so a newcomer who reads
 * English can switch before anything else.
 */
export function FirstRun({ onSignedIn, needsCode }: { onSignedIn: (u: SessionUser) => void; needsCode: boolean }) {
  const { t } = useI18n()
  const [mode, setMode] = useState<DeploymentMode>('standalone')
  const [chosen, setChosen] = useState(false)
  if (!chosen || mode === 'desk') {
    return (
      <main className="boot">
        <section className="card auth-card" aria-labelledby="mode-title">
          <h1 id="mode-title" tabIndex={-1}>
            {t(chosen ? 'firstRun.deskTitle' : 'firstRun.title')}
          </h1>
          {chosen ? (
            <DeskInstructions onBack={() => setChosen(false)} />
          ) : (
            <ModeChoice
              initial={mode}
              onChoose={(m) => {
                setMode(m)
                setChosen(true)
              }}
            />
          )}
          <LocaleSwitch />
        </section>
      </main>
    )
  }
  return <FirstAdmin mode={mode} onBack={() => setChosen(false)} onSignedIn={onSignedIn} needsCode={needsCode} />
}

/** The first admin, on a PC whose mode was just chosen (standalone or hub); "Kembali" returns to the choice. */
function FirstAdmin({ mode, onBack, onSignedIn, needsCode }: { mode: FirstRunMode; onBack: () => void; onSignedIn: (u: SessionUser) => void; needsCode: boolean }) {
  const { t } = useI18n()
  const ref = useRef<HTMLElement>(null)
  useFocusFirst(ref)
  const [username, setUsername] = useState('admin')
  const [password, setPassword] = useState('')
  const [setupCode, setSetupCode] = useState('')
  const [enrolment, setEnrolment] = useState<Output<'auth.setup'> | null>(null)
  // Disabled while sending: a double press would otherwise ask for a second first admin, which core refuses.
  const { submit, busy, error } = useSubmit(async () => setEnrolment(await call('auth.setup', { username, password, mode, ...(needsCode ? { setupCode: setupCode.trim() } : {}) })))
  return (
    <main className="boot">
      <section ref={ref} className="card auth-card" aria-labelledby="setup-title">
        <h1 id="setup-title" tabIndex={-1}>
          {t('auth.setupTitle')}
        </h1>
        {!enrolment ? (
          <form onSubmit={submit} noValidate className="auth-form">
            <FormErrorScope error={error}>
              <p className="intro">{t('auth.setupIntro')}</p>
              <p className="hint" data-testid="setup-mode">
                {t(`firstRun.chosen.${mode}`)}{' '}
                <button type="button" className="link" onClick={onBack}>
                  {t('firstRun.change')}
                </button>
              </p>
              {needsCode && (
                <Field id="setup-code" name="setupCode" label={t('auth.setupCode')} hint={t('auth.setupCodeHint')}>
                  <input autoComplete="off" spellCheck={false} value={setupCode} onChange={(e) => setSetupCode(e.target.value)} />
                </Field>
              )}
              <Field id="setup-username" name="username" label={t('auth.username')}>
                <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
              </Field>
              <Field id="setup-password" name="password" label={t('auth.password')} hint={t('auth.passwordHint')}>
                <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
              </Field>
              <FormErrors summary={t('form.hasErrors')} className="alert" />
              <button type="submit" disabled={busy}>{t('auth.createAdmin')}</button>
            </FormErrorScope>
          </form>
        ) : (
          <>
            <p>{t('auth.enrolIntro')}</p>
            <TotpEnrolment secret={enrolment.secret} otpauthUri={enrolment.otpauthUri} />
            <Login onSignedIn={onSignedIn} presetUser={enrolment.username} />
          </>
        )}
        <LocaleSwitch />
      </section>
    </main>
  )
}

/** The sign-in screen; `notice` says why a session just ended (a hub desk's session the hub no longer honours). */
export function LoginScreen({ onSignedIn, notice }: { onSignedIn: (u: SessionUser) => void; notice?: string }) {
  const { t } = useI18n()
  return (
    <main className="boot">
      <section className="card auth-card" aria-labelledby="login-title">
        <h1 id="login-title">{t('auth.loginTitle')}</h1>
        {notice && (
          <p role="alert" className="alert" data-testid="login-notice">
            {notice}
          </p>
        )}
        <Login onSignedIn={onSignedIn} />
        <LocaleSwitch />
      </section>
    </main>
  )
}

function Login({ onSignedIn, presetUser = '' }: { onSignedIn: (u: SessionUser) => void; presetUser?: string }) {
  const { t } = useI18n()
  const ref = useRef<HTMLFormElement>(null)
  useFocusFirst(ref)
  const [username, setUsername] = useState(presetUser)
  const [password, setPassword] = useState('')
  const [totp, setTotp] = useState('')
  const { submit, busy, error } = useSubmit(async () => onSignedIn(await call('auth.login', { username: username.trim(), password, totp: totp.trim() || undefined })))
  return (
    <form ref={ref} onSubmit={submit} noValidate className="auth-form">
      <FormErrorScope error={error}>
        <Field id="login-username" name="username" label={t('auth.username')}>
          <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field id="login-password" name="password" label={t('auth.password')}>
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field id="login-totp" name="totp" label={t('auth.totp')} hint={t('auth.totpHint')}>
          <input inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={totp} onChange={(e) => setTotp(e.target.value)} />
        </Field>
        <FormErrors className="alert" />
        <button type="submit" disabled={busy}>
          {t('auth.login')}
        </button>
      </FormErrorScope>
    </form>
  )
}
