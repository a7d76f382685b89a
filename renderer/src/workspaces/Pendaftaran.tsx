import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import type { Output, PatientCheck } from '../../../electron/contract'
import { asApiError, call, type ApiError } from '../api'
import { Field, when } from '../components/Field'
import { QrScanner } from '../components/QrScanner'
import { useFocusFirst, usePoll } from '../hooks'
import { useI18n } from '../i18n'
import { SlipButton, useSlipPrint } from '../print/SlipPrint'

type Lists = Output<'reference.lists'>
type Today = Output<'registration.today'>

/** 13 digits = BPJS card number (noKartu), 16 digits = NIK. Checked before anything else is asked. */
export function classifyId(raw: string): 'noKartu' | 'nik' | null {
  const v = raw.replace(/\s+/g, '')
  if (/^\d{13}$/.test(v)) return 'noKartu'
  if (/^\d{16}$/.test(v)) return 'nik'
  return null
}

export function Pendaftaran() {
  const { t, locale } = useI18n()
  const ref = useRef<HTMLElement>(null)
  const idInput = useRef<HTMLInputElement>(null)
  useFocusFirst(ref)
  const [value, setValue] = useState('')
  const [invalid, setInvalid] = useState(false)
  const [scanning, setScanning] = useState(false)
  const [checking, setChecking] = useState(false)
  const [check, setCheck] = useState<{ query: string; result: PatientCheck } | null>(null)
  const [checkError, setCheckError] = useState<ApiError | null>(null)
  const [lists, setLists] = useState<Lists | null>(null)
  const [registered, setRegistered] = useState<string | null>(null)
  const today = usePoll(() => call('registration.today', {}), 2000)
  const slip = useSlipPrint(registered)

  useEffect(() => {
    call('reference.lists', {}).then(setLists, () => setLists(null))
  }, [])

  // F2 opens the camera from anywhere on this page (the counter keeps both hands on the keyboard and card).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault()
        setScanning((s) => !s)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const runCheck = useCallback(async (raw: string) => {
    const v = raw.replace(/\s+/g, '')
    setRegistered(null)
    setCheckError(null)
    if (!classifyId(v)) {
      setInvalid(true)
      setCheck(null)
      idInput.current?.focus()
      return
    }
    setInvalid(false)
    setChecking(true)
    try {
      setCheck({ query: v, result: await call('patient.check', { query: v }) })
    } catch (err) {
      setCheck(null)
      setCheckError(asApiError(err))
    } finally {
      setChecking(false)
    }
  }, [])

  const submit = (e: FormEvent) => {
    e.preventDefault()
    void runCheck(value)
  }

  const onDecoded = (text: string) => {
    setScanning(false)
    setValue(text)
    void runCheck(text)
  }

  return (
    <section ref={ref} className="workspace" aria-labelledby="ws-title">
      <h1 id="ws-title" tabIndex={-1}>
        {t('ws.pendaftaran')}
      </h1>
      <p className="intro">{t('pendaftaran.intro')}</p>
      <form className="card id-form" onSubmit={submit} noValidate>
        <label htmlFor="peserta-id">{t('pendaftaran.idLabel')}</label>
        <div className="row">
          <input
            ref={idInput}
            id="peserta-id"
            name="pesertaId"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            value={value}
            aria-invalid={invalid}
            aria-describedby="peserta-id-msg"
            onChange={(e) => {
              setValue(e.target.value)
              setInvalid(false)
            }}
          />
          <button type="submit" disabled={checking}>
            {t('pendaftaran.check')}
          </button>
          <button type="button" className="secondary" aria-keyshortcuts="F2" onClick={() => setScanning((s) => !s)}>
            {t('pendaftaran.scan')} <kbd>F2</kbd>
          </button>
        </div>
        <div id="peserta-id-msg" role="status" className="field-msg">
          {invalid && <span className="error">{t('pendaftaran.invalid')}</span>}
          {checking && <span className="muted">{t('pendaftaran.checking')}</span>}
        </div>
        {scanning && <QrScanner onDecoded={onDecoded} onClose={() => setScanning(false)} />}
      </form>

      {checkError && (
        <p role="alert" className="alert">
          {checkError.message}
        </p>
      )}
      {check && <Eligibility check={check.result} locale={locale} />}
      {check && !registered && (check.result.patient?.noKartu ?? (classifyId(check.query) === 'noKartu' ? check.query : null)) && (
        <RegisterForm
          key={lists ? 'lists' : 'none'}
          noKartu={check.result.patient?.noKartu ?? check.query}
          lists={lists}
          onDone={(noRawat) => {
            setRegistered(noRawat)
            setValue('')
            idInput.current?.focus()
          }}
        />
      )}
      {registered && <Registered noRawat={registered} today={today.value} onPrint={slip.open} />}
      {slip.dialog}

      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">{t('pendaftaran.queueTitle')}</h2>
        <TodayTable rows={today.value} onPrint={slip.open} />
      </section>
    </section>
  )
}

