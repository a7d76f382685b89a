import { useState, type FormEvent } from 'react'
import type { Output } from '../../../../electron/contract'
import { ApiError, asApiError, call } from '../../api'
import { Field, when } from '../../components/Field'
import { FormErrorScope, FormErrors } from '../../components/FormErrors'
import { useCall } from '../../hooks'
import { UserNikCell } from './UserNik'
import { useI18n } from '../../i18n'
import { clock } from '../../time'
import { DokterSelect, UserDokterCell, useDokterList } from '../poli/UserDokter'

type UserRow = Output<'users.list'>[number]

/**
 * The users with their role, TOTP state, doctor and state (enabled, what their next sign-in must do first); per user
 * disable/enable (not for the admin's own row: core refuses it), a temporary password, (admins) a new authenticator
 * the user scans at their own next sign-in, and an unlock while a sign-in lock holds; the form that adds one; and the audit of these changes. No admin ever sees another user's authenticator secret.
 */
export function Users() {
  const { t, locale } = useI18n()
  const list = useCall('users.list', {})
  const nik = useCall('users.satusehat', {})
  const nikOf = new Map((nik.value ?? []).map((n) => [n.username, n]))
  const audit = useCall('users.audit', {})
  // The signed-in admin: their own row offers no "disable" (core answers CONFLICT user.cannotDisableSelf anyway).
  const myName = useCall('auth.me', {}).value?.user?.username ?? null
  const users = list.value
  const [form, setForm] = useState({ username: '', password: '', role: 'counter' as 'counter' | 'clinician' | 'admin', kdDokter: '' })
  const dokter = useDokterList()
  const [saveError, setError] = useState<ApiError | null>(null)
  const [created, setCreated] = useState<Output<'users.create'> | null>(null)
  // The outcome of the last row action, said once in the status line below the table.
  const [done, setDone] = useState<string | null>(null)
  const [actionError, setActionError] = useState<ApiError | null>(null)
  const [resetting, setResetting] = useState<string | null>(null)
  // Disabling ends the user's sessions at once (a clinician mid-examination loses the form): asked once more on the row.
  const [disabling, setDisabling] = useState<string | null>(null)
  const reload = () => {
    list.reload()
    nik.reload()
    audit.reload()
  }
  const act = async (run: () => Promise<unknown>, said: string) => {
    setDone(null)
    setActionError(null)
    try {
      await run()
      setDone(said)
      reload()
      return true
    } catch (err) {
      setActionError(asApiError(err))
      return false
    }
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      setCreated(await call('users.create', { ...form, kdDokter: form.role !== 'counter' && form.kdDokter ? form.kdDokter : undefined }))
      setForm({ username: '', password: '', role: form.role, kdDokter: '' })
      reload()
    } catch (err) {
      setError(asApiError(err))
    }
  }
  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">{t('admin.usersTitle')}</h2>
      {users && (
        <table className="table" aria-labelledby="users-title">
          <thead>
            <tr>
              <th scope="col">{t('auth.username')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">TOTP</th>
              <th scope="col">{t('admin.kdDokter')}</th>
              <th scope="col">{t('users.nikColumn')}</th>
              <th scope="col">{t('admin.created')}</th>
              <th scope="col">{t('users.state')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.username}>
                <td>{u.username}</td>
                <td>{t(`role.${u.role}`)}</td>
                <td>{u.role === 'admin' ? (u.totp ? '✓' : t('admin.totpPending')) : '—'}</td>
                <td>
                  <UserDokterCell key={u.kdDokter ?? ''} username={u.username} role={u.role} kdDokter={u.kdDokter} dokter={dokter} />
                </td>
                <td>
                  <UserNikCell username={u.username} role={u.role} nikMasked={nikOf.get(u.username)?.nikMasked ?? null} ihsId={nikOf.get(u.username)?.ihsPractitionerId ?? null} onSaved={() => nik.reload()} />
                </td>
                <td>{when(locale, u.createdAt)}</td>
                <td>
                  <UserState user={u} />
                </td>
                <td>
                  <div className="row-actions">
                    {u.lockedUntil !== null && (
                      <button type="button" className="secondary" onClick={() => void act(() => call('users.unlock', { username: u.username }), t('users.unlockDone', { username: u.username }))}>
                        {t('users.unlock')}
                      </button>
                    )}
                    {u.username !== myName &&
                      (disabling === u.username ? (
                        <span className="row-actions" onKeyDown={(e) => e.key === 'Escape' && setDisabling(null)}>
                          <button
                            type="button"
                            className="danger"
                            autoFocus
                            onClick={() => {
                              setDisabling(null)
                              void act(() => call('users.setEnabled', { username: u.username, enabled: false }), t('users.disabledDone', { username: u.username }))
                            }}
                          >
                            {t('users.disableConfirm', { username: u.username })}
                          </button>
                          <button type="button" className="secondary" onClick={() => setDisabling(null)}>
                            {t('users.cancel')}
                          </button>
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() =>
                            u.enabled
                              ? setDisabling(u.username)
                              : void act(() => call('users.setEnabled', { username: u.username, enabled: true }), t('users.enabledDone', { username: u.username }))
                          }
                        >
                          {t(u.enabled ? 'users.disable' : 'users.enable')}
                        </button>
                      ))}
                    <button type="button" className="secondary" aria-expanded={resetting === u.username} onClick={() => setResetting(resetting === u.username ? null : u.username)}>
                      {t('users.resetPassword')}
                    </button>
                    {u.role === 'admin' && (
                      <button type="button" className="secondary" onClick={() => void act(() => call('users.resetEnrolment', { username: u.username }), t('users.reenrolDone', { username: u.username }))}>
                        {t('users.reenrol')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {resetting && (
        <ResetPassword
          key={resetting}
          username={resetting}
          onDone={() => {
            setDone(t('users.resetDone', { username: resetting }))
            setActionError(null)
            setResetting(null)
            reload()
          }}
          onCancel={() => setResetting(null)}
        />
      )}
      <div role="status">{done && <p className="ok">{done}</p>}</div>
      {actionError && (
        <p role="alert" className="alert">
          {actionError.message}
        </p>
      )}
      <form className="grid-form" onSubmit={submit} noValidate>
        <FormErrorScope error={saveError}>
          <Field id="nu-username" name="username" label={t('auth.username')}>
            <input autoComplete="off" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
          </Field>
          <Field id="nu-password" name="password" label={t('auth.password')} hint={t('auth.passwordHint')}>
            <input type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </Field>
          <Field id="nu-role" name="role" label={t('admin.role')}>
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as typeof form.role })}>
              {(['counter', 'clinician', 'admin'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          {form.role !== 'counter' && (
            <Field id="nu-dokter" name="kdDokter" label={t('admin.kdDokter')} hint={t('admin.kdDokterHint')}>
              <DokterSelect dokter={dokter} value={form.kdDokter} onChange={(kdDokter) => setForm({ ...form, kdDokter })} />
            </Field>
          )}
          <FormErrors summary={t('form.hasErrors')} />
          <div className="form-actions wide">
            <button type="submit">{t('admin.addUser')}</button>
            {/* Why the list could not be read (a refused add is in the summary above). */}
            {!saveError && list.error && <span className="error">{list.error.message}</span>}
          </div>
        </FormErrorScope>
      </form>
      {created && (
        <div role="status">
          <p className="ok">
            {t('admin.userCreated', { username: created.username })}
            {created.enrolAtSignIn && ` ${t('users.enrolAtSignIn', { username: created.username })}`}
          </p>
        </div>
      )}
      <UserAudit audit={audit.value} />
    </section>
  )
}

/** Enabled or not, until when a sign-in lock holds (HH:MM, the 15-minute lock), and what the next sign-in must do first. */
function UserState({ user }: { user: UserRow }) {
  const { t, locale } = useI18n()
  const notes = [user.enabled ? t('users.enabled') : t('users.disabled')]
  if (user.lockedUntil !== null) notes.push(t('users.lockedUntil', { time: clock(locale, user.lockedUntil) }))
  if (user.mustChangePassword) notes.push(t('users.mustChangePassword'))
  if (user.enrolPending) notes.push(t('users.enrolPending'))
  return <span className={user.enabled && user.lockedUntil === null ? undefined : 'error'}>{notes.join(' · ')}</span>
}

/** The temporary password an admin gives a user; the user changes it at their next sign-in. */
function ResetPassword({ username, onDone, onCancel }: { username: string; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n()
  const [password, setPassword] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      await call('users.resetPassword', { username, password })
      onDone()
    } catch (err) {
      setError(asApiError(err))
    }
  }
  return (
    <form className="grid-form" onSubmit={submit} noValidate aria-label={t('users.resetTitle', { username })}>
      <FormErrorScope error={error}>
        <p className="wide">{t('users.resetIntro', { username })}</p>
        <Field id="rp-password" name="password" label={t('users.tempPassword')} hint={t('auth.passwordHint')}>
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <FormErrors summary={t('form.hasErrors')} />
        <div className="form-actions wide">
          <button type="submit">{t('users.setTempPassword')}</button>
          <button type="button" className="secondary" onClick={onCancel}>
            {t('users.cancel')}
          </button>
        </div>
      </FormErrorScope>
    </form>
  )
}

/** The audit of user changes, newest first: when, who, which user, what, and at which hub desk (— when not at a desk). */
function UserAudit({ audit }: { audit: Output<'users.audit'> | undefined }) {
  const { t, locale } = useI18n()
  if (!audit) return null
  return (
    <>
      <h3 id="users-audit-title">{t('users.auditTitle')}</h3>
      {audit.length === 0 ? (
        <p>{t('users.auditEmpty')}</p>
      ) : (
        <table className="table" aria-labelledby="users-audit-title">
          <thead>
            <tr>
              <th scope="col">{t('users.auditAt')}</th>
              <th scope="col">{t('users.auditActor')}</th>
              <th scope="col">{t('users.auditTarget')}</th>
              <th scope="col">{t('users.auditAction')}</th>
              <th scope="col">{t('users.auditDesk')}</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((a, i) => (
              <tr key={`${a.at}-${i}`}>
                <td>{when(locale, a.at)}</td>
                <td>{a.actor}</td>
                {/* A pairing code names no desk yet. */}
                <td>{a.username || '—'}</td>
                <td>{t(`users.action.${a.action}`)}</td>
                <td>{a.desk ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
