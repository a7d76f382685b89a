import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import type { Output, PatientCheck } from '../../../electron/contract'
import { isDeskLocalId } from '../../../electron/contract/desk-ids'
import { asApiError, call, type ApiError } from '../api'
import { CodeSelect } from '../components/CodeSelect'
import { Field } from '../components/Field'
import { FormErrorScope, FormErrors } from '../components/FormErrors'
import { classifyId, scannedId } from '../components/cardScan'
import { QrScanner } from '../components/QrScanner'
import { useOnDeskSettled } from '../desk-settle'
import { useFocusFirst, useSubmit, useTodayRegistrations } from '../hooks'
import { useI18n } from '../i18n'
import { useReferenceLists } from '../reference'
import { SlipButton, useSlipPrint } from '../print/SlipPrint'
import { DoctorSelect } from './poli/DoctorSelect'
import { CheckOutcome } from './counter/CheckOutcome'
import { ageOf, checkMode, pcareReason, type CheckMode } from './counter/rules'
import { TodayFilter } from './counter/TodayFilter'
import { UnsentCell, useUnsent } from './exam/Unsent'
import { ScreeningNotice, waitsForScreening } from './counter/Screening'
import { CancelButton, useCancelRegistration } from './counter/CancelRegistration'

type Lists = Output<'reference.lists'>
type Today = Output<'registration.today'>

