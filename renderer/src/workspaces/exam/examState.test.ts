import { describe, expect, it } from 'vitest'
import type { Output } from '../../../../electron/contract'
import { VITAL_KEYS, type VitalKey } from '../../../../electron/contract/vitals'
import { ApiError } from '../../api'
import { emptyReferral } from '../Rujukan'
import { BEROBAT_JALAN, choicesInput, examReducer, initExam, missingChoices, noAllergyPatch, RUJUK_VERTIKAL, shownMissingChoices, shownVitalIssues, vitalsInput, type ExamAction, type ExamState } from './examState'
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
/** Allergies (one food allergy) and prognosis as a clinician chooses them from PCare's lists. */
const CHOSEN = { alergiMakan: '01', alergiUdara: '00', alergiObat: '00', kdPrognosa: '02' }
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
    expect(s).toMatchObject({ stopped: true, busy: false, error: null })
    expect(s.vitals.sent).toBeNull()
    expect(shownVitalIssues(s.vitals, s.profile).map((i) => i.field).sort()).toEqual([...VITAL_KEYS].sort())

    s = run(s, [...typeVitals(GOOD), { type: 'edit', patch: CHOSEN }, { type: 'edit', patch: { diagnoses: [hit('A09')] } }, { type: 'edit', patch: { diagnoses: [hit('A09'), hit('I10', false)] } }])
    expect(shownVitalIssues(s.vitals, s.profile)).toEqual([])
    expect(s.draft.diagnoses.map((d) => d.kdDiag)).toEqual(['A09', 'I10'])
    expect(vitalsInput(s.vitals.values, s.profile)).toEqual({ sistole: 120, diastole: 80, beratBadan: 60.5, tinggiBadan: 165, lingkarPerut: 80, respRate: 18, heartRate: 84, suhu: '36.5' })

    // A valid submit is on its way, with the vitals it sent remembered.
    s = run(s, [{ type: 'submit' }])
    expect(s).toMatchObject({ stopped: false, busy: true, error: null })
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
    expect(s).toMatchObject({ busy: false, error: null, stopped: false })
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

/** PCare's lists as the simulator and Khanza know them: "Tidak Ada" is 00 in each allergy list. */
const clinicalLists = (over: Partial<Lists> = {}) =>
  lists({
    alergiMakanan: [{ kode: '01', nama: 'Seafood' }, { kode: '00', nama: 'Tidak Ada' }],
    alergiUdara: [{ kode: '00', nama: 'Tidak Ada' }, { kode: '01', nama: 'Udara Dingin' }],
    alergiObat: [{ kode: '01', nama: 'Penisilin' }, { kode: '00', nama: 'TIDAK ADA' }],
    prognosa: [{ kode: '01', nama: 'Sanam (Sembuh)' }, { kode: '02', nama: 'Bonam (Baik)' }],
    poli: [{ kdPoli: '001', nmPoli: 'UMUM', poliSakit: true }, { kdPoli: '002', nmPoli: 'GIGI', poliSakit: true }],
    ...over,
  })

describe('allergies, prognosis and internal referral', () => {
  it('start unchosen whatever the lists hold, and a save without them is stopped with each one marked', () => {
    let s = load(clinicalLists())
    expect(s.draft).toMatchObject({ alergiMakan: '', alergiUdara: '', alergiObat: '', kdPrognosa: '', rujukInternal: false, kdPoliRujukInternal: '' })
    // Nothing is marked before the first save.
    expect(shownMissingChoices(s)).toEqual([])
    s = run(s, [...typeVitals(GOOD), { type: 'edit', patch: { diagnoses: [hit('A09')] } }, { type: 'submit' }])
    // Vitals are right, yet the save stops: the four choices are missing and shown.
    expect(s).toMatchObject({ stopped: true, busy: false })
    expect(s.vitals.sent).toBeNull()
    expect(shownMissingChoices(s)).toEqual(['alergiMakan', 'alergiUdara', 'alergiObat', 'kdPrognosa'])
    // Each mark goes as its choice is made; with all made the save goes out.
    s = run(s, [{ type: 'edit', patch: { alergiMakan: '01', kdPrognosa: '02' } }])
    expect(shownMissingChoices(s)).toEqual(['alergiUdara', 'alergiObat'])
    s = run(s, [{ type: 'edit', patch: { alergiUdara: '00', alergiObat: '00' } }, { type: 'submit' }])
    expect(s).toMatchObject({ stopped: false, busy: true })
    expect(choicesInput(s.draft)).toEqual({ ...CHOSEN, kdPoliRujukInternal: null })
  })

  it('"no allergy" is each list\'s own Tidak Ada entry, and only offered when all three lists have one', () => {
    expect(noAllergyPatch(clinicalLists())).toEqual({ alergiMakan: '00', alergiUdara: '00', alergiObat: '00' })
    // Found by name when PCare codes it otherwise; by code 00 when the name differs.
    expect(noAllergyPatch(clinicalLists({ alergiUdara: [{ kode: '99', nama: 'Tidak ada alergi' }], alergiObat: [{ kode: '00', nama: '-' }] }))).toEqual({ alergiMakan: '00', alergiUdara: '99', alergiObat: '00' })
    // "Tidak adanya" is not "Tidak Ada"; a list without such an entry, or no cached lists, offers no shortcut.
    expect(noAllergyPatch(clinicalLists({ alergiObat: [{ kode: '05', nama: 'Tidak adanya data' }] }))).toBeNull()
    expect(noAllergyPatch(clinicalLists({ alergiUdara: [] }))).toBeNull()
    expect(noAllergyPatch(null)).toBeNull()
  })

  it('an internal referral needs its poli, goes with Berobat Jalan, and excludes a vertical referral', () => {
    let s = run(load(clinicalLists()), [{ type: 'rujuk', on: true }, { type: 'rujukInternal', on: true }])
    expect(s.draft).toMatchObject({ rujukInternal: true, rujuk: false, kdStatusPulang: BEROBAT_JALAN })
    expect(missingChoices({ ...s.draft, ...CHOSEN })).toEqual(['kdPoliRujukInternal'])
    s = run(s, [{ type: 'edit', patch: { ...CHOSEN, kdPoliRujukInternal: '002' } }])
    expect(missingChoices(s.draft)).toEqual([])
    expect(choicesInput(s.draft).kdPoliRujukInternal).toBe('002')
    // A vertical referral ends it; so does another status pulang; the poli is then not sent.
    const vertical = run(s, [{ type: 'rujuk', on: true }])
    expect(vertical.draft).toMatchObject({ rujukInternal: false, rujuk: true, kdStatusPulang: RUJUK_VERTIKAL })
    expect(choicesInput(vertical.draft).kdPoliRujukInternal).toBeNull()
    expect(run(s, [{ type: 'statusPulang', kd: '0' }]).draft.rujukInternal).toBe(false)
    expect(run(s, [{ type: 'statusPulang', kd: BEROBAT_JALAN }]).draft.rujukInternal).toBe(true)
    // Unticked: no poli is asked or sent.
    const off = run(s, [{ type: 'rujukInternal', on: false }])
    expect(missingChoices({ ...off.draft, kdPoliRujukInternal: '' })).toEqual([])
    expect(choicesInput(off.draft).kdPoliRujukInternal).toBeNull()
  })
})
