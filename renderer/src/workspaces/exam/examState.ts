import type { ExaminationInput, Output } from '../../../../electron/contract'
import { checkVitals, parseVital, pcareSuhu, VITAL_KEYS, vitalProfile, type VitalIssue, type VitalKey } from '../../../../electron/contract/vitals'
import type { ApiError } from '../../api'
import type { ReferralDraft } from '../Rujukan'
import type { Hit } from './DiagnosisPicker'
import type { ObatLine, TindakanLine } from './ItemPickers'

type Lists = Output<'reference.lists'>
type VitalProfile = ReturnType<typeof vitalProfile>
export type VitalValues = Record<VitalKey, string>

/** PCare's kdStatusPulang for "Rujuk Vertikal": it and a vertical referral go together (core refuses one alone). */
export const RUJUK_VERTIKAL = '4'
/** PCare's kdStatusPulang "Berobat Jalan", the usual outcome and the default. */
const BEROBAT_JALAN = '3'

/** What the clinician fills in, strings as typed; turned into the contract's ExaminationInput on save. */
export interface ExamDraft {
  keluhan: string
  kdSadar: string
  /** The counter's choice; without one, DoctorSelect fills in the signed-in clinician's own doctor code. */
  kdDokter: string
  kdStatusPulang: string
  diagnoses: Hit[]
  terapiObat: string
  terapiNonObat: string
  tindakan: TindakanLine[]
  obat: ObatLine[]
  rujuk: boolean
  rujukan: ReferralDraft
  /** Whole rupiah as typed (digits only), empty for none. */
  claim: string
}

/**
 * The vital signs as typed, and what decides which of their messages show: a field's message shows once the field
 * was left (`left`) or the form submitted (`submitted`); a message from core for a field stays only while the field
 * keeps the value it was sent with (`sent`).
 */
export interface VitalsDraft {
  values: VitalValues
  left: readonly VitalKey[]
  submitted: boolean
  sent: VitalValues | null
}

/** One examination form: the draft, its vitals, and the last submit's outcome. */
export interface ExamState {
  /** Which vital ranges apply (adult, or KIA for babies and mothers), from the visit's poli. */
  profile: VitalProfile
  draft: ExamDraft
  vitals: VitalsDraft
  /** The last submit was stopped here because a vital sign is wrong (nothing was sent). */
  vitalsFail: boolean
  /** The last send's refusal by core. */
  error: ApiError | null
  /** A save is on its way. */
  busy: boolean
}

/** A change to the fields edited freely; kdStatusPulang and rujuk change together, through their own actions. */
export type ExamEdit = Partial<Omit<ExamDraft, 'kdStatusPulang' | 'rujuk'>>

export type ExamAction =
  | { type: 'edit'; patch: ExamEdit }
  | { type: 'statusPulang'; kd: string }
  | { type: 'rujuk'; on: boolean }
  | { type: 'vital'; key: VitalKey; value: string }
  | { type: 'leaveVital'; key: VitalKey }
  /** Save pressed: sends (busy) when the vitals pass core's rules, else stops with every broken rule shown. */
  | { type: 'submit' }
  | { type: 'refused'; error: ApiError }
  | { type: 'saved' }

const emptyVitals = (): VitalValues => Object.fromEntries(VITAL_KEYS.map((k) => [k, ''])) as VitalValues

/**
 * The form for one registered visit: keluhan from the counter, the counter's doctor, the first kesadaran of PCare's
 * list (01, compos mentis, without one) and status pulang "Berobat Jalan" (3) when the list has it.
 */
export function initExam(
  row: { keluhan: string; kdDokter: string | null; kdPoli: string; nmPoli: string | null },
  lists: Lists | null,
  rujukan: ReferralDraft,
): ExamState {
  return {
    profile: vitalProfile(row.kdPoli, row.nmPoli),
    draft: {
      keluhan: row.keluhan,
      kdSadar: lists?.kesadaran[0]?.kdSadar ?? '01',
      kdDokter: row.kdDokter ?? '',
      kdStatusPulang: lists?.statusPulang.find((s) => s.kdStatusPulang === BEROBAT_JALAN)?.kdStatusPulang ?? lists?.statusPulang[0]?.kdStatusPulang ?? BEROBAT_JALAN,
      diagnoses: [],
      terapiObat: '',
      terapiNonObat: '',
      tindakan: [],
      obat: [],
      rujuk: false,
      rujukan,
      claim: '',
    },
    vitals: { values: emptyVitals(), left: [], submitted: false, sent: null },
    vitalsFail: false,
    error: null,
    busy: false,
  }
}

/** The vitals as the contract takes them (weight keeps its decimal, suhu goes with a point), or null when one breaks core's rules. */
export function vitalsInput(values: VitalValues, profile: VitalProfile): ExaminationInput['vitals'] | null {
  if (checkVitals(values, profile, { required: true }).length) return null
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
}

/** The broken rules to show now: of fields left or after a submit (sistole above diastole shows on diastole once either was left). */
export function shownVitalIssues(v: VitalsDraft, profile: VitalProfile): VitalIssue[] {
  const left = new Set(v.left)
  return checkVitals(v.values, profile, { required: v.submitted }).filter((i) => v.submitted || left.has(i.field) || (i.key === 'v.vital.sistoleDiastole' && left.has('sistole')))
}

/** The examination form's one state transition (pure: the same state and action always give the same state). */
export function examReducer(state: ExamState, action: ExamAction): ExamState {
  const { draft, vitals } = state
  switch (action.type) {
    case 'edit':
      return { ...state, draft: { ...draft, ...action.patch } }
    case 'statusPulang':
      return { ...state, draft: { ...draft, kdStatusPulang: action.kd, rujuk: action.kd === RUJUK_VERTIKAL ? true : draft.rujuk } }
    case 'rujuk': {
      const kdStatusPulang = action.on ? RUJUK_VERTIKAL : draft.kdStatusPulang === RUJUK_VERTIKAL ? BEROBAT_JALAN : draft.kdStatusPulang
      return { ...state, draft: { ...draft, rujuk: action.on, kdStatusPulang } }
    }
    case 'vital':
      return { ...state, vitals: { ...vitals, values: { ...vitals.values, [action.key]: action.value } } }
    case 'leaveVital':
      return vitals.left.includes(action.key) ? state : { ...state, vitals: { ...vitals, left: [...vitals.left, action.key] } }
    case 'submit': {
      const ok = vitalsInput(vitals.values, state.profile) !== null
      return {
        ...state,
        vitals: { ...vitals, submitted: true, sent: ok ? vitals.values : vitals.sent },
        vitalsFail: !ok,
        error: null,
        busy: ok,
      }
    }
    case 'refused':
      return { ...state, error: action.error, busy: false }
    case 'saved':
      return { ...state, error: null, busy: false }
  }
}