export function Pendaftaran() {
  const { t } = useI18n()
  const ref = useRef<HTMLElement>(null)
  const idInput = useRef<HTMLInputElement>(null)
  useFocusFirst(ref)
  const [value, setValue] = useState('')
  const [invalid, setInvalid] = useState(false)
  const [scanning, setScanning] = useState(false)
  const [checking, setChecking] = useState(false)
  const [check, setCheck] = useState<{ query: string; result: PatientCheck } | null>(null)
  const [checkError, setCheckError] = useState<ApiError | null>(null)
  // One patient at a time: every check gets a new number, and the register form is keyed by it, so nothing typed
  // for the previous card (keluhan, poli, errors) survives into the next one.
  const [checkSeq, setCheckSeq] = useState(0)
  const lists = useReferenceLists()
  const [registered, setRegistered] = useState<string | null>(null)
  // Known from the form at once, before today's list brings the row: a self-paying visit never waits for PCare.
  const [registeredUmum, setRegisteredUmum] = useState(false)
  const today = useTodayRegistrations(30_000)
  const slip = useSlipPrint(registered)
  const cancel = useCancelRegistration(() => today.reload())
  // A desk's offline work just reached the hub: a registration shown under its local desk-N number, and a card status
  // read from the desk's copy ("hub not connected"), are old news; the list shows the visit under the hub's number.
  useOnDeskSettled(() => {
    if (registered !== null && isDeskLocalId(registered)) {
      setRegistered(null)
      setCheck(null)
    } else if (check?.result.fromDesk && registered === null) {
      // Read again in place (the form, keyed by checkSeq, keeps what was typed); a failure keeps the old answer.
      const query = check.query
      call('patient.check', { query })
        .then((result) => setCheck((c) => (c?.query === query ? { query, result } : c)))
        .catch(() => {})
    }
  })

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
    // Typed, USB-scanned and webcam-decoded input are read alike (a scanner's prefix or Code 39 stars removed).
    const v = scannedId(raw)
    setCheckSeq((n) => n + 1)
    setRegistered(null)
    setCheckError(null)
    setCheck(null)
    if (!classifyId(v)) {
      setInvalid(true)
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

  const mode: CheckMode = check ? checkMode(classifyId(check.query), check.result) : 'none'

  const onDecoded = (text: string) => {
    setScanning(false)
    setValue(scannedId(text))
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
      {check && <CheckOutcome query={check.query} kind={classifyId(check.query)} check={check.result} />}
      {check && !registered && mode !== 'none' && (
        <RegisterForm
          key={`${checkSeq}-${lists?.poli.length ? 'lists' : 'none'}`}
          mode={mode}
          noKartu={check.result.patient?.noKartu ?? check.query}
          lists={lists}
          onDone={(noRawat, umum) => {
            setRegistered(noRawat)
            setRegisteredUmum(umum)
            setValue('')
            idInput.current?.focus()
          }}
        />
      )}
      {registered && <Registered noRawat={registered} umum={registeredUmum} today={today.value} onPrint={slip.open} />}
      {slip.dialog}

      <section className="card" aria-labelledby="queue-title">
        <h2 id="queue-title">{t('pendaftaran.queueTitle')}</h2>
        {cancel.done && (
          <p role="status" className="ok" data-testid="cancel-done">
            {t('corr.cancelled', { noRawat: cancel.done })}
          </p>
        )}
        <TodayFilter rows={today.value}>{(rows) => <TodayTable rows={rows} onPrint={slip.open} onCancel={cancel.open} />}</TodayFilter>
        {cancel.dialog}
      </section>
    </section>
  )
}

function RegisterForm({ mode, noKartu, lists, onDone }: { mode: Exclude<CheckMode, 'none'>; noKartu: string; lists: Lists | null; onDone: (noRawat: string, umum: boolean) => void }) {
  const { t } = useI18n()
  const poli = lists?.poli ?? []
  const [kdPoli, setKdPoli] = useState(poli[0]?.kdPoli ?? '')
  // Set by DoctorSelect to the poli's doctor on duty (or none); never "the first in the list".
  const [kdDokter, setKdDokter] = useState('')
  const [kunjSakit, setKunjSakit] = useState(true)
  const [keluhan, setKeluhan] = useState('')
  const [antrean, setAntrean] = useState(false)
  // An inactive card is registered only as self-paying, and only when the counter ticks it (never preselected).
  const [umum, setUmum] = useState(false)
  const { submit, busy, error } = useSubmit(async () => {
    const r = await call('registration.create', {
      noKartu,
      kdPoli,
      nmPoli: poli.find((p) => p.kdPoli === kdPoli)?.nmPoli,
      kdDokter: kdDokter || undefined,
      kunjSakit,
      keluhan,
      antrean: antrean && !umum,
      penjamin: umum ? 'umum' : 'bpjs',
      unverified: mode === 'unverified',
    })
    onDone(r.noRawat, umum)
  })
  return (
    <form className="card grid-form" onSubmit={submit} noValidate aria-labelledby="reg-title">
      <FormErrorScope error={error}>
        <h2 id="reg-title" className="wide">
          {t('pendaftaran.registerTitle', { noKartu })}
        </h2>
        {mode === 'unverified' && (
          <p className="wide outcome outcome-warn mark-unverified" data-testid="unverified-note">
            {t('counter.unverifiedNote')}
          </p>
        )}
        {mode === 'inactive' && (
          <Field id="reg-umum" name="penjamin" label={t('counter.penjamin')} wide>
            {(p) => (
              <label className="radio">
                <input {...p} type="checkbox" checked={umum} onChange={(e) => setUmum(e.target.checked)} /> {t('counter.umum')}
              </label>
            )}
          </Field>
        )}
        <Field id="reg-poli" name="kdPoli" label={t('pendaftaran.poli')}>
          <CodeSelect options={lists?.poli ?? null} code={(p) => p.kdPoli} text={(p) => p.nmPoli} value={kdPoli} onChange={setKdPoli} unavailable={t('pendaftaran.noPoli')} />
        </Field>
        <DoctorSelect id="reg-dokter" name="kdDokter" kdPoli={kdPoli} value={kdDokter} onChange={setKdDokter} all={lists?.dokter ?? []} preselect="onDuty" />
        <fieldset className="field radios">
          <legend>{t('pendaftaran.kunjungan')}</legend>
          <label className="radio">
            <input type="radio" name="kunj" checked={kunjSakit} onChange={() => setKunjSakit(true)} /> {t('pendaftaran.sakit')}
          </label>
          <label className="radio">
            <input type="radio" name="kunj" checked={!kunjSakit} onChange={() => setKunjSakit(false)} /> {t('pendaftaran.sehat')}
          </label>
        </fieldset>
        {mode !== 'inactive' && (
          <label className="radio">
            <input type="checkbox" checked={antrean} onChange={(e) => setAntrean(e.target.checked)} /> {t('pendaftaran.antrean')}
          </label>
        )}
        <Field id="reg-keluhan" name="keluhan" label={t('pendaftaran.keluhan')} wide>
          <input value={keluhan} onChange={(e) => setKeluhan(e.target.value)} />
        </Field>
        <FormErrors summary={t('form.hasErrors')} />
        <div className="form-actions wide">
          <button type="submit" disabled={busy}>
            {t('pendaftaran.register')} <kbd>Enter</kbd>
          </button>
        </div>
      </FormErrorScope>
    </form>
  )
}

function Registered({ noRawat, umum, today, onPrint }: { noRawat: string; umum: boolean; today: Today | undefined; onPrint: (noRawat: string) => void }) {
  const { t } = useI18n()
  const row = today?.find((r) => r.noRawat === noRawat)
  // The Mobile JKN queue's answer arrives after the registration's: watched here while the patient is at the desk.
  const unsent = useUnsent(umum ? [] : [noRawat])
  return (
    <>
      <p className="card registered" role="status" data-testid="registered">
        {t('pendaftaran.registered', { noRawat })}{' '}
        <strong data-testid="no-urut">
          {umum ? t('counter.registeredUmum') : row && row.verification === 'rejected' ? <PenjaminMark row={row} /> : row?.noUrut ? t('pendaftaran.noUrut', { n: row.noUrut }) : t('pendaftaran.noUrutPending')}
        </strong>{' '}
        <SlipButton noRawat={noRawat} onOpen={onPrint} shortcut />
      </p>
      <ScreeningNotice jobs={unsent?.get(noRawat)} />
    </>
  )
}

/** Payer and verification in words: UMUM, BPJS, BPJS · belum terverifikasi, or the PCare re-check's refusal. */
function PenjaminMark({ row }: { row: Today[number] }) {
  const { t } = useI18n()
  if (row.penjamin === 'umum') return <span className="mark-umum">{t('counter.penjamin.umum')}</span>
  if (row.verification === 'rejected') {
    return (
      <span className="mark-rejected" role="note">
        {row.verificationNote === null
          ? t('counter.verification.rejectedNotFound')
          : pcareReason(row.verificationNote)
            ? t('counter.verification.rejectedInactive', { ket: pcareReason(row.verificationNote)! })
            : t('counter.verification.rejectedInactiveNoReason')}
      </span>
    )
  }
  return (
    <>
      {t('counter.penjamin.bpjs')}
      {row.verification === 'unverified' && <span className="mark-unverified"> · {t('counter.verification.unverified')}</span>}
    </>
  )
}

function TodayTable({ rows, onPrint, onCancel }: { rows: Today | undefined; onPrint?: (noRawat: string) => void; onCancel?: (row: Today[number]) => void }) {
  const { t } = useI18n()
  const unsent = useUnsent(rows?.map((r) => r.noRawat) ?? [])
  const ageCell = (tglLahir: string | null) => {
    const age = ageOf(tglLahir)
    return age ? t(`counter.age.${age.unit}`, { n: age.n }) : '—'
  }
  if (!rows) return <p className="muted">{t('app.loading')}</p>
  if (rows.length === 0) return <p className="empty">{t('pendaftaran.queueEmpty')}</p>
  return (
    <table className="table" data-testid="today">
      <thead>
        <tr>
          <th scope="col">{t('pendaftaran.noRawat')}</th>
          <th scope="col">{t('pendaftaran.nama')}</th>
          <th scope="col">{t('pendaftaran.noKartu')}</th>
          <th scope="col">{t('counter.col.age')}</th>
          <th scope="col">{t('counter.col.sex')}</th>
          <th scope="col">{t('counter.col.tglLahir')}</th>
          <th scope="col">{t('pendaftaran.poli')}</th>
          <th scope="col">{t('counter.penjamin')}</th>
          <th scope="col">{t('pendaftaran.noUrutCol')}</th>
          <th scope="col">PCare</th>
          <th scope="col">Ledger</th>
          <th scope="col">{t('unsent.col')}</th>
          <th scope="col">{t('pendaftaran.status')}</th>
          {onPrint && <th scope="col">{t('print.print')}</th>}
          {onCancel && <th scope="col">{t('corr.col')}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.noRawat} data-no-rawat={r.noRawat} className={r.verification === 'rejected' ? 'rejected' : undefined}>
            <td>{r.noRawat}</td>
            <td>{r.nama ?? '—'}</td>
            <td>{r.noKartu}</td>
            <td>{ageCell(r.tglLahir)}</td>
            <td>{r.sex === 'L' || r.sex === 'P' ? t(`counter.sexShort.${r.sex}`) : '—'}</td>
            <td>{r.tglLahir ?? '—'}</td>
            <td>{r.nmPoli ?? r.kdPoli}</td>
            <td data-testid="penjamin">
              <PenjaminMark row={r} />
            </td>
            <td>
              {r.penjamin === 'umum' ? '—' : (r.noUrut ?? t('pendaftaran.waiting'))}
              {waitsForScreening(unsent?.get(r.noRawat)) && (
                <span className="mark-unverified" role="note" data-testid="screening-mark">
                  {' '}
                  · {t('counter.screeningShort')}
                </span>
              )}
            </td>
            <td className={`sync-${r.pcare}`}>{t(`syncState.${r.pcare}`)}</td>
            <td className={`sync-${r.ledger}`}>{t(`syncState.${r.ledger}`)}</td>
            <td>
              <UnsentCell jobs={unsent?.get(r.noRawat)} />
            </td>
            <td>{t(`regStatus.${r.status}`)}</td>
            {onPrint && <td>{r.status !== 'cancelled' && <SlipButton noRawat={r.noRawat} onOpen={onPrint} />}</td>}
            {onCancel && (
              <td>
                <CancelButton row={r} onOpen={onCancel} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
