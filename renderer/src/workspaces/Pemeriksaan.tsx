import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import type { ExaminationInput, Output } from '../../../electron/contract'
import { ApiError, asApiError, call } from '../api'
import { Field } from '../components/Field'
import { useFocusFirst, usePoll } from '../hooks'
import { useI18n } from '../i18n'
import { useReferenceLists } from '../reference'
import { ReferralPrintButton } from '../print/ReferralPrint'
import { ReferralFields, emptyReferral, needsSub, toReferral, type ReferralDraft } from './Rujukan'
import { DoctorSelect } from './poli/DoctorSelect'
import { PoliQueue } from './poli/PoliQueue'
import { ObatFields, TindakanFields, digits, itemFieldPaths, toObatInput, toTindakanInput, type ObatLine, type TindakanLine } from './exam/ItemPickers'
import { UnsentCard, UnsentSummary, useUnsent } from './exam/Unsent'
import { DiagnosisPicker } from './exam/DiagnosisPicker'
import { VitalsFields, useVitals, vitalFieldPaths } from './exam/VitalsFields'

type Row = Output<'registration.today'>[number]
type Lists = Output<'reference.lists'>
type Hit = Output<'reference.diagnosa'>[number]

export function Pemeriksaan() {
  const { t } = useI18n()
  const ref = useRef<HTMLElement>(null)
  const today = usePoll(() => call('registration.today', {}), 3000)
  const lists = useReferenceLists()
  const [selected, setSelected] = useState<Row | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  useFocusFirst(ref, today.value !== undefined)
  const rows = today.value?.filter((r) => r.status !== 'cancelled') ?? []
  // A card PCare refused on its re-check waits for the counter to register the patient anew: out of the call queue,
  // and marked in the list so the clinician knows why it cannot be examined.
  const rejected = (r: Row) => r.verification === 'rejected' && r.status === 'registered'
  const unsent = useUnsent(rows.map((r) => r.noRawat))
  // The list is polled: the picked visit's status follows the database (e.g. examined after a save).
  const current = rows.find((r) => r.noRawat === selected?.noRawat) ?? selected

  // Arrow keys move between patients; Enter (a button's own key) opens the one with focus.
  const onListKey = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const buttons = Array.from(e.currentTarget.querySelectorAll<HTMLButtonElement>('button'))
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement)
    buttons[Math.max(0, Math.min(buttons.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus()
  }

  return (
    <section ref={ref} className="workspace" aria-labelledby="ws-title">
      <h1 id="ws-title" tabIndex={-1}>
        {t('ws.pemeriksaan')}
      </h1>
      <p className="intro">{t('pemeriksaan.intro')}</p>
      <PoliQueue
        rows={rows.filter((r) => !rejected(r))}
        polis={lists?.poli ?? []}
        examOpen={current?.status === 'registered' ? current : null}
        onOpen={(r) => {
          setSelected(r)
          setSaved(null)
        }}
      />
      <div className="exam-layout">
        <section className="card patient-list" aria-labelledby="list-title">
          <h2 id="list-title">{t('exam.listTitle')}</h2>
          {rows.length === 0 ? (
            <p className="empty">{t('exam.listEmpty')}</p>
          ) : (
            <ul onKeyDown={onListKey} className="pick-list">
              {rows.map((r) => (
                <li key={r.noRawat}>
                  <button
                    type="button"
                    className={selected?.noRawat === r.noRawat ? 'pick current' : 'pick'}
                    aria-pressed={selected?.noRawat === r.noRawat}
                    onClick={() => {
                      setSelected(r)
                      setSaved(null)
                    }}
                  >
                    <span className="pick-name">{r.nama ?? r.noKartu}</span>
                    <span className="muted">
                      {r.nmPoli ?? r.kdPoli} · {r.noRawat} · {t(`regStatus.${r.status}`)}
                    </span>
                    {rejected(r) && <span className="badge badge-bad">{t('exam.cardRejected')}</span>}
                    <UnsentSummary jobs={unsent?.get(r.noRawat)} />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="exam-main">
          {saved && (
            <p className="card registered" role="status" data-testid="exam-saved">
              {t('exam.saved', { noRawat: saved })} <ReferralPrintButton noRawat={saved} />
            </p>
          )}
          {selected ? (
            <>
              {current?.status === 'examined' ? (
                saved !== selected.noRawat && (
                  <p className="card">
                    {t('exam.alreadyExamined', { noRawat: selected.noRawat })} <ReferralPrintButton noRawat={selected.noRawat} />
                  </p>
                )
              ) : current && rejected(current) ? (
                <p className="card alert" role="alert">
                  {t('exam.cardRejectedLong', { reason: current.verificationNote ?? t('exam.cardNotFound') })}
                </p>
              ) : (
                <ExamForm key={selected.noRawat} row={selected} lists={lists} onSaved={(n) => setSaved(n)} />
              )}
              <UnsentCard noRawat={selected.noRawat} jobs={unsent?.get(selected.noRawat)} />
              <History noKartu={selected.noKartu} refreshKey={saved} />
            </>
          ) : (
            <p className="card empty">{t('exam.pick')}</p>
          )}
        </div>
      </div>
    </section>
  )
}

const RUJUK_VERTIKAL = '4'
const REFERRAL_FIELDS = ['kdppk', 'nmppk', 'tglEstRujuk', 'alasan', 'dokter', 'tacc', 'tacc.alasanTacc', 'catatan', 'kdSubSpesialis']
/** The workstation's own calendar day, yyyy-MM-dd (the default planned referral date). */
function isoToday(): string {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function ExamForm({ row, lists, onSaved }: { row: Row; lists: Lists | null; onSaved: (noRawat: string) => void }) {
  const { t } = useI18n()
  const formRef = useRef<HTMLFormElement>(null)
  useFocusFirst(formRef)
  const [keluhan, setKeluhan] = useState(row.keluhan)
  const vitals = useVitals(row.kdPoli, row.nmPoli)
  const [vitalsFail, setVitalsFail] = useState(false)
  const [kdSadar, setKdSadar] = useState(lists?.kesadaran[0]?.kdSadar ?? '01')
  // The counter's choice; without one, DoctorSelect fills in the signed-in clinician's own doctor code.
  const [kdDokter, setKdDokter] = useState(row.kdDokter ?? '')
  const [kdStatusPulang, setKdStatusPulang] = useState(lists?.statusPulang.find((s) => s.kdStatusPulang === '3')?.kdStatusPulang ?? lists?.statusPulang[0]?.kdStatusPulang ?? '3')
  const [diagnoses, setDiagnoses] = useState<Hit[]>([])
  const [terapiObat, setTerapiObat] = useState('')
  const [terapiNonObat, setTerapiNonObat] = useState('')
  const [tindakan, setTindakan] = useState<TindakanLine[]>([])
  const [obat, setObat] = useState<ObatLine[]>([])
  const [rujuk, setRujuk] = useState(false)
  const [rujukan, setRujukan] = useState<ReferralDraft>(() => emptyReferral(isoToday()))
  const [claim, setClaim] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }, [error])

  const num = (v: string) => (v.trim() === '' ? undefined : Number(v))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // The vitals are checked here with core's rules, so each field says what is wrong before anything is sent.
    const checked = vitals.take()
    setVitalsFail(!checked)
    if (!checked) {
      setError(null)
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
      return
    }
    const input: ExaminationInput = {
      noRawat: row.noRawat,
      keluhan,
      anamnesa: '',
      vitals: checked,
      kdSadar,
      diagnoses: diagnoses.map(({ kdDiag, nmDiag }) => ({ kdDiag, nmDiag })),
      kdDokter,
      terapiObat,
      terapiNonObat,
      kdStatusPulang,
      tindakan: toTindakanInput(tindakan),
      obat: toObatInput(obat),
      rujukan: rujuk ? toReferral(rujukan, needsSub(rujukan, lists)) : undefined,
      claimAmount: num(claim),
    }
    setBusy(true)
    setError(null)
    try {
      const r = await call('examination.save', input)
      onSaved(r.noRawat)
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }
  const fe = (f: string) => error?.fieldMessage(f)
  const known = new Set(['keluhan', 'kdSadar', 'kdDokter', 'diagnoses', 'kdStatusPulang', 'claimAmount', ...vitalFieldPaths, ...REFERRAL_FIELDS.map((k) => `rujukan.${k}`)])
  for (const f of itemFieldPaths(obat.length)) known.add(f)
  const other = error?.fields.filter((f) => !known.has(f.field)) ?? []

  return (
    <form ref={formRef} className="card grid-form exam-form" onSubmit={submit} noValidate aria-labelledby="exam-title">
      <h2 id="exam-title" className="wide">
        {t('exam.formTitle', { nama: row.nama ?? row.noKartu, noRawat: row.noRawat })}
      </h2>
      <Field id="ex-keluhan" label={t('pendaftaran.keluhan')} error={fe('keluhan')} wide>
        <input id="ex-keluhan" value={keluhan} aria-invalid={Boolean(fe('keluhan'))} onChange={(e) => setKeluhan(e.target.value)} />
      </Field>
      <VitalsFields state={vitals} serverMessage={fe} />
      <Field id="ex-sadar" label={t('exam.kesadaran')} error={fe('kdSadar')}>
        <select id="ex-sadar" value={kdSadar} onChange={(e) => setKdSadar(e.target.value)}>
          {(lists?.kesadaran.length ? lists.kesadaran : [{ kdSadar: '01', nmSadar: 'Compos mentis' }]).map((k) => (
            <option key={k.kdSadar} value={k.kdSadar}>
              {k.nmSadar}
            </option>
          ))}
        </select>
      </Field>
      <DoctorSelect id="ex-dokter" kdPoli={row.kdPoli} value={kdDokter} onChange={setKdDokter} all={lists?.dokter ?? []} error={fe('kdDokter')} preselect="me" />
      <DiagnosisPicker value={diagnoses} onChange={setDiagnoses} error={fe('diagnoses')} />
      <Field id="ex-terapi" label={t('exam.terapiObat')}>
        <textarea id="ex-terapi" rows={2} value={terapiObat} onChange={(e) => setTerapiObat(e.target.value)} />
      </Field>
      <Field id="ex-nonobat" label={t('exam.terapiNonObat')}>
        <textarea id="ex-nonobat" rows={2} value={terapiNonObat} onChange={(e) => setTerapiNonObat(e.target.value)} />
      </Field>
      <TindakanFields value={tindakan} onChange={setTindakan} />
      <ObatFields value={obat} onChange={setObat} />
      <Field id="ex-pulang" label={t('exam.statusPulang')} error={fe('kdStatusPulang')}>
        <select
          id="ex-pulang"
          value={kdStatusPulang}
          aria-invalid={Boolean(fe('kdStatusPulang'))}
          onChange={(e) => {
            setKdStatusPulang(e.target.value)
            if (e.target.value === RUJUK_VERTIKAL) setRujuk(true)
          }}
        >
          {(lists?.statusPulang.length ? lists.statusPulang : [{ kdStatusPulang: '3', nmStatusPulang: 'Berobat Jalan' }]).map((s) => (
            <option key={s.kdStatusPulang} value={s.kdStatusPulang}>
              {s.nmStatusPulang}
            </option>
          ))}
        </select>
      </Field>
      <Field id="ex-claim" label={t('exam.claim')} error={fe('claimAmount')} hint={t('exam.claimHint')}>
        {/* Whole rupiah: "150.000" (a thousands separator) is 150000, never NaN. */}
        <input id="ex-claim" inputMode="numeric" value={claim} onChange={(e) => setClaim(digits(e.target.value))} />
      </Field>
      <label className="radio wide">
        <input
          type="checkbox"
          checked={rujuk}
          onChange={(e) => {
            // A vertical referral and status pulang "Rujuk Vertikal" go together (core refuses one without the other).
            setRujuk(e.target.checked)
            if (e.target.checked) setKdStatusPulang(RUJUK_VERTIKAL)
            else if (kdStatusPulang === RUJUK_VERTIKAL) setKdStatusPulang('3')
          }}
        />{' '}
        {t('exam.rujuk')}
      </label>
      {rujuk && (
        <ReferralFields
          lists={lists}
          value={rujukan}
          onChange={setRujukan}
          fe={fe}
          needsTacc={diagnoses.some((d) => d.nonSpesialis)}
          firstDiagnosis={diagnoses[0] ? `${diagnoses[0].kdDiag} - ${diagnoses[0].nmDiag}` : ''}
          noKartu={row.noKartu}
        />
      )}
      {vitalsFail && vitals.hasShownIssues && !error && (
        <p role="alert" className="alert wide">
          {t('exam.hasErrors')}
        </p>
      )}
      {error && (
        <div role="alert" className="alert wide">
          <p>{error.fields.length ? t('exam.hasErrors') : error.message}</p>
          {other.length > 0 && (
            <ul>
              {other.map((f) => (
                <li key={f.field}>
                  {f.field}: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="form-actions wide">
        <button type="submit" disabled={busy}>
          {t('exam.save')}
        </button>
      </div>
    </form>
  )
}

function History({ noKartu, refreshKey }: { noKartu: string; refreshKey: string | null }) {
  const { t } = useI18n()
  const [h, setH] = useState<Output<'patient.history'> | null>(null)
  const [err, setErr] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    let full = false
    const fail = (e: unknown) => live && setErr(asApiError(e).message)
    // Local visits first: the ledger read lists every entry ever made for the card (about a second for a
    // well-used card, up to the 4 s bound), and the visit just saved must not wait for it.
    call('patient.history', { noKartu, ledger: false }).then((v) => live && !full && setH(v), fail)
    call('patient.history', { noKartu }).then((v) => {
      full = true
      if (live) setH(v)
    }, fail)
    return () => {
      live = false
    }
  }, [noKartu, refreshKey])
  return (
    <section className="card" aria-labelledby="hist-title" role="region">
      <h2 id="hist-title">{t('exam.history')}</h2>
      {err && <p className="alert">{err}</p>}
      {h && (
        <>
          {h.local.length === 0 ? (
            <p className="empty">{t('exam.historyEmpty')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('exam.tanggal')}</th>
                  <th scope="col">{t('pendaftaran.poli')}</th>
                  <th scope="col">{t('exam.diagnoses')}</th>
                  <th scope="col">{t('pendaftaran.keluhan')}</th>
                </tr>
              </thead>
              <tbody>
                {h.local.map((v) => (
                  <tr key={v.noRawat}>
                    <td>{v.tglDaftar}</td>
                    <td>{v.nmPoli ?? v.kdPoli}</td>
                    <td>{v.diagnoses.map((d) => d.kdDiag).join(', ') || '—'}</td>
                    <td>{v.keluhan}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>{t('exam.ledgerHistory')}</h3>
          {h.ledger ? (
            h.ledger.length === 0 ? (
              <p className="empty">{t('exam.historyEmpty')}</p>
            ) : (
              <ul>
                {h.ledger.map((l) => (
                  <li key={`${l.type}:${l.id}`}>
                    {l.type} {l.id} — {l.status ?? '—'} {l.at && <span className="muted">({l.at})</span>}
                  </li>
                ))}
                {h.ledgerTotal !== null && h.ledgerTotal > h.ledger.length && (
                  <li className="muted">
                    {t('exam.ledgerMore', { n: h.ledger.length, total: h.ledgerTotal })}
                  </li>
                )}
              </ul>
            )
          ) : h.ledgerError === null ? (
            // The local-only answer: the ledger read is still on its way.
            <p className="muted">{t('app.loading')}</p>
          ) : (
            <p className="muted" title={h.ledgerError}>
              {t('exam.ledgerUnavailable')}
            </p>
          )}
        </>
      )}
    </section>
  )
}
