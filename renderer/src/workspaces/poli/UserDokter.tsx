import { useState } from 'react'
import { asApiError, call } from '../../api'
import { useI18n } from '../../i18n'
import { useReferenceLists } from '../../reference'

type Dokter = { kdDokter: string; nmDokter: string }

const NONE: Dokter[] = []

/**
 * PCare's cached dokter list (reference.lists), for linking users to their doctor code. Empty until loaded; follows
 * the automatic reference fetch (a first-run admin may add users before the list has arrived).
 */
export function useDokterList(): Dokter[] {
  return useReferenceLists()?.dokter ?? NONE
}

/** The options of a doctor-code select: none, the list, and a linked code the list no longer has. */
export function DokterOptions({ dokter, value }: { dokter: Dokter[]; value: string }) {
  const { t } = useI18n()
  return (
    <>
      <option value="">{t('admin.kdDokterNone')}</option>
      {value && !dokter.some((d) => d.kdDokter === value) && <option value={value}>{value}</option>}
      {dokter.map((d) => (
        <option key={d.kdDokter} value={d.kdDokter}>
          {d.nmDokter} ({d.kdDokter})
        </option>
      ))}
    </>
  )
}

/**
 * One user's PCare doctor code in the users table, changed in place (users.setDokter). Counter users examine
 * nobody, so they get a dash instead of a select.
 */
export function UserDokterCell({ username, role, kdDokter, dokter }: { username: string; role: string; kdDokter: string | null; dokter: Dokter[] }) {
  const { t } = useI18n()
  const [value, setValue] = useState(kdDokter ?? '')
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null)
  if (role === 'counter') return <>—</>
  const save = async (next: string) => {
    setValue(next)
    setStatus(null)
    try {
      await call('users.setDokter', { username, kdDokter: next || null })
      setStatus({ ok: true, text: t('admin.dokterSaved') })
    } catch (e) {
      setValue(kdDokter ?? '')
      setStatus({ ok: false, text: asApiError(e).message })
    }
  }
  return (
    <>
      <select aria-label={t('admin.setDokter', { username })} value={value} onChange={(e) => void save(e.target.value)}>
        <DokterOptions dokter={dokter} value={value} />
      </select>
      {status && (
        <span role="status" className={status.ok ? 'ok' : 'error'}>
          {' '}
          {status.text}
        </span>
      )}
    </>
  )
}
