import { useEffect, useRef, useState } from 'react'
import { SESSION_IDLE_MS, SESSION_TOUCH_MS } from '../../electron/contract/session'
import { call, onSessionRefused, type ApiError } from './api'
import type { SessionUser } from './Auth'
import { Field } from './components/Field'
import { FormErrorScope, FormErrors } from './components/FormErrors'
import { useSubmit } from './hooks'
import { useI18n } from './i18n'

/** Input that counts as the user being at the screen; polls and timers never produce these. */
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const
/** How often the page compares the time since the last input with SESSION_IDLE_MS. */
const IDLE_CHECK_MS = 5000

/**
 * The session's idle lock (issue 13, Deliver 3). User input is reported to core with session.touch at most every
 * SESSION_TOUCH_MS, so only input keeps the session open; after SESSION_IDLE_MS without input, or when core answers
 * auth.locked, a modal lock screen covers the workspace, which stays mounted underneath with everything typed, and
 * unlocks into the same screen with the password (and the code for an admin). When core says the session is over
 * (12 h after sign-in, auth.signInFirst), `onEnded` leads to a full sign-in.
 */
export function SessionLock({ user, onEnded }: { user: SessionUser; onEnded: (notice?: ApiError) => void }) {
  const [locked, setLocked] = useState(false)
  const lockedRef = useRef(false)
  lockedRef.current = locked
  const endedRef = useRef(onEnded)
  endedRef.current = onEnded
  // When the user last gave input, and when that was last reported to core (epoch ms).
  const lastInput = useRef(Date.now())
  const lastTouch = useRef(0)

  useEffect(() => {
    const onInput = () => {
      if (lockedRef.current) return
      lastInput.current = Date.now()
      if (lastInput.current - lastTouch.current < SESSION_TOUCH_MS) return
      lastTouch.current = lastInput.current
      // A refusal (locked, ended) reaches onSessionRefused below like any other call's.
      call('session.touch', {}).catch(() => {})
    }
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onInput, { capture: true, passive: true })
    const timer = window.setInterval(() => {
      if (!lockedRef.current && Date.now() - lastInput.current >= SESSION_IDLE_MS) setLocked(true)
    }, IDLE_CHECK_MS)
    const off = onSessionRefused((reason, notice) => (reason === 'locked' ? setLocked(true) : endedRef.current(notice)))
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onInput, { capture: true })
      window.clearInterval(timer)
      off()
    }
  }, [])

  if (!locked) return null
  const unlocked = () => {
    // auth.unlock restarted the idle time in core; the page's clock starts again with it.
    lastInput.current = Date.now()
    lastTouch.current = lastInput.current
    setLocked(false)
  }
  return <LockDialog user={user} onUnlocked={unlocked} onEnded={onEnded} />
}

function LockDialog({ user, onUnlocked, onEnded }: { user: SessionUser; onUnlocked: () => void; onEnded: () => void }) {
  const { t } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  const [password, setPassword] = useState('')
  const [totp, setTotp] = useState('')

  useEffect(() => {
    const dialog = ref.current
    // Modal: the workspace behind is inert and hidden by the opaque backdrop; Escape must not close the lock.
    dialog?.showModal()
    const keep = (e: Event) => e.preventDefault()
    dialog?.addEventListener('cancel', keep)
    return () => {
      dialog?.removeEventListener('cancel', keep)
      if (dialog?.open) dialog.close()
    }
  }, [])

  const { submit, busy, error } = useSubmit(
    async () => {
      await call('auth.unlock', { password, totp: totp.trim() || undefined })
      onUnlocked()
    },
    {
      onError: () => {
        setPassword('')
        setTotp('')
      },
    },
  )
  const signOut = () => void call('auth.logout', {}).finally(onEnded)

  return (
    <dialog ref={ref} className="card lock-dialog" aria-labelledby="lock-title" data-testid="lock-screen">
      <form onSubmit={submit} noValidate className="auth-form">
        <FormErrorScope error={error}>
          <h2 id="lock-title">{t('lock.title')}</h2>
          <p>{t('lock.intro', { username: user.username })}</p>
          <Field id="lock-password" name="password" label={t('auth.password')}>
            <input type="password" autoComplete="current-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          {user.role === 'admin' && (
            <Field id="lock-totp" name="totp" label={t('auth.totp')} hint={t('auth.totpHint')}>
              <input inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={totp} onChange={(e) => setTotp(e.target.value)} />
            </Field>
          )}
          <FormErrors className="alert" />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {t('lock.unlock')}
            </button>
            <button type="button" className="secondary" onClick={signOut}>
              {t('auth.logout')}
            </button>
          </div>
        </FormErrorScope>
      </form>
    </dialog>
  )
}
