import { useState } from 'react'
import type { ExaminationInput } from '../../../../electron/contract'
import { checkVitals, parseVital, pcareSuhu, VITAL_KEYS, vitalProfile, type VitalIssue, type VitalKey } from '../../../../electron/contract/vitals'
import { localize } from '../../api'
import { Field } from '../../components/Field'
import { useI18n, type MessageKey } from '../../i18n'

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

type Values = Record<VitalKey, string>
const empty = (): Values => Object.fromEntries(VITAL_KEYS.map((k) => [k, ''])) as Values
const text = (i: VitalIssue) => localize({ message: '', key: i.key, params: i.params })

/**
 * The vital signs of one examination as typed, checked with the same rules core applies (`contract/vitals.ts`)
 * for the visit's poli. A field's message shows once the field was left or the form submitted, and goes as soon
 * as the value is right (it is recomputed on every change). A message from core for a field stays only while the
 * field keeps the value it was sent with.
 */
export function useVitals(kdPoli: string, nmPoli: string | null) {
  const profile = vitalProfile(kdPoli, nmPoli)
  const [values, setValues] = useState<Values>(empty)
  const [left, setLeft] = useState<ReadonlySet<VitalKey>>(new Set())
  const [submitted, setSubmitted] = useState(false)
  const [sent, setSent] = useState<Values | null>(null)
  const issues = checkVitals(values, profile, { required: submitted })
  // Sistole above diastole is reported on diastole; leaving either field shows it.
  const shown = issues.filter((i) => submitted || left.has(i.field) || (i.key === 'v.vital.sistoleDiastole' && left.has('sistole')))
  const local = new Map(shown.map((i) => [i.field, text(i)] as const))
  return {
    profile,
    values,
    set: (k: VitalKey, v: string) => setValues((old) => ({ ...old, [k]: v })),
    leave: (k: VitalKey) => setLeft((old) => (old.has(k) ? old : new Set(old).add(k))),
    /** The message for one field: ours first, else core's while the value is the one sent. */
    message: (k: VitalKey, server: (field: string) => string | undefined): string | undefined =>
      local.get(k) ?? (sent && sent[k] === values[k] ? server(`vitals.${k}`) : undefined),
    /**
     * On submit: the vitals as the contract takes them, or null (every broken rule now shown) when one is wrong.
     * Weight keeps its decimal; suhu goes with a point.
     */
    take: (): ExaminationInput['vitals'] | null => {
      setSubmitted(true)
      if (checkVitals(values, profile, { required: true }).length) return null
      setSent(values)
      const n = (k: VitalKey) => parseVital(values[k]) as number
      return {
        sistole: n('sistole'),
        diastole: n('diastole'),
        beratBadan: n('beratBadan'),
        tinggiBadan: n('tinggiBadan'),
        lingkarPerut: n('lingkarPerut'),
        respRate: n('respRate'),
        heartRate: n('heartRate'),
        suhu: pcareSuhu(values.suhu),
      }
    },
    /** True while a shown rule is broken (the form's summary line follows it). */
    hasShownIssues: shown.length > 0,
  }
}
export type VitalsState = ReturnType<typeof useVitals>

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
          <Field key={k} id={`ex-${k}`} label={t(LABELS[k])} error={error} live>
            <input
              id={`ex-${k}`}
              inputMode={DECIMAL.has(k) ? 'decimal' : 'numeric'}
              autoComplete="off"
              value={state.values[k]}
              aria-invalid={Boolean(error)}
              aria-describedby={error ? `ex-${k}-error` : undefined}
              onChange={(e) => state.set(k, e.target.value)}
              onBlur={() => state.leave(k)}
            />
          </Field>
        )
      })}
    </fieldset>
  )
}

/** The form's vitals field paths, which VitalsFields shows itself. */
export const vitalFieldPaths = VITAL_KEYS.map((k) => `vitals.${k}`)