function Eligibility({ check, locale }: { check: PatientCheck; locale: string }) {
  const { t } = useI18n()
  const p = check.patient
  useEffect(() => {
    performance.mark('faskes:status-shown')
  }, [check])
  return (
    <section className="card eligibility" aria-labelledby="elig-title" data-testid="eligibility">
      <h2 id="elig-title">{t('pendaftaran.statusTitle')}</h2>
      {/* The technical cause (e.g. connection refused) is for support, so it sits in the tooltip. */}
      <p className={check.source === 'live' ? 'source live' : 'source cached'} data-testid="source" title={check.pcareError ?? undefined}>
        {check.source === 'live'
          ? t('pendaftaran.live')
          : check.source === 'cache' && check.checkedAt
            ? t('pendaftaran.cachedAt', { time: when(locale, check.checkedAt) })
            : t('pendaftaran.noData')}
      </p>
      {p && (
        <dl className="facts">
          <div>
            <dt>{t('pendaftaran.nama')}</dt>
            <dd data-testid="nama">{p.nama}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.cardStatus')}</dt>
            <dd>
              <span className={p.aktif ? 'badge badge-ok' : 'badge badge-bad'} data-testid="card-status">
                {p.aktif ? 'AKTIF' : 'TIDAK AKTIF'}
              </span>
              {p.ketAktif && p.ketAktif !== 'AKTIF' && <span className="muted"> {p.ketAktif}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('pendaftaran.noKartu')}</dt>
            <dd>{p.noKartu}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.jnsPeserta')}</dt>
            <dd>{[p.jnsPeserta, p.jnsKelas].filter(Boolean).join(' · ') || '—'}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.provider')}</dt>
            <dd>{[p.kdProvider, p.nmProvider].filter(Boolean).join(' ') || '—'}</dd>
          </div>
          <div>
            <dt>{t('pendaftaran.ledger')}</dt>
            <dd data-testid="ledger-status">
              {check.ledger.status ?? t('pendaftaran.ledgerUnknown')}
              <span className="muted">
                {' '}
                {check.ledger.source === 'live' ? t('pendaftaran.ledgerLive') : check.ledger.checkedAt ? t('pendaftaran.cachedAt', { time: when(locale, check.ledger.checkedAt) }) : ''}
              </span>
            </dd>
          </div>
        </dl>
      )}
    </section>
  )
}

