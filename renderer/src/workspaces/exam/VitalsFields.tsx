import { VITAL_KEYS, type VitalIssue, type VitalKey } from '../../../../electron/contract/vitals'
import { localize } from '../../api'
import { Field } from '../../components/Field'
import { useI18n, type MessageKey } from '../../i18n'
import { shownVitalIssues, type ExamAction, type ExamState, type VitalsDraft } from './examState'

const LABELS: Record<VitalKey, MessageKey> = {
  sistole: 'exam.sistole',
  diastole: 'exam.diastole',
  beratBadan: 'exam.berat',
  tinggiBadan: 'exam.tinggi',
  lingkarPerut: 'exam.lingkarPerut',
  respRate: 'exam.respRate',
  heartRate: 'exam.heartRate',
  suhu: 'exam.suhu',
}
/** Fields typed with a decimal (a comma or a point): the phone-style keypad shows the separator for these. */
const DECIMAL: ReadonlySet<VitalKey> = new Set(['beratBadan', 'suhu'])

const text = (i: VitalIssue) => localize({ message: '', key: i.key, params: i.params })

/**
 * The vital signs of one examination as the fields show them, over the form's state (`examState.ts`), checked with
 * the same rules core applies (`contract/vitals.ts`) for the visit's poli. A field's message shows once the field was
 * left or the form submitted, and goes as soon as the value is right (it is recomputed on every render). A message
 * from core for a field stays only while the field keeps the value it was sent with.
 */
export function vitalsView(v: VitalsDraft, profile: ExamState['profile'], dispatch: (a: ExamAction) => void) {
  const shown = shownVitalIssues(v, profile)
  const local = new Map(shown.map((i) => [i.field, text(i)] as const))
  return {
    profile,
    values: v.values,
    set: (key: VitalKey, value: string) => dispatch({ type: 'vital', key, value }),
    leave: (key: VitalKey) => dispatch({ type: 'leaveVital', key }),
    /** The message for one field: ours first, else core's while the value is the one sent. */
    message: (k: VitalKey, server: (field: string) => string | undefined): string | undefined =>
      local.get(k) ?? (v.sent && v.sent[k] === v.values[k] ? server(`vitals.${k}`) : undefined),
    /** True while a shown rule is broken (the form's summary line follows it). */
    hasShownIssues: shown.length > 0,
  }
}
export type VitalsState = ReturnType<typeof vitalsView>

/** The vital-sign inputs, each labelled with its unit and followed by its own message. */
export function VitalsFields({ state, serverMessage }: { state: VitalsState; serverMessage: (field: string) => string | undefined }) {
  const { t } = useI18n()
  return (
    <fieldset className="wide vitals">
      <legend>{t('exam.vitals')}</legend>
      {state.profile === 'kia' && (
        <p className="hint wide" data-testid="vitals-kia">
          {t('exam.vitalsKia')}
        </p>
      )}
      {VITAL_KEYS.map((k) => {
        const error = state.message(k, serverMessage)
        return (
          <Field key={k} id={`ex-${k}`} name={`vitals.${k}`} label={t(LABELS[k])} error={error} live>
            <input
              inputMode={DECIMAL.has(k) ? 'decimal' : 'numeric'}
              autoComplete="off"
              value={state.values[k]}
              onChange={(e) => state.set(k, e.target.value)}
              onBlur={() => state.leave(k)}
            />
          </Field>
        )
      })}
    </fieldset>
  )
}
