import type { Output } from '../../../../electron/contract'
import { CodeSelect } from '../../components/CodeSelect'
import { Field } from '../../components/Field'
import { useI18n, type MessageKey } from '../../i18n'
import { ALERGI_LISTS, noAllergyPatch, type ChoiceField, type ExamDraft, type ExamEdit } from './examState'

type Lists = Output<'reference.lists'>
type RefItem = Lists['prognosa'][number]

const ALERGI_LABELS: Record<(typeof ALERGI_LISTS)[number][0], MessageKey> = {
  alergiMakan: 'exam.alergiMakan',
  alergiUdara: 'exam.alergiUdara',
  alergiObat: 'exam.alergiObat',
}
const NEED: Record<ChoiceField, MessageKey> = {
  alergiMakan: 'exam.needAlergi',
  alergiUdara: 'exam.needAlergi',
  alergiObat: 'exam.needAlergi',
  kdPrognosa: 'exam.needPrognosa',
  kdPoliRujukInternal: 'exam.needPoliInternal',
}

/** A PCare code as typed when its list is not cached: letters and digits only (the contract's shape), capitals. */
const typedCode = (v: string) => v.replace(/[^0-9A-Za-z]/g, '').toUpperCase()

/**
 * A required code from one cached PCare list: empty ("— choose —") until the clinician picks, and a code the list
 * lacks stays visible as such. A list never fetched (`typed`: loaded and empty) becomes a code typed by hand instead, as core
 * then checks nothing and PCare judges the code at send time, so an examination can be saved on a workstation that
 * has not reached PCare yet. `need` is the message of a submit that lacked it; else a refusal by core for the same
 * field shows (the Field's scoped message).
 */
function CodeChoice<T>({
  id,
  name,
  label,
  options,
  code,
  text,
  value,
  onChange,
  need,
  maxLength,
  typed,
}: {
  id: string
  name: ChoiceField
  label: string
  options: readonly T[] | null
  code: (o: T) => string
  text: (o: T) => string
  value: string
  onChange: (code: string) => void
  need: string | undefined
  maxLength: number
  typed: boolean
}) {
  const { t } = useI18n()
  return (
    <Field id={id} name={name} label={label} error={need} live={need !== undefined} hint={typed ? t('exam.listMissing') : undefined}>
      {typed ? (
        <input value={value} onChange={(e) => onChange(typedCode(e.target.value))} maxLength={maxLength} autoComplete="off" spellCheck={false} required aria-required />
      ) : (
        <CodeSelect
          options={options}
          code={code}
          text={text}
          value={value}
          onChange={onChange}
          empty={t('exam.choose')}
          unavailable={t('app.loading')}
          missing={(c) => t('exam.codeUnlisted', { code: c })}
          required
          aria-required
        />
      )}
    </Field>
  )
}

/** One PCare {kode, nama} list choice (an allergy kind, prognosa). */
function RefSelect({ id, name, label, options, value, onChange, missing }: { id: string; name: ChoiceField; label: string; options: readonly RefItem[] | null; value: string; onChange: (code: string) => void; missing: readonly ChoiceField[] }) {
  const { t } = useI18n()
  const need = missing.includes(name) ? t(NEED[name]) : undefined
  // The contract's PcareRefCode: at most 5 letters or digits.
  return <CodeChoice id={id} name={name} label={label} options={options} code={(o) => o.kode} text={(o) => o.nama} value={value} onChange={onChange} need={need} maxLength={5} typed={options !== null && options.length === 0} />
}

/**
 * PCare's three allergy questions (makanan, udara, obat), each chosen from its cached list, with one button that
 * answers "Tidak Ada" to all three when every list has that entry: the clinician's explicit answer, never a default.
 */
export function AllergyFields({ lists, draft, edit, missing }: { lists: Lists | null; draft: ExamDraft; edit: (p: ExamEdit) => void; missing: readonly ChoiceField[] }) {
  const { t } = useI18n()
  const none = noAllergyPatch(lists)
  return (
    <fieldset className="wide choices" data-testid="alergi-fields">
      <legend>{t('exam.alergi')}</legend>
      <p className="hint wide" id="alergi-hint">
        {t('exam.alergiHint')}
      </p>
      {none && (
        <div className="wide">
          <button type="button" className="secondary" aria-describedby="alergi-hint" onClick={() => edit(none)}>
            {t('exam.noAllergy')}
          </button>
        </div>
      )}
      {ALERGI_LISTS.map(([field, list]) => (
        <RefSelect key={field} id={`ex-${field}`} name={field} label={t(ALERGI_LABELS[field])} options={lists ? lists[list] : null} value={draft[field]} onChange={(v) => edit({ [field]: v })} missing={missing} />
      ))}
    </fieldset>
  )
}

/** PCare's prognosis, chosen from the cached `prognosa` list (required, no default). */
export function PrognosaField({ lists, value, edit, missing }: { lists: Lists | null; value: string; edit: (p: ExamEdit) => void; missing: readonly ChoiceField[] }) {
  const { t } = useI18n()
  return <RefSelect id="ex-prognosa" name="kdPrognosa" label={t('exam.prognosa')} options={lists?.prognosa ?? null} value={value} onChange={(kdPrognosa) => edit({ kdPrognosa })} missing={missing} />
}

/**
 * The internal referral (PCare kdPoliRujukInternal): a checkbox, then the poli of this faskes the patient goes to
 * next, from the cached poli list without the visit's own poli.
 */
export function InternalReferralFields({
  lists,
  kdPoli,
  draft,
  onToggle,
  edit,
  missing,
}: {
  lists: Lists | null
  /** The visit's own poli, which is not offered. */
  kdPoli: string
  draft: ExamDraft
  onToggle: (on: boolean) => void
  edit: (p: ExamEdit) => void
  missing: readonly ChoiceField[]
}) {
  const { t } = useI18n()
  const need = missing.includes('kdPoliRujukInternal') ? t(NEED.kdPoliRujukInternal) : undefined
  const polis = lists ? lists.poli.filter((p) => p.kdPoli !== kdPoli) : null
  return (
    <>
      <label className="radio wide">
        <input type="checkbox" checked={draft.rujukInternal} onChange={(e) => onToggle(e.target.checked)} /> {t('exam.rujukInternal')}
      </label>
      {draft.rujukInternal && (
        <CodeChoice
          id="ex-poliInternal"
          name="kdPoliRujukInternal"
          label={t('exam.poliRujukInternal')}
          options={polis}
          code={(p) => p.kdPoli}
          text={(p) => `${p.nmPoli} (${p.kdPoli})`}
          value={draft.kdPoliRujukInternal}
          onChange={(kdPoliRujukInternal) => edit({ kdPoliRujukInternal })}
          need={need}
          maxLength={3}
          typed={lists !== null && lists.poli.length === 0}
        />
      )}
    </>
  )
}
