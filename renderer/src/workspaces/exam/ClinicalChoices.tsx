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

/**
 * One required choice from a cached PCare list: empty ("— choose —") until the clinician picks, a list not cached yet
 * says so, and a code the list lacks stays visible as such. `missing` marks it after a submit that lacked it; a
 * refusal by core for the same field shows otherwise (the Field's scoped message).
 */
function RefSelect({ id, name, label, options, value, onChange, missing }: { id: string; name: ChoiceField; label: string; options: readonly RefItem[] | null; value: string; onChange: (code: string) => void; missing: readonly ChoiceField[] }) {
  const { t } = useI18n()
  const need = missing.includes(name) ? t(NEED[name]) : undefined
  return (
    <Field id={id} name={name} label={label} error={need} live={need !== undefined}>
      <CodeSelect
        options={options}
        code={(o) => o.kode}
        text={(o) => o.nama}
        value={value}
        onChange={onChange}
        empty={t('exam.choose')}
        unavailable={t('exam.listMissing')}
        missing={(code) => t('exam.codeUnlisted', { code })}
        required
        aria-required
      />
    </Field>
  )
}

/**
 * PCare's three allergy questions (makanan, udara, obat), each chosen from its cached list, with one button that
 * answers "Tidak Ada" to all three when every list has that entry: the clinician's explicit answer, never a default.
 */
export function AllergyFields({ lists, draft, edit, missing }: { lists: Lists | null; draft: ExamDraft; edit: (p: ExamEdit) => void; missing: readonly ChoiceField[] }) {
  const { t } = useI18n()
  const none = noAllergyPatch(lists)
  return (
    <fieldset className="wide rows" data-testid="alergi-fields">
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
        <Field id="ex-poliInternal" name="kdPoliRujukInternal" label={t('exam.poliRujukInternal')} error={need} live={need !== undefined}>
          <CodeSelect
            options={polis}
            code={(p) => p.kdPoli}
            text={(p) => `${p.nmPoli} (${p.kdPoli})`}
            value={draft.kdPoliRujukInternal}
            onChange={(kdPoliRujukInternal) => edit({ kdPoliRujukInternal })}
            empty={t('exam.choose')}
            unavailable={t('exam.listMissing')}
            missing={(code) => t('exam.codeUnlisted', { code })}
            required
            aria-required
          />
        </Field>
      )}
    </>
  )
}
