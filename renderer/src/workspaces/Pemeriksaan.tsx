import { useEffect, useReducer, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import type { ExaminationInput, Output } from '../../../electron/contract'
import { isDeskLocalId } from '../../../electron/contract/desk-ids'
import { asApiError, call } from '../api'
import { CodeSelect } from '../components/CodeSelect'
import { Field } from '../components/Field'
import { FormErrorScope, FormErrors } from '../components/FormErrors'
import { useOnDeskSettled } from '../desk-settle'
import { useCall, useFocusFirst, useTodayRegistrations } from '../hooks'
import { useI18n } from '../i18n'
import { LEDGER_PROBLEM_HISTORY, ledgerEntryWords } from '../ledger-words'
import { useReferenceLists } from '../reference'
import { ReferralPrintButton } from '../print/ReferralPrint'
import { ReferralFields, emptyReferral, needsSub, toReferral } from './Rujukan'
import { DoctorSelect } from './poli/DoctorSelect'
import { PoliQueue } from './poli/PoliQueue'
import { ObatFields, TindakanFields, digits, toObatInput, toTindakanInput } from './exam/ItemPickers'
import { UnsentCard, UnsentSummary, useUnsent } from './exam/Unsent'
import { DiagnosisPicker } from './exam/DiagnosisPicker'
import { VitalsFields, vitalsView } from './exam/VitalsFields'
import { choicesInput, examReducer, initExam, missingChoices, shownMissingChoices, vitalsInput, type ExamEdit } from './exam/examState'
import { AllergyFields, InternalReferralFields, PrognosaField } from './exam/ClinicalChoices'
import { ReasonDialog } from '../components/ReasonDialog'
import { ExaminedCard } from './exam/Correction'
import { correctedInput, editState } from './exam/correctionState'

type Row = Output<'registration.today'>[number]
type Lists = Output<'reference.lists'>

export function Pemeriksaan() {
  const { t } = useI18n()
  const ref = useRef<HTMLElement>(null)
  const today = useTodayRegistrations(30_000)
  const lists = useReferenceLists()
  const [selected, setSelected] = useState<Row | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  // Where a desk says the save went (examination.save's savedAt): at the hub, or queued at the desk while it is away.
  const [savedAt, setSavedAt] = useState<'hub' | 'desk' | undefined>(undefined)
  // A saved examination reopened for a correction (only while that visit stays selected), and the last one corrected.
  const [editing, setEditing] = useState<{ noRawat: string; input: ExaminationInput; version: number } | null>(null)
  const [edited, setEdited] = useState<string | null>(null)
  useFocusFirst(ref, today.value !== undefined)
  // A desk's offline work just reached the hub: "saved at this desk" and a visit picked under its local desk-N number
  // are old news (the list, re-read, shows it under the hub's number).
  useOnDeskSettled(() => {
    if (savedAt === 'desk' || (saved !== null && isDeskLocalId(saved))) {
      setSaved(null)
      setSavedAt(undefined)
    }
    if (selected && isDeskLocalId(selected.noRawat)) setSelected(null)
  })
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
              {t(edited === saved ? 'corr.edited' : savedAt === 'hub' ? 'exam.savedHub' : savedAt === 'desk' ? 'exam.savedDesk' : 'exam.saved', { noRawat: saved })}{' '}
              <ReferralPrintButton noRawat={saved} />
            </p>
          )}
          {selected ? (
            <>
              {current?.status === 'examined' ? (
                editing?.noRawat === selected.noRawat ? (
                  <ExamForm
                    key={`edit-${selected.noRawat}`}
                    row={selected}
                    lists={lists}
                    editing={editing.input}
                    editVersion={editing.version}
                    onStopEditing={() => setEditing(null)}
                    onSaved={(n) => {
                      setEditing(null)
                      setEdited(n)
                      setSaved(n)
                    }}
                  />
                ) : (
                  <>
                    {saved !== selected.noRawat && (
                      <p className="card">
                        {t('exam.alreadyExamined', { noRawat: selected.noRawat })} <ReferralPrintButton noRawat={selected.noRawat} />
                      </p>
                    )}
                    <ExaminedCard noRawat={selected.noRawat} refreshKey={saved} onEdit={(input, version) => setEditing({ noRawat: selected.noRawat, input, version })} />
                  </>
                )
              ) : current && rejected(current) ? (
                <p className="card alert" role="alert">
                  {t('exam.cardRejectedLong', { reason: current.verificationNote ?? t('exam.cardNotFound') })}
                </p>
              ) : (
                <ExamForm
                  key={selected.noRawat}
                  row={selected}
                  lists={lists}
                  onSaved={(n, at) => {
                    setSaved(n)
                    setSavedAt(at)
                  }}
                />
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

/** The workstation's own calendar day, yyyy-MM-dd (the default planned referral date). */
function isoToday(): string {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

const DEFAULT_KESADARAN = [{ kdSadar: '01', nmSadar: 'Compos mentis' }]
const DEFAULT_STATUS_PULANG = [{ kdStatusPulang: '3', nmStatusPulang: 'Berobat Jalan' }]

/**
 * The examination form. With `editing` (a saved examination reopened for a correction) it starts from what was saved,
 * leaves out what a correction cannot change (tindakan, obat, vertical referral, claim), and saving asks for the
 * reason before `examination.edit` (core queues a PUT kunjungan when the kunjungan was sent). `editVersion` is the visit
 * version the saved examination was read at: changed meanwhile at another desk, core refuses the edit (CONFLICT).
 */
function ExamForm({
  row,
  lists,
  onSaved,
  editing,
  editVersion,
  onStopEditing,
}: {
  row: Row
  lists: Lists | null
  /** `savedAt` only at a desk (examination.save's answer there). */
  onSaved: (noRawat: string, savedAt?: 'hub' | 'desk') => void
  editing?: ExaminationInput
  editVersion?: number
  onStopEditing?: () => void
}) {
  const { t } = useI18n()
  const formRef = useRef<HTMLFormElement>(null)
  useFocusFirst(formRef)
  const [state, dispatch] = useReducer(examReducer, null, () =>
    editing ? editState(row, lists, emptyReferral(isoToday()), editing) : initExam(row, lists, emptyReferral(isoToday())),
  )
  // The corrected examination waiting for its reason; `confirmed` tells a refused confirmation from Esc.
  const [pending, setPending] = useState<ExaminationInput | null>(null)
  const confirmed = useRef(false)
  const { draft, error, busy } = state
  const edit = (patch: ExamEdit) => dispatch({ type: 'edit', patch })
  const vitals = vitalsView(state.vitals, state.profile, dispatch)
  const missing = shownMissingChoices(state)

  const focusFirstInvalid = () => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  // After a refused save, the keyboard goes to the first marked field.
  useEffect(() => {
    if (error) focusFirstInvalid()
  }, [error])

  const num = (v: string) => (v.trim() === '' ? undefined : Number(v))
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    // The vitals are checked with core's rules and the required choices for presence (the reducer does the same on
    // 'submit'), so each field says what is wrong before anything is sent.
    const checked = vitalsInput(state.vitals.values, state.profile)
    dispatch({ type: 'submit' })
    if (!checked || missingChoices(draft).length > 0) {
      // Once the fields show their messages (next frame), the first wrong one takes the keyboard.
      requestAnimationFrame(focusFirstInvalid)
      return
    }
    const input: ExaminationInput = {
      noRawat: row.noRawat,
      keluhan: draft.keluhan,
      anamnesa: '',
      vitals: checked,
      kdSadar: draft.kdSadar,
      diagnoses: draft.diagnoses.map(({ kdDiag, nmDiag }) => ({ kdDiag, nmDiag })),
      kdDokter: draft.kdDokter,
      terapiObat: draft.terapiObat,
      terapiNonObat: draft.terapiNonObat,
      kdStatusPulang: draft.kdStatusPulang,
      ...choicesInput(draft),
      bmhp: '',
      tindakan: toTindakanInput(draft.tindakan),
      obat: toObatInput(draft.obat),
      rujukan: draft.rujuk ? toReferral(draft.rujukan, needsSub(draft.rujukan, lists)) : undefined,
      claimAmount: num(draft.claim),
    }
    if (editing) {
      setPending(correctedInput(input, editing))
      return
    }
    try {
      const r = await call('examination.save', input)
      dispatch({ type: 'saved' })
      onSaved(r.noRawat, r.savedAt)
    } catch (err) {
      dispatch({ type: 'refused', error: asApiError(err) })
    }
  }
  const fe = (f: string) => error?.fieldMessage(f)

  return (
    <>
      <form ref={formRef} className="card grid-form exam-form" onSubmit={submit} noValidate aria-labelledby="exam-title">
        <FormErrorScope error={error}>
          <h2 id="exam-title" className="wide">
            {t('exam.formTitle', { nama: row.nama ?? row.noKartu, noRawat: row.noRawat })}
          </h2>
          {editing && (
            <p className="wide muted" role="note" data-testid="exam-editing">
              {t('corr.editing', { noRawat: row.noRawat })}
            </p>
          )}
          <Field id="ex-keluhan" name="keluhan" label={t('pendaftaran.keluhan')} wide>
            <input value={draft.keluhan} onChange={(e) => edit({ keluhan: e.target.value })} />
          </Field>
          <VitalsFields state={vitals} serverMessage={fe} />
          <Field id="ex-sadar" name="kdSadar" label={t('exam.kesadaran')}>
            <CodeSelect
              options={lists?.kesadaran.length ? lists.kesadaran : DEFAULT_KESADARAN}
              code={(k) => k.kdSadar}
              text={(k) => k.nmSadar}
              value={draft.kdSadar}
              onChange={(kdSadar) => edit({ kdSadar })}
            />
          </Field>
          <AllergyFields lists={lists} draft={draft} edit={edit} missing={missing} />
          <DoctorSelect id="ex-dokter" name="kdDokter" kdPoli={row.kdPoli} value={draft.kdDokter} onChange={(kdDokter) => edit({ kdDokter })} all={lists?.dokter ?? []} preselect="me" />
          <DiagnosisPicker value={draft.diagnoses} onChange={(diagnoses) => edit({ diagnoses })} error={fe('diagnoses')} />
          <PrognosaField lists={lists} value={draft.kdPrognosa} edit={edit} missing={missing} />
          <Field id="ex-terapi" name="terapiObat" label={t('exam.terapiObat')}>
            <textarea rows={2} value={draft.terapiObat} onChange={(e) => edit({ terapiObat: e.target.value })} />
          </Field>
          <Field id="ex-nonobat" name="terapiNonObat" label={t('exam.terapiNonObat')}>
            <textarea rows={2} value={draft.terapiNonObat} onChange={(e) => edit({ terapiNonObat: e.target.value })} />
          </Field>
          {!editing && (
            <>
              <TindakanFields value={draft.tindakan} onChange={(tindakan) => edit({ tindakan })} />
              <ObatFields value={draft.obat} onChange={(obat) => edit({ obat })} />
            </>
          )}
          <Field id="ex-pulang" name="kdStatusPulang" label={t('exam.statusPulang')}>
            <CodeSelect
              options={lists?.statusPulang.length ? lists.statusPulang : DEFAULT_STATUS_PULANG}
              code={(s) => s.kdStatusPulang}
              text={(s) => s.nmStatusPulang}
              value={draft.kdStatusPulang}
              onChange={(kd) => dispatch({ type: 'statusPulang', kd })}
            />
          </Field>
          {!editing && (
            <Field id="ex-claim" name="claimAmount" label={t('exam.claim')} hint={t('exam.claimHint')}>
              {/* Whole rupiah: "150.000" (a thousands separator) is 150000, never NaN. */}
              <input inputMode="numeric" value={draft.claim} onChange={(e) => edit({ claim: digits(e.target.value) })} />
            </Field>
          )}
          <InternalReferralFields lists={lists} kdPoli={row.kdPoli} draft={draft} onToggle={(on) => dispatch({ type: 'rujukInternal', on })} edit={edit} missing={missing} />
          {!editing && (
            <label className="radio wide">
              {/* A vertical referral and status pulang "Rujuk Vertikal" go together (core refuses one without the other). */}
              <input type="checkbox" checked={draft.rujuk} onChange={(e) => dispatch({ type: 'rujuk', on: e.target.checked })} /> {t('exam.rujuk')}
            </label>
          )}
          {draft.rujuk && !editing && (
            <ReferralFields
              lists={lists}
              value={draft.rujukan}
              onChange={(rujukan) => edit({ rujukan })}
              fe={fe}
              needsTacc={draft.diagnoses.some((d) => d.nonSpesialis)}
              firstDiagnosis={draft.diagnoses[0] ? `${draft.diagnoses[0].kdDiag} - ${draft.diagnoses[0].nmDiag}` : ''}
              noKartu={row.noKartu}
            />
          )}
          {state.stopped && (vitals.hasShownIssues || missing.length > 0) && !error && (
            <p role="alert" className="alert wide">
              {t('exam.hasErrors')}
            </p>
          )}
          <FormErrors summary={t('exam.hasErrors')} />
          <div className="form-actions wide">
            <button type="submit" disabled={busy}>
              {editing ? t('corr.editSave') : t('exam.save')}
            </button>
            {editing && (
              <button type="button" onClick={onStopEditing}>
                {t('corr.editStop')}
              </button>
            )}
          </div>
        </FormErrorScope>
      </form>
      {pending && (
        <ReasonDialog
          title={t('corr.editTitle', { noRawat: row.noRawat })}
          confirmLabel={t('corr.editConfirm')}
          onConfirm={async (reason) => {
            confirmed.current = true
            try {
              await call('examination.edit', { input: pending, reason, version: editVersion })
              dispatch({ type: 'saved' })
              onSaved(row.noRawat)
            } catch (err) {
              // A refusal names the form's fields: the dialog closes and the form shows it where it belongs.
              dispatch({ type: 'refused', error: asApiError(err) })
            }
          }}
          onClose={() => {
            if (!confirmed.current) dispatch({ type: 'saved' })
            confirmed.current = false
            setPending(null)
          }}
        >
          <p>{t('corr.editBody')}</p>
        </ReasonDialog>
      )}
    </>
  )
}

function History({ noKartu, refreshKey }: { noKartu: string; refreshKey: string | null }) {
  const { t, locale } = useI18n()
  // Local visits first: the ledger read lists every entry ever made for the card (about a second for a
  // well-used card, up to the 4 s bound), and the visit just saved must not wait for it.
  const local = useCall('patient.history', { noKartu, ledger: false })
  const full = useCall('patient.history', { noKartu })
  const { reload: reloadLocal } = local
  const { reload: reloadFull } = full
  // A save changes refreshKey: both are asked again (the first render asked already).
  const seen = useRef(refreshKey)
  useEffect(() => {
    if (seen.current === refreshKey) return
    seen.current = refreshKey
    reloadLocal()
    reloadFull()
  }, [refreshKey, reloadLocal, reloadFull])
  // The full answer once it is in; while it is being asked again, the fresher local one.
  const h = (full.loading ? (local.value ?? full.value) : (full.value ?? local.value)) ?? null
  const err = (full.error ?? local.error)?.message
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
                {h.ledger.map((l) => {
                  const w = ledgerEntryWords(t, locale, l)
                  return (
                    <li key={`${l.type}:${l.id}`}>
                      {w.what} <span className="muted">{l.id}</span> — {w.status ?? '—'} {w.at && <time dateTime={l.at ?? undefined}>({w.at})</time>}
                    </li>
                  )
                })}
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
              {t(LEDGER_PROBLEM_HISTORY[h.ledgerProblem ?? 'OTHER'])}
            </p>
          )}
        </>
      )}
    </section>
  )
}
