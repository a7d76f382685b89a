import type { ExaminationInput, Output } from '../../../../electron/contract'
import { VITAL_KEYS } from '../../../../electron/contract/vitals'
import type { ReferralDraft } from '../Rujukan'
import { initExam, type ExamState, type VitalValues } from './examState'

type Lists = Output<'reference.lists'>

/**
 * The examination form reopened on a saved examination, for a correction: every field a correction may change
 * (core/clinic/corrections.ts) as it was saved, the vitals as the clinician would type them. Tindakan, obat, the
 * vertical referral and the claim are not in the draft: a correction keeps them (`correctedInput`).
 */
export function editState(
  row: { keluhan: string; kdDokter: string | null; kdPoli: string; nmPoli: string | null },
  lists: Lists | null,
  rujukan: ReferralDraft,
  saved: ExaminationInput,
): ExamState {
  const s = initExam(row, lists, rujukan)
  const v = saved.vitals as Partial<Record<(typeof VITAL_KEYS)[number], number | string>>
  const values = Object.fromEntries(VITAL_KEYS.map((k) => [k, v[k] === undefined ? '' : String(v[k])])) as VitalValues
  return {
    ...s,
    draft: {
      ...s.draft,
      keluhan: saved.keluhan,
      kdSadar: saved.kdSadar,
      kdDokter: saved.kdDokter,
      kdStatusPulang: saved.kdStatusPulang,
      // nonSpesialis only decides whether a new referral needs TACC; a correction keeps the referral as saved.
      diagnoses: saved.diagnoses.map((d) => ({ kdDiag: d.kdDiag, nmDiag: d.nmDiag, nonSpesialis: false })),
      terapiObat: saved.terapiObat,
      terapiNonObat: saved.terapiNonObat,
      alergiMakan: saved.alergiMakan,
      alergiUdara: saved.alergiUdara,
      alergiObat: saved.alergiObat,
      kdPrognosa: saved.kdPrognosa,
      rujukInternal: saved.kdPoliRujukInternal !== null,
      kdPoliRujukInternal: saved.kdPoliRujukInternal ?? '',
      rujuk: saved.rujukan !== undefined,
    },
    vitals: { ...s.vitals, values },
  }
}

/** What a correction sends: the form's fields over what a correction cannot change, taken as saved. */
export function correctedInput(edited: ExaminationInput, saved: ExaminationInput): ExaminationInput {
  return {
    ...edited,
    anamnesa: saved.anamnesa,
    bmhp: saved.bmhp,
    tindakan: saved.tindakan,
    obat: saved.obat,
    rujukan: saved.rujukan,
    claimAmount: saved.claimAmount,
  }
}
