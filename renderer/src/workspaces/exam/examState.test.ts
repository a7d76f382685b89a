import { describe, expect, it } from 'vitest'
import type { Output } from '../../../../electron/contract'
import { VITAL_KEYS, type VitalKey } from '../../../../electron/contract/vitals'
import { ApiError } from '../../api'
import { emptyReferral } from '../Rujukan'
import { examReducer, initExam, RUJUK_VERTIKAL, shownVitalIssues, vitalsInput, type ExamAction, type ExamState } from './examState'
import { vitalsView } from './VitalsFields'

type Lists = Output<'reference.lists'>

const lists = (over: Partial<Lists> = {}): Lists => ({
  poli: [],
  dokter: [],
  kesadaran: [
    { kdSadar: '02', nmSadar: 'Somnolence' },
    { kdSadar: '01', nmSadar: 'Compos mentis' },
  ],
  statusPulang: [
    { kdStatusPulang: '0', nmStatusPulang: 'Sembuh' },
    { kdStatusPulang: '3', nmStatusPulang: 'Berobat Jalan' },
    { kdStatusPulang: RUJUK_VERTIKAL, nmStatusPulang: 'Rujuk Vertikal' },
  ],
  spesialis: [],
  sarana: [],
  khusus: [],
  alergiMakanan: [],
  alergiUdara: [],
  alergiObat: [],
  prognosa: [],
  refreshedAt: null,
  ...over,
})
const row = { keluhan: 'Demam', kdDokter: null, kdPoli: '001', nmPoli: 'Poli Umum' }
const load = (l: Lists | null = lists()) => initExam(row, l, emptyReferral('2026-11-29'))
/** Freezes a state all the way down: a reducer that writes into the state it was handed then throws (ES modules are strict). */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const x of Object.values(v)) deepFreeze(x)
  }
  return v
}
/** Applies the actions in order to frozen states (the reducer is pure: it builds new states, never edits one). */
const run = (state: ExamState, actions: ExamAction[]): ExamState => actions.reduce((s, a) => examReducer(deepFreeze(s), a), state)
const typeVitals = (values: Partial<Record<VitalKey, string>>): ExamAction[] => Object.entries(values).map(([key, value]) => ({ type: 'vital', key: key as VitalKey, value }))
/** An adult's vitals inside every range (core's rules, contract/vitals.ts), as a clinician types them. */
const GOOD = { sistole: '120', diastole: '80', beratBadan: '60,5', tinggiBadan: '165', lingkarPerut: '80', respRate: '18', heartRate: '84', suhu: '36,5' }
const hit = (kdDiag: string, nonSpesialis = true) => ({ kdDiag, nmDiag: `Diagnosis ${kdDiag}`, nonSpesialis })

describe('initExam', () => {
  it("takes the counter's keluhan and doctor, the list's first kesadaran and status pulang Berobat Jalan", () => {
    const s = initExam({ ...row, kdDokter: 'D7' }, lists(), emptyReferral('2026-11-29'))
    expect(s.draft).toMatchObject({ keluhan: 'Demam', kdDokter: 'D7', kdSadar: '02', kdStatusPulang: '3', rujuk: false, claim: '' })
    expect(s.profile).toBe('umum')
    expect(s.vitals.values).toEqual(Object.fromEntries(VITAL_KEYS.map((k) => [k, ''])))
  })
  it('falls back to the first status pulang, and to PCare codes 01 and 3 without lists', () => {
    expect(load(lists({ statusPulang: [{ kdStatusPulang: '9', nmStatusPulang: 'Lain' }] })).draft.kdStatusPulang).toBe('9')
    expect(load(null).draft).toMatchObject({ kdSadar: '01', kdStatusPulang: '3', kdDokter: '' })
  })
  it('uses the KIA ranges for a KIA poli', () => {
    expect(initExam({ ...row, kdPoli: '003', nmPoli: 'KIA' }, null, emptyReferral('2026-11-29')).profile).toBe('kia')
  })
})

