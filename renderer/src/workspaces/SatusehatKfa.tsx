import { useState, type FormEvent } from 'react'
import type { Output } from '../../../electron/contract'
import { asApiError, call, type ApiError } from '../api'
import { CodeSelect } from '../components/CodeSelect'
import { Field } from '../components/Field'
import { FormErrorScope, FormErrors } from '../components/FormErrors'
import { useCall } from '../hooks'
import { useI18n } from '../i18n'

type Row = Output<'satusehat.kfa.list'>[number]
type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done' } | { kind: 'error'; error: ApiError }

/**
 * Pengaturan's KFA mapping for SATUSEHAT (docs/satusehat.md#kfa): a PCare obat gets the KFA product code its
 * MedicationRequests carry; KFA checks the code and gives the product name. Obat without a mapping are not sent to
 * SATUSEHAT (field practice, reference §4). Lists the mapped obat, each removable.
 */
export function SatusehatKfa() {
  const { t } = useI18n()
  const list = useCall('satusehat.kfa.list', {})
  const [rows, setRows] = useState<Row[] | null>(null)
  const all = rows ?? list.value ?? null
  const [kdObat, setKdObat] = useState('')
  const [kfaCode, setKfaCode] = useState('')
  const [status, setStatus] = useState<Status>({ kind: 'idle' })

  const send = async (input: { kdObat: string; kfaCode: string | null }) => {
    setStatus({ kind: 'busy' })
    try {
      setRows(await call('satusehat.kfa.set', input))
      setStatus({ kind: 'done' })
      if (input.kfaCode !== null) setKfaCode('')
    } catch (err) {
      setStatus({ kind: 'error', error: asApiError(err) })
    }
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void send({ kdObat, kfaCode: kfaCode.trim() })
  }
  const mapped = (all ?? []).filter((r) => r.kfaCode !== null)

  return (
    <section className="card" aria-labelledby="ss-kfa-title" data-testid="satusehat-kfa">
      <h2 id="ss-kfa-title">{t('ss.kfaTitle')}</h2>
      <p className="intro">{t('ss.kfaIntro')}</p>
      <form className="grid-form" onSubmit={submit} noValidate>
        <FormErrorScope error={status.kind === 'error' ? status.error : undefined}>
          <Field id="ss-kfa-obat" name="kdObat" label={t('ss.kfaObat')}>
            {(p) => <CodeSelect {...p} options={all} code={(r) => r.kdObat} text={(r) => `${r.nmObat ?? r.kdObat} (${r.kdObat})`} value={kdObat} onChange={setKdObat} empty={t('ss.kfaChoose')} unavailable={t('ss.kfaNoObat')} />}
          </Field>
          <Field id="ss-kfa-code" name="kfaCode" label={t('ss.kfaCode')} hint={t('ss.kfaCodeHint')}>
            {(p) => <input {...p} type="text" inputMode="numeric" maxLength={8} value={kfaCode} onChange={(e) => setKfaCode(e.target.value)} />}
          </Field>
          <FormErrors summary={t('form.hasErrors')} />
          <div className="form-actions wide">
            <button type="submit" disabled={status.kind === 'busy' || kdObat === ''}>
              {t('ss.kfaSave')}
            </button>
            <span role="status">{status.kind === 'done' && <span className="ok">{t('settings.saved')}</span>}</span>
          </div>
        </FormErrorScope>
      </form>
      {mapped.length > 0 && (
        <table className="table" aria-label={t('ss.kfaTitle')} data-testid="ss-kfa-mapped">
          <thead>
            <tr>
              <th scope="col">{t('ss.kfaObat')}</th>
              <th scope="col">{t('ss.kfaCode')}</th>
              <th scope="col">{t('ss.kfaProduct')}</th>
              <th scope="col">{t('ss.kfaRemove')}</th>
            </tr>
          </thead>
          <tbody>
            {mapped.map((r) => (
              <tr key={r.kdObat}>
                <td>
                  {r.nmObat ?? '—'} ({r.kdObat})
                </td>
                <td>{r.kfaCode}</td>
                <td>{r.display}</td>
                <td>
                  <button type="button" className="link" aria-label={t('ss.kfaRemoveOne', { obat: r.nmObat ?? r.kdObat })} disabled={status.kind === 'busy'} onClick={() => void send({ kdObat: r.kdObat, kfaCode: null })}>
                    {t('ss.kfaRemove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
