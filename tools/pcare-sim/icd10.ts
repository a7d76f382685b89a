import type { Diagnosa } from '../../electron/core/pcare/types'

/**
 * Common primary-care ICD-10 codes (WHO names, as PCare returns them) with the PCare `nonSpesialis` flag
 * set for conditions an FKTP is expected to treat itself. Used to seed the simulator.
 */
export const COMMON_DIAGNOSA: Diagnosa[] = [
  ['A01.0', 'Typhoid fever', true],
  ['A06.0', 'Acute amoebic dysentery', true],
  ['A09', 'Diarrhoea and gastroenteritis of presumed infectious origin', true],
  ['A15.0', 'Tuberculosis of lung, confirmed by sputum microscopy with or without culture', true],
  ['A16.2', 'Tuberculosis of lung, without mention of bacteriological or histological confirmation', true],
  ['A18.4', 'Tuberculosis of skin and subcutaneous tissue', false],
  ['A48.3', 'Toxic shock syndrome', false],
  ['A90', 'Dengue fever [classical dengue]', true],
  ['A91', 'Dengue haemorrhagic fever', false],
  ['B01.9', 'Varicella without complication', true],
  ['B05.9', 'Measles without complication', true],
  ['B26.9', 'Mumps without complication', true],
  ['B34.9', 'Viral infection, unspecified', true],
  ['B35.0', 'Tinea barbae and tinea capitis', true],
  ['B35.4', 'Tinea corporis', true],
  ['B36.0', 'Pityriasis versicolor', true],
  ['B37.0', 'Candidal stomatitis', true],
  ['B54', 'Unspecified malaria', true],
  ['B77.9', 'Ascariasis, unspecified', true],
  ['B86', 'Scabies', true],
  ['D50.9', 'Iron deficiency anaemia, unspecified', true],
  ['D64.9', 'Anaemia, unspecified', true],
  ['E11.9', 'Non-insulin-dependent diabetes mellitus without complications', true],
  ['E14.9', 'Unspecified diabetes mellitus without complications', true],
  ['E44.0', 'Moderate protein-energy malnutrition', true],
  ['E66.9', 'Obesity, unspecified', true],
  ['E78.5', 'Hyperlipidaemia, unspecified', true],
  ['E79.0', 'Hyperuricaemia without signs of inflammatory arthritis and tophaceous disease', true],
  ['E86', 'Volume depletion', true],
  ['F32.9', 'Depressive episode, unspecified', false],
  ['F41.1', 'Generalized anxiety disorder', false],
  ['G40.9', 'Epilepsy, unspecified', false],
  ['G43.9', 'Migraine, unspecified', true],
  ['G44.2', 'Tension-type headache', true],
  ['G51.0', "Bell's palsy", true],
  ['H10.9', 'Conjunctivitis, unspecified', true],
  ['H00.0', 'Hordeolum and other deep inflammation of eyelid', true],
  ['H52.4', 'Presbyopia', false],
  ['H61.2', 'Impacted cerumen', true],
  ['H66.9', 'Otitis media, unspecified', true],
  ['H66.0', 'Acute suppurative otitis media', true],
  ['H81.1', 'Benign paroxysmal vertigo', true],
  ['I10', 'Essential (primary) hypertension', true],
  ['I11.9', 'Hypertensive heart disease without (congestive) heart failure', false],
  ['I20.9', 'Angina pectoris, unspecified', false],
  ['I50.9', 'Heart failure, unspecified', false],
  ['I63.9', 'Cerebral infarction, unspecified', false],
  ['I84.9', 'Unspecified haemorrhoids without complication', true],
  ['J00', 'Acute nasopharyngitis [common cold]', true],
  ['J01.9', 'Acute sinusitis, unspecified', true],
  ['J02.9', 'Acute pharyngitis, unspecified', true],
  ['J03.9', 'Acute tonsillitis, unspecified', true],
  ['J06.9', 'Acute upper respiratory infection, unspecified', true],
  ['J11.1', 'Influenza with other respiratory manifestations, virus not identified', true],
  ['J18.9', 'Pneumonia, unspecified', true],
  ['J20.9', 'Acute bronchitis, unspecified', true],
  ['J30.4', 'Allergic rhinitis, unspecified', true],
  ['J44.9', 'Chronic obstructive pulmonary disease, unspecified', false],
  ['J45.9', 'Asthma, unspecified', true],
  ['K02.1', 'Caries of dentine', true],
  ['K02.9', 'Dental caries, unspecified', true],
  ['K04.0', 'Pulpitis', true],
  ['K05.1', 'Chronic gingivitis', true],
  ['K08.1', 'Loss of teeth due to accident, extraction or local periodontal disease', true],
  ['K12.0', 'Recurrent oral aphthae', true],
  ['K21.9', 'Gastro-oesophageal reflux disease without oesophagitis', true],
  ['K29.7', 'Gastritis, unspecified', true],
  ['K30', 'Dyspepsia', true],
  ['K35.8', 'Acute appendicitis, other and unspecified', false],
  ['K52.9', 'Noninfective gastroenteritis and colitis, unspecified', true],
  ['K59.0', 'Constipation', true],
  ['L01.0', 'Impetigo [any organism] [any site]', true],
  ['L02.9', 'Cutaneous abscess, furuncle and carbuncle, unspecified', true],
  ['L20.9', 'Atopic dermatitis, unspecified', true],
  ['L23.9', 'Allergic contact dermatitis, unspecified cause', true],
  ['L29.9', 'Pruritus, unspecified', true],
  ['L30.9', 'Dermatitis, unspecified', true],
  ['L50.9', 'Urticaria, unspecified', true],
  ['L70.0', 'Acne vulgaris', true],
  ['M10.9', 'Gout, unspecified', true],
  ['M13.9', 'Arthritis, unspecified', true],
  ['M17.9', 'Gonarthrosis, unspecified', true],
  ['M54.5', 'Low back pain', true],
  ['M79.1', 'Myalgia', true],
  ['N30.0', 'Acute cystitis', true],
  ['N39.0', 'Urinary tract infection, site not specified', true],
  ['N76.0', 'Acute vaginitis', true],
  ['N94.6', 'Dysmenorrhoea, unspecified', true],
  ['O21.0', 'Mild hyperemesis gravidarum', true],
  ['R05', 'Cough', true],
  ['R11', 'Nausea and vomiting', true],
  ['R10.4', 'Other and unspecified abdominal pain', true],
  ['R50.9', 'Fever, unspecified', true],
  ['R51', 'Headache', true],
  ['R42', 'Dizziness and giddiness', true],
  ['R56.0', 'Febrile convulsions', true],
  ['S00.9', 'Superficial injury of head, part unspecified', true],
  ['S61.9', 'Open wound of wrist and hand part, part unspecified', true],
  ['S93.4', 'Sprain and strain of ankle', true],
  ['T14.0', 'Superficial injury of unspecified body region', true],
  ['T14.1', 'Open wound of unspecified body region', true],
  ['T63.4', 'Toxic effect: venom of other arthropods', true],
  ['T78.4', 'Allergy, unspecified', true],
  ['W54', 'Bitten or struck by dog', true],
  ['Z00.0', 'General medical examination', true],
  ['Z23.5', 'Need for immunization against tetanus alone', true],
  ['Z30.4', 'Surveillance of contraceptive drugs', true],
  ['Z34.9', 'Supervision of normal pregnancy, unspecified', true],
  ['Z71.9', 'Counselling, unspecified', true],
].map(([kdDiag, nmDiag, nonSpesialis]) => ({ kdDiag, nmDiag, nonSpesialis }) as Diagnosa)