describe('examReducer', () => {
  it('load visit → edit vitals → add diagnosis → refused → edit → saved', () => {
    let s = load()
    // A vital out of range shows its message once the field is left, not while typing.
    s = run(s, typeVitals({ suhu: '45,5' }))
    expect(shownVitalIssues(s.vitals, s.profile)).toEqual([])
    s = run(s, [{ type: 'leaveVital', key: 'suhu' }])
    expect(shownVitalIssues(s.vitals, s.profile).map((i) => i.field)).toEqual(['suhu'])

    // Save with the rest empty: stopped here, every empty field now shown, nothing on its way.
    s = run(s, [{ type: 'submit' }])
    expect(s).toMatchObject({ vitalsFail: true, busy: false, error: null })
    expect(s.vitals.sent).toBeNull()
    expect(shownVitalIssues(s.vitals, s.profile).map((i) => i.field).sort()).toEqual([...VITAL_KEYS].sort())

    s = run(s, [...typeVitals(GOOD), { type: 'edit', patch: { diagnoses: [hit('A09')] } }, { type: 'edit', patch: { diagnoses: [hit('A09'), hit('I10', false)] } }])
    expect(shownVitalIssues(s.vitals, s.profile)).toEqual([])
    expect(s.draft.diagnoses.map((d) => d.kdDiag)).toEqual(['A09', 'I10'])
    expect(vitalsInput(s.vitals.values, s.profile)).toEqual({ sistole: 120, diastole: 80, beratBadan: 60.5, tinggiBadan: 165, lingkarPerut: 80, respRate: 18, heartRate: 84, suhu: '36.5' })

    // A valid submit is on its way, with the vitals it sent remembered.
    s = run(s, [{ type: 'submit' }])
    expect(s).toMatchObject({ vitalsFail: false, busy: true, error: null })
    expect(s.vitals.sent).toEqual(GOOD)

    // Core refuses sistole: its message stands beside the field while the value is the one sent, and goes on edit.
    const refusal = new ApiError('INVALID_INPUT', 'Input tidak valid', [{ field: 'vitals.sistole', message: 'Sistole ditolak' }])
    s = run(s, [{ type: 'refused', error: refusal }])
    expect(s).toMatchObject({ busy: false, error: refusal })
    const server = (f: string) => s.error?.fieldMessage(f)
    expect(vitalsView(s.vitals, s.profile, () => {}).message('sistole', server)).toBe('Sistole ditolak')
    s = run(s, typeVitals({ sistole: '125' }))
    expect(vitalsView(s.vitals, s.profile, () => {}).message('sistole', (f) => s.error?.fieldMessage(f))).toBeUndefined()

    // Sent again: the refusal is cleared as the save starts; saved ends the wait and keeps the draft on screen.
    s = run(s, [{ type: 'submit' }, { type: 'saved' }])
    expect(s).toMatchObject({ busy: false, error: null, vitalsFail: false })
    expect(s.vitals.sent?.sistole).toBe('125')
    expect(s.draft.diagnoses).toHaveLength(2)
  })

  it('keeps a vertical referral and status pulang Rujuk Vertikal together', () => {
    let s = run(load(), [{ type: 'rujuk', on: true }])
    expect(s.draft).toMatchObject({ rujuk: true, kdStatusPulang: RUJUK_VERTIKAL })
    s = run(s, [{ type: 'rujuk', on: false }])
    expect(s.draft).toMatchObject({ rujuk: false, kdStatusPulang: '3' })
    // Choosing Rujuk Vertikal as status opens the referral; another status leaves the checkbox as it is.
    s = run(s, [{ type: 'statusPulang', kd: RUJUK_VERTIKAL }])
    expect(s.draft).toMatchObject({ rujuk: true, kdStatusPulang: RUJUK_VERTIKAL })
    s = run(s, [{ type: 'statusPulang', kd: '0' }, { type: 'rujuk', on: false }])
    expect(s.draft).toMatchObject({ rujuk: false, kdStatusPulang: '0' })
  })

  it('shows sistole-above-diastole on diastole once sistole was left', () => {
    const s = run(load(), [...typeVitals({ sistole: '120', diastole: '130' }), { type: 'leaveVital', key: 'sistole' }, { type: 'leaveVital', key: 'sistole' }])
    expect(s.vitals.left).toEqual(['sistole'])
    expect(shownVitalIssues(s.vitals, s.profile).map((i) => [i.field, i.key])).toEqual([['diastole', 'v.vital.sistoleDiastole']])
  })
})
