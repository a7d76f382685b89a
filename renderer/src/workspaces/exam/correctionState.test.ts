import { describe, expect, it } from 'vitest'
import type { ExaminationInput } from '../../../../electron/contract'
import { emptyReferral } from '../Rujukan'
import { correctedInput, editState } from './correctionState'
import { choicesInput, vitalsInput } from './examState'

const row = { keluhan: 'dari loket', kdDokter: null, kdPoli: '001', nmPoli: 'UMUM' }
const saved: ExaminationInput = {
  noRawat: '20261123-0001',
  keluhan: 'demam 3 hari',
  anamnesa: 'batuk',
  vitals: { sistole: 120, diastole: 80, beratBadan: 55.6, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '37.8' },
  kdSadar: '02',
  diagnoses: [{ kdDiag: 'A09', nmDiag: 'Diare' }, { kdDiag: 'J06.9', nmDiag: 'ISPA' }],
  kdDokter: '131491',
  terapiObat: 'oralit',
  terapiNonObat: 'istirahat',
  kdStatusPulang: '3',
  alergiMakan: '01',
  alergiUdara: '00',
  alergiObat: '02',
  kdPrognosa: '02',
  kdPoliRujukInternal: '002',
  bmhp: 'kasa',
  tindakan: [{ kdTindakan: 'T01', biaya: 10000 }],
  obat: [{ kdObat: 'O01', nmObat: 'Parasetamol', signa1: 3, signa2: 1, jmlObat: 10 }],
  claimAmount: 150000,
}

describe('reopening a saved examination for a correction', () => {
  it('fills the form with what was saved, not with the counter\'s values or the defaults', () => {
    const s = editState(row, null, emptyReferral('2026-11-23'), saved)
    expect(s.draft).toMatchObject({ keluhan: 'demam 3 hari', kdSadar: '02', kdDokter: '131491', terapiObat: 'oralit', rujukInternal: true, rujuk: false })
    expect(s.draft.diagnoses.map((d) => d.kdDiag)).toEqual(['A09', 'J06.9'])
    // The vitals read back through the form's own parsing give the saved numbers (decimal weight kept).
    expect(vitalsInput(s.vitals.values, s.profile)).toEqual(saved.vitals)
    expect(choicesInput(s.draft)).toEqual({ alergiMakan: '01', alergiUdara: '00', alergiObat: '02', kdPrognosa: '02', kdPoliRujukInternal: '002' })
  })

  it('sends the form\'s fields over the saved tindakan, obat, referral, claim, anamnesa and bmhp', () => {
    const edited: ExaminationInput = { ...saved, terapiObat: 'zinc', anamnesa: '', bmhp: '', tindakan: [], obat: [], claimAmount: undefined }
    expect(correctedInput(edited, saved)).toEqual({ ...saved, terapiObat: 'zinc' })
  })
})
