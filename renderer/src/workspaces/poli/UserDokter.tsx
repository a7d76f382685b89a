import { useState, type SelectHTMLAttributes } from 'react'
import { asApiError, call } from '../../api'
import { CodeSelect } from '../../components/CodeSelect'
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

/**
 * A user's doctor-code select: none, PCare's list as "name (code)", and a linked code the list no longer has. Other
 * select attributes (id, aria-*, which a Field passes in) go to the select.
 */
export function DokterSelect({ dokter, value, onChange, ...rest }: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & { dokter: Dokter[]; value: string; onChange: (kdDokter: string) => void }) {
  const { t } = useI18n()
  return (
    <CodeSelect
      {...rest}
      options={dokter}
      code={(d) => d.kdDokter}
      text={(d) => `${d.nmDokter} (${d.kdDokter})`}
      value={value}
      onChange={onChange}
      empty={t('admin.kdDokterNone')}
      missing={(kd) => kd}
    />
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
      <DokterSelect className="dokter-cell" aria-label={t('admin.setDokter', { username })} dokter={dokter} value={value} onChange={(next) => void save(next)} />
      {status && (
        <span role="status" className={status.ok ? 'ok' : 'error'}>
          {' '}
          {status.text}
        </span>
      )}
    </>
  )
}