function RegisterForm({ noKartu, lists, onDone }: { noKartu: string; lists: Lists | null; onDone: (noRawat: string) => void }) {
  const { t } = useI18n()
  const poli = lists?.poli ?? []
  const [kdPoli, setKdPoli] = useState(poli[0]?.kdPoli ?? '')
  const [kdDokter, setKdDokter] = useState(lists?.dokter[0]?.kdDokter ?? '')
  const [kunjSakit, setKunjSakit] = useState(true)
  const [keluhan, setKeluhan] = useState('')
  const [antrean, setAntrean] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const r = await call('registration.create', {
        noKartu,
        kdPoli,
        nmPoli: poli.find((p) => p.kdPoli === kdPoli)?.nmPoli,
        kdDokter: kdDokter || undefined,
        kunjSakit,
        keluhan,
        antrean,
      })
      onDone(r.noRawat)
    } catch (err) {
      setError(asApiError(err))
      setBusy(false)
    }
  }
  return (
    <form className="card grid-form" onSubmit={submit} noValidate aria-labelledby="reg-title">
      <h2 id="reg-title" className="wide">
        {t('pendaftaran.registerTitle', { noKartu })}
      </h2>
      <Field id="reg-poli" label={t('pendaftaran.poli')} error={error?.fieldMessage('kdPoli')}>
        <select id="reg-poli" value={kdPoli} onChange={(e) => setKdPoli(e.target.value)}>
          {poli.length === 0 && <option value="">{t('pendaftaran.noPoli')}</option>}
          {poli.map((p) => (
            <option key={p.kdPoli} value={p.kdPoli}>
              {p.nmPoli}
            </option>
          ))}
        </select>
      </Field>
      <Field id="reg-dokter" label={t('pendaftaran.dokter')} error={error?.fieldMessage('kdDokter')}>
        <select id="reg-dokter" value={kdDokter} onChange={(e) => setKdDokter(e.target.value)}>
          <option value="">—</option>
          {lists?.dokter.map((d) => (
            <option key={d.kdDokter} value={d.kdDokter}>
              {d.nmDokter}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="field radios">
        <legend>{t('pendaftaran.kunjungan')}</legend>
        <label className="radio">
          <input type="radio" name="kunj" checked={kunjSakit} onChange={() => setKunjSakit(true)} /> {t('pendaftaran.sakit')}
        </label>
        <label className="radio">
          <input type="radio" name="kunj" checked={!kunjSakit} onChange={() => setKunjSakit(false)} /> {t('pendaftaran.sehat')}
        </label>
      </fieldset>
      <label className="radio">
        <input type="checkbox" checked={antrean} onChange={(e) => setAntrean(e.target.checked)} /> {t('pendaftaran.antrean')}
      </label>
      <Field id="reg-keluhan" label={t('pendaftaran.keluhan')} error={error?.fieldMessage('keluhan')} wide>
        <input id="reg-keluhan" value={keluhan} onChange={(e) => setKeluhan(e.target.value)} />
      </Field>
      {error && error.fields.length === 0 && (
        <p role="alert" className="alert wide">
          {error.message}
        </p>
      )}
      <div className="form-actions wide">
        <button type="submit" disabled={busy}>
          {t('pendaftaran.register')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  )
}

function Registered({ noRawat, today, onPrint }: { noRawat: string; today: Today | undefined; onPrint: (noRawat: string) => void }) {
  const { t } = useI18n()
  const row = today?.find((r) => r.noRawat === noRawat)
  return (
    <p className="card registered" role="status" data-testid="registered">
      {t('pendaftaran.registered', { noRawat })}{' '}
      <strong data-testid="no-urut">{row?.noUrut ? t('pendaftaran.noUrut', { n: row.noUrut }) : t('pendaftaran.noUrutPending')}</strong>{' '}
      <SlipButton noRawat={noRawat} onOpen={onPrint} shortcut />
    </p>
  )
}

export function TodayTable({ rows, onPrint }: { rows: Today | undefined; onPrint?: (noRawat: string) => void }) {
  const { t } = useI18n()
  if (!rows) return <p className="muted">{t('app.loading')}</p>
  if (rows.length === 0) return <p className="empty">{t('pendaftaran.queueEmpty')}</p>
  return (
    <table className="table" data-testid="today">
      <thead>
        <tr>
          <th scope="col">{t('pendaftaran.noRawat')}</th>
          <th scope="col">{t('pendaftaran.nama')}</th>
          <th scope="col">{t('pendaftaran.poli')}</th>
          <th scope="col">{t('pendaftaran.noUrutCol')}</th>
          <th scope="col">PCare</th>
          <th scope="col">Ledger</th>
          <th scope="col">{t('pendaftaran.status')}</th>
          {onPrint && <th scope="col">{t('print.print')}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.noRawat} data-no-rawat={r.noRawat}>
            <td>{r.noRawat}</td>
            <td>{r.nama ?? r.noKartu}</td>
            <td>{r.nmPoli ?? r.kdPoli}</td>
            <td>{r.noUrut ?? t('pendaftaran.waiting')}</td>
            <td className={`sync-${r.pcare}`}>{t(`syncState.${r.pcare}`)}</td>
            <td className={`sync-${r.ledger}`}>{t(`syncState.${r.ledger}`)}</td>
            <td>{t(`regStatus.${r.status}`)}</td>
            {onPrint && <td>{r.status !== 'cancelled' && <SlipButton noRawat={r.noRawat} onOpen={onPrint} />}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