const CONDITIONS = [
  'Acute inflammation', 'Chronic inflammation', 'Infection', 'Abscess', 'Malignant neoplasm', 'Benign neoplasm',
  'Haemorrhage', 'Fracture', 'Dislocation', 'Sprain', 'Open wound', 'Burn', 'Ulcer', 'Stenosis', 'Obstruction',
  'Cyst', 'Calculus', 'Deformity', 'Disorder', 'Injury', 'Degeneration', 'Hypertrophy', 'Atrophy', 'Fistula',
  'Insufficiency', 'Tuberculosis', 'Candidiasis', 'Viral infection', 'Bacterial infection', 'Toxic effect',
]
const SITES = [
  'lung', 'bronchus', 'trachea', 'larynx', 'pharynx', 'tonsil', 'nasal cavity', 'sinus', 'ear', 'eye', 'eyelid',
  'conjunctiva', 'cornea', 'lip', 'tongue', 'gum', 'tooth', 'oesophagus', 'stomach', 'duodenum', 'small intestine',
  'colon', 'rectum', 'anus', 'liver', 'gallbladder', 'pancreas', 'kidney', 'ureter', 'bladder', 'urethra',
  'prostate', 'testis', 'ovary', 'uterus', 'cervix', 'vagina', 'breast', 'skin', 'subcutaneous tissue', 'muscle',
  'tendon', 'knee', 'hip', 'shoulder', 'elbow', 'wrist', 'hand', 'ankle', 'foot', 'spine', 'skull', 'brain',
  'spinal cord', 'peripheral nerve', 'heart', 'pericardium', 'artery', 'vein', 'lymph node', 'thyroid gland',
  'adrenal gland', 'bone marrow', 'spleen', 'joint', 'rib', 'femur', 'tibia', 'radius', 'clavicle',
]
const QUALIFIERS = [
  'unspecified', 'acute', 'chronic', 'recurrent', 'with complication', 'without complication', 'left side',
  'right side', 'bilateral', 'other specified',
]

/** Deterministic PRNG (mulberry32) so benches and tests see the same list every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A realistic-looking ICD-10 list of `n` entries: the common codes above plus generated codes in the real
 * shape (letter, two digits, optional .digit) with names built from anatomical sites and conditions.
 */
export function syntheticIcd10(n: number, seed = 10): Diagnosa[] {
  const rnd = prng(seed)
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)]
  const byCode = new Map(COMMON_DIAGNOSA.map((d) => [d.kdDiag, d]))
  const out: Diagnosa[] = []
  const letters = 'ABCDEFGHIJKLMNOPQRSTVWXYZ'
  for (const letter of letters) {
    for (let cat = 0; cat < 100; cat++) {
      const base = `${letter}${String(cat).padStart(2, '0')}`
      const condition = pick(CONDITIONS)
      const site = pick(SITES)
      out.push(byCode.get(base) ?? { kdDiag: base, nmDiag: `${condition} of ${site}`, nonSpesialis: rnd() < 0.3 })
      for (let sub = 0; sub < 10; sub++) {
        const code = `${base}.${sub}`
        out.push(
          byCode.get(code) ?? {
            kdDiag: code,
            nmDiag: `${condition} of ${site}, ${QUALIFIERS[sub]}`,
            nonSpesialis: rnd() < 0.3,
          },
        )
      }
    }
  }
  // Keep every common code and a spread of the rest: drop generated entries at random until n remain.
  const common = out.filter((d) => byCode.has(d.kdDiag))
  const rest = out.filter((d) => !byCode.has(d.kdDiag))
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[rest[i], rest[j]] = [rest[j], rest[i]]
  }
  return [...common, ...rest.slice(0, Math.max(0, n - common.length))].sort((a, b) => a.kdDiag.localeCompare(b.kdDiag))
}
