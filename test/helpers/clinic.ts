import { ExaminationInput, RegistrationInput } from '../../electron/contract'

/** Adult vital signs inside every poli's ranges, for tests about something other than vitals. */
export const NORMAL_VITALS = { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 80, suhu: '37.8' }

/** A sick visit to poli umum (001) with a keluhan, as the counter sends it; `over` sets what the test is about. */
export function registrationInput(noKartu: string, over: Partial<RegistrationInput> = {}): RegistrationInput {
  return RegistrationInput.parse({ noKartu, kdPoli: '001', kunjSakit: true, keluhan: 'demam', ...over })
}

/** PCare's "Tidak Ada" for each allergy (`00`) and prognosis `01` (Sanam/Sembuh): the examined answer of a test patient. */
export const NO_ALLERGY_GOOD_PROGNOSIS = { alergiMakan: '00', alergiUdara: '00', alergiObat: '00', kdPrognosa: '01' } as const

/**
 * A valid examination as the clinician saves it: normal vitals, conscious, one diagnosis (typhoid), doctor 001,
 * no allergy, good prognosis, sent home ('3'); `over` sets what the test is about.
 */
export function examinationInput(noRawat: string, over: Partial<ExaminationInput> = {}): ExaminationInput {
  return ExaminationInput.parse({
    noRawat,
    keluhan: 'demam',
    vitals: NORMAL_VITALS,
    kdSadar: '01',
    diagnoses: [{ kdDiag: 'A01.0', nmDiag: 'Typhoid fever' }],
    kdDokter: '001',
    kdStatusPulang: '3',
    ...NO_ALLERGY_GOOD_PROGNOSIS,
    ...over,
  })
}
