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
/**
 * PCare's kdStatusPulang "Berobat Jalan", the usual outcome and the default; an internal referral goes with it
 * (Khanza sends kdPoliRujukInternal with status 3, /work/shared/reference/pcare.md kunjungan fields).
 */
export const BEROBAT_JALAN = '3'

/** The choices PCare needs that the clinician must make from a list (no silent default); '' until made. */
export type ChoiceField = 'alergiMakan' | 'alergiUdara' | 'alergiObat' | 'kdPrognosa' | 'kdPoliRujukInternal'
/** The three allergy fields of kunjungan/V1 with the ReferenceLists list each is chosen from. */
export const ALERGI_LISTS = [
  ['alergiMakan', 'alergiMakanan'],
  ['alergiUdara', 'alergiUdara'],
  ['alergiObat', 'alergiObat'],
] as const satisfies ReadonlyArray<readonly [ChoiceField, keyof Lists]>

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
  /** PCare allergy codes (alergi/jenis 01 makanan, 02 udara, 03 obat) as chosen; '' until the clinician chooses. */
  alergiMakan: string
  alergiUdara: string
  alergiObat: string
  /** PCare prognosa code as chosen; '' until the clinician chooses. */
  kdPrognosa: string
  /** Referred to another poli of this faskes (internal referral); then kdPoliRujukInternal names it ('' until chosen). */
  rujukInternal: boolean
  kdPoliRujukInternal: string
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
  /** The last submit was stopped here because a vital sign is wrong or a choice is missing (nothing was sent). */
  stopped: boolean
  /** The last send's refusal by core. */
  error: ApiError | null
  /** A save is on its way. */
  busy: boolean
}

/** A change to the fields edited freely; kdStatusPulang and the two referrals change together, through their own actions. */
export type ExamEdit = Partial<Omit<ExamDraft, 'kdStatusPulang' | 'rujuk' | 'rujukInternal'>>

export type ExamAction =
  | { type: 'edit'; patch: ExamEdit }
  | { type: 'statusPulang'; kd: string }
  | { type: 'rujuk'; on: boolean }
  /** The internal-referral checkbox: on means status pulang Berobat Jalan and no vertical referral. */
  | { type: 'rujukInternal'; on: boolean }
  | { type: 'vital'; key: VitalKey; value: string }
  | { type: 'leaveVital'; key: VitalKey }
  /** Save pressed: sends (busy) when the vitals pass core's rules and every choice is made, else stops with all shown. */
  | { type: 'submit' }
  | { type: 'refused'; error: ApiError }
  | { type: 'saved' }

const emptyVitals = (): VitalValues => Object.fromEntries(VITAL_KEYS.map((k) => [k, ''])) as VitalValues

/**
 * The form for one registered visit: keluhan from the counter, the counter's doctor, the first kesadaran of PCare's
 * list (01, compos mentis, without one) and status pulang "Berobat Jalan" (3) when the list has it. Allergies,
 * prognosis and an internal referral start unchosen: they are the clinician's finding, never a default.
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
      alergiMakan: '',
      alergiUdara: '',
      alergiObat: '',
      kdPrognosa: '',
      rujukInternal: false,
      kdPoliRujukInternal: '',
      rujuk: false,
      rujukan,
      claim: '',
    },
    vitals: { values: emptyVitals(), left: [], submitted: false, sent: null },
    stopped: false,
    error: null,
    busy: false,
  }
}

/** A list entry meaning "none" (PCare's alergi `00` "Tidak Ada", docs/pcare.md#reference-lists): by name, else by code 00. */
function noneEntry(list: ReadonlyArray<{ kode: string; nama: string }>): string | undefined {
  return (list.find((i) => /^\s*tidak\s+ada\b/i.test(i.nama)) ?? list.find((i) => i.kode === '00'))?.kode
}

/**
 * The three allergy fields set to each list's "Tidak Ada" entry: the clinician's explicit "no known allergy" in one
 * keystroke. Null when a list lacks such an entry (or is not cached yet): then each is chosen on its own.
 */
export function noAllergyPatch(lists: Lists | null): Pick<ExamDraft, 'alergiMakan' | 'alergiUdara' | 'alergiObat'> | null {
  if (!lists) return null
  const [makan, udara, obat] = ALERGI_LISTS.map(([, list]) => noneEntry(lists[list]))
  return makan && udara && obat ? { alergiMakan: makan, alergiUdara: udara, alergiObat: obat } : null
}

/** The choices still to make, in the form's order (the internal referral's poli only while that box is ticked). */
export function missingChoices(draft: ExamDraft): ChoiceField[] {
  const fields: ChoiceField[] = ['alergiMakan', 'alergiUdara', 'alergiObat', 'kdPrognosa']
  if (draft.rujukInternal) fields.push('kdPoliRujukInternal')
  return fields.filter((f) => draft[f].trim() === '')
}

/** The missing choices to mark now: none before the first submit, then each until it is made. */
export function shownMissingChoices(state: ExamState): ChoiceField[] {
  return state.vitals.submitted ? missingChoices(state.draft) : []
}

/** The chosen codes as the contract takes them (kdPoliRujukInternal null without an internal referral). */
export function choicesInput(draft: ExamDraft): Pick<ExaminationInput, 'alergiMakan' | 'alergiUdara' | 'alergiObat' | 'kdPrognosa' | 'kdPoliRujukInternal'> {
  return {
    alergiMakan: draft.alergiMakan,
    alergiUdara: draft.alergiUdara,
    alergiObat: draft.alergiObat,
    kdPrognosa: draft.kdPrognosa,
    kdPoliRujukInternal: draft.rujukInternal && draft.kdPoliRujukInternal !== '' ? draft.kdPoliRujukInternal : null,
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
    case 'statusPulang': {
      const rujuk = action.kd === RUJUK_VERTIKAL ? true : draft.rujuk
      // An internal referral belongs to Berobat Jalan; another outcome ends it (the chosen poli is kept for a return).
      return { ...state, draft: { ...draft, kdStatusPulang: action.kd, rujuk, rujukInternal: draft.rujukInternal && action.kd === BEROBAT_JALAN && !rujuk } }
    }
    case 'rujuk': {
      const kdStatusPulang = action.on ? RUJUK_VERTIKAL : draft.kdStatusPulang === RUJUK_VERTIKAL ? BEROBAT_JALAN : draft.kdStatusPulang
      return { ...state, draft: { ...draft, rujuk: action.on, kdStatusPulang, rujukInternal: action.on ? false : draft.rujukInternal } }
    }
    case 'rujukInternal':
      // The patient stays in this faskes: no vertical referral, status pulang Berobat Jalan.
      return action.on
        ? { ...state, draft: { ...draft, rujukInternal: true, rujuk: false, kdStatusPulang: BEROBAT_JALAN } }
        : { ...state, draft: { ...draft, rujukInternal: false } }
    case 'vital':
      return { ...state, vitals: { ...vitals, values: { ...vitals.values, [action.key]: action.value } } }
    case 'leaveVital':
      return vitals.left.includes(action.key) ? state : { ...state, vitals: { ...vitals, left: [...vitals.left, action.key] } }
    case 'submit': {
      const vitalsOk = vitalsInput(vitals.values, state.profile) !== null
      const ok = vitalsOk && missingChoices(draft).length === 0
      return {
        ...state,
        vitals: { ...vitals, submitted: true, sent: ok ? vitals.values : vitals.sent },
        stopped: !ok,
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
