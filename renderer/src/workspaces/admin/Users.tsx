import { useState, type FormEvent } from 'react'
import type { Output } from '../../../../electron/contract'
import { ApiError, asApiError, call } from '../../api'
import { Field, when } from '../../components/Field'
import { FormErrorScope, FormErrors } from '../../components/FormErrors'
import { TotpEnrolment } from '../../components/TotpEnrolment'
import { useCall } from '../../hooks'
import { useI18n } from '../../i18n'
import { DokterSelect, UserDokterCell, useDokterList } from '../poli/UserDokter'

/** The users with their role, TOTP state and doctor, and the form that adds one (an admin gets a TOTP enrolment). */
export function Users() {
  const { t, locale } = useI18n()
  const list = useCall('users.list', {})
  const users = list.value
  const [form, setForm] = useState({ username: '', password: '', role: 'counter' as 'counter' | 'clinician' | 'admin', kdDokter: '' })
  const dokter = useDokterList()
  const [saveError, setError] = useState<ApiError | null>(null)
  const [created, setCreated] = useState<Output<'users.create'> | null>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      setCreated(await call('users.create', { ...form, kdDokter: form.role !== 'counter' && form.kdDokter ? form.kdDokter : undefined }))
      setForm({ username: '', password: '', role: form.role, kdDokter: '' })
      list.reload()
    } catch (err) {
      setError(asApiError(err))
    }
  }
  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">{t('admin.usersTitle')}</h2>
      {users && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('auth.username')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">TOTP</th>
              <th scope="col">{t('admin.kdDokter')}</th>
              <th scope="col">{t('admin.created')}</th>
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
                <td>{when(locale, u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
            {created.enrolment && ` ${t('auth.enrolIntro')}`}
          </p>
          {created.enrolment && <TotpEnrolment secret={created.enrolment.secret} otpauthUri={created.enrolment.otpauthUri} testId="new-admin-secret" />}
        </div>
      )}
    </section>
  )
}
