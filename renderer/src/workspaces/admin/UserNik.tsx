import { useState, type FormEvent } from 'react'
import { asApiError, call, type ApiError } from '../../api'
import { useI18n } from '../../i18n'

/**
 * A clinician's NIK for SATUSEHAT's Practitioner lookup (docs/satusehat.md): the masked NIK and the cached IHS id,
 * and a small form to set or clear it. The full NIK is typed, never shown back (core answers it masked).
 */
export function UserNikCell({ username, role, nikMasked, ihsId, onSaved }: { username: string; role: string; nikMasked: string | null; ihsId: string | null; onSaved: () => void }) {
  const { t } = useI18n()
  const [editing, setEditing] = useState(false)
  const [nik, setNik] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  if (role === 'counter') return <span className="muted">—</span>
  const save = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      await call('users.setNik', { username, nik: nik.trim() === '' ? null : nik.trim() })
      setEditing(false)
      setNik('')
      onSaved()
    } catch (err) {
      setError(asApiError(err))
    }
  }
  if (!editing) {
    return (
      <span className="user-nik">
        {nikMasked ?? t('users.nikNone')}
        {ihsId && <span className="muted"> · IHS {ihsId}</span>}{' '}
        <button type="button" className="secondary" aria-label={t('users.nikEditFor', { username })} onClick={() => setEditing(true)}>
          {t('users.nikEdit')}
        </button>
      </span>
    )
  }
  return (
    <form className="inline-form" onSubmit={save} noValidate>
      {/* Escape leaves the field without saving, like the other inline editors of this table. */}
      <input
        id={`nik-${username}`}
        aria-label={t('users.nikFor', { username })}
        autoFocus
        inputMode="numeric"
        maxLength={16}
        autoComplete="off"
        value={nik}
        placeholder={t('users.nikPlaceholder')}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `nik-${username}-err` : undefined}
        onChange={(e) => setNik(e.target.value.replace(/\D/g, ''))}
        onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
      />
      <button type="submit">{t('users.nikSave')}</button>
      <button type="button" className="secondary" onClick={() => setEditing(false)}>
        {t('users.nikCancel')}
      </button>
      {error && (
        <span id={`nik-${username}-err`} role="alert" className="error">
          {error.message}
        </span>
      )}
    </form>
  )
}
