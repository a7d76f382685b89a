/**
 * What clinicians at a puskesmas type for a diagnosis, in Indonesian (clinical and lay) and as abbreviations, mapped
 * to the ICD-10 codes a clinician would pick for it, the usual one first. PCare names its diagnosa list in English
 * (WHO ICD-10 titles), so without this table `hipertensi`, `maag` or `DM` find nothing.
 *
 * Order matters twice: entries come roughly in the order of the LB1 report's top diseases at a puskesmas (so a short
 * prefix such as `de` lists `demam` before `depresi`), and within an entry the codes come in the order a clinician
 * would choose. Every code is a real ICD-10 (WHO 2019) code and is in the simulator's PCare list
 * (`tools/pcare-sim/icd10.ts`; checked by `aliases.test.ts`). A code PCare does not list is dropped at search time.
 *
 * Terms are matched after `normalizeTerm` (lower case, no diacritics, punctuation as spaces), so write them plainly.
 */
export interface DiagnosaAlias {
  /** Indonesian clinical and lay terms and abbreviations, e.g. `ispa`, `batuk pilek`. */
  terms: readonly string[]
  /** ICD-10 codes as PCare writes them (`J06.9`), the most likely first. */
  codes: readonly string[]
}

export const DIAGNOSA_ALIASES: readonly DiagnosaAlias[] = [
  // Respiratory: ISPA and its relatives lead the LB1 list.
  { terms: ['ispa', 'infeksi saluran pernapasan akut', 'infeksi saluran napas atas', 'urti', 'batuk pilek', 'batpil'], codes: ['J06.9', 'J00', 'J02.9'] },
  { terms: ['nasofaringitis', 'nasofaringitis akut', 'common cold', 'selesma', 'pilek', 'salesma'], codes: ['J00', 'J06.9'] },
  { terms: ['hipertensi', 'hipertensi esensial', 'hipertensi primer', 'ht', 'htn', 'darah tinggi', 'tekanan darah tinggi', 'tensi tinggi'], codes: ['I10', 'I11.9'] },
  { terms: ['dm', 'dm tipe 2', 'dm tipe ii', 'dmt2', 't2dm', 'niddm', 'diabetes', 'diabetes melitus', 'diabetes mellitus', 'diabetes melitus tipe 2', 'kencing manis', 'sakit gula', 'gula darah tinggi'], codes: ['E11.9', 'E14.9'] },
  { terms: ['gastritis', 'maag', 'mag', 'sakit maag', 'radang lambung', 'sakit lambung', 'asam lambung'], codes: ['K29.7', 'K30', 'K21.9'] },
  { terms: ['dispepsia', 'dyspepsia', 'sindrom dispepsia', 'kembung', 'perut kembung', 'nyeri ulu hati', 'ulu hati'], codes: ['K30', 'K29.7'] },
  { terms: ['myalgia', 'mialgia', 'nyeri otot', 'pegal', 'pegal linu', 'pegel linu', 'badan pegal'], codes: ['M79.1'] },
  { terms: ['diare', 'diarrhea', 'mencret', 'menceret', 'gea', 'gastroenteritis', 'gastroenteritis akut', 'muntaber', 'berak cair', 'bab cair'], codes: ['A09', 'K52.9'] },
  { terms: ['dermatitis', 'eksim', 'eksema', 'eczema', 'radang kulit'], codes: ['L30.9', 'L20.9', 'L23.9'] },
  { terms: ['dermatitis atopik', 'eksim atopik'], codes: ['L20.9'] },
  { terms: ['dermatitis kontak', 'dermatitis kontak alergi', 'alergi kulit'], codes: ['L23.9', 'L30.9'] },
  { terms: ['demam', 'febris', 'obs febris', 'observasi febris', 'panas', 'fever'], codes: ['R50.9'] },
  { terms: ['tb paru', 'tb', 'tbc', 'tbc paru', 'tuberkulosis', 'tuberkulosis paru', 'tuberkulosa', 'kp', 'koch pulmonum', 'flek paru'], codes: ['A15.0', 'A16.2'] },
  { terms: ['tb paru bta negatif', 'tb klinis', 'tb paru klinis'], codes: ['A16.2', 'A15.0'] },
  { terms: ['pneumonia', 'radang paru', 'paru paru basah', 'bronkopneumonia', 'bp'], codes: ['J18.9'] },
  { terms: ['faringitis', 'faringitis akut', 'pharyngitis', 'radang tenggorokan', 'sakit tenggorokan'], codes: ['J02.9'] },
  { terms: ['tonsilitis', 'tonsillitis', 'tonsilitis akut', 'amandel', 'radang amandel', 'tonsilofaringitis'], codes: ['J03.9', 'J02.9'] },
  { terms: ['asma', 'asthma', 'asma bronkial', 'mengi', 'bengek', 'sesak napas', 'sesak nafas'], codes: ['J45.9'] },
  { terms: ['karies', 'karies gigi', 'caries', 'gigi berlubang', 'gigi bolong', 'sakit gigi'], codes: ['K02.1', 'K02.9', 'K04.0'] },
  { terms: ['pulpitis', 'radang pulpa', 'sakit gigi berdenyut'], codes: ['K04.0'] },
  { terms: ['konjungtivitis', 'conjunctivitis', 'mata merah', 'belekan', 'radang mata', 'sakit mata'], codes: ['H10.9'] },
  { terms: ['isk', 'infeksi saluran kemih', 'uti', 'anyang anyangan', 'kencing sakit', 'sistitis'], codes: ['N39.0', 'N30.0'] },
  { terms: ['cephalgia', 'chepalgia', 'sefalgia', 'sakit kepala', 'nyeri kepala', 'headache'], codes: ['R51', 'G44.2', 'G43.9'] },
  { terms: ['vertigo', 'bppv', 'pusing berputar', 'kepala berputar'], codes: ['H81.1', 'R42'] },
  { terms: ['pusing', 'dizziness', 'pening', 'oyong'], codes: ['R42', 'R51'] },
  { terms: ['oma', 'otitis media akut', 'otitis media', 'om', 'congek', 'kopok', 'telinga bernanah', 'infeksi telinga'], codes: ['H66.0', 'H66.9'] },
  { terms: ['skabies', 'scabies', 'kudis', 'gudik'], codes: ['B86'] },
  { terms: ['anemia', 'anemia defisiensi besi', 'adb', 'kurang darah', 'kekurangan darah'], codes: ['D50.9', 'D64.9'] },
  { terms: ['hiperurisemia', 'asam urat', 'asam urat tinggi'], codes: ['E79.0', 'M10.9'] },
  { terms: ['gout', 'gout arthritis', 'artritis gout', 'pirai'], codes: ['M10.9'] },
  { terms: ['dislipidemia', 'hiperlipidemia', 'hiperkolesterolemia', 'kolesterol', 'kolesterol tinggi'], codes: ['E78.5'] },
  { terms: ['dbd', 'dhf', 'demam berdarah', 'demam berdarah dengue'], codes: ['A91', 'A90'] },
  { terms: ['dengue', 'demam dengue', 'df'], codes: ['A90', 'A91'] },
  { terms: ['tifoid', 'demam tifoid', 'typhoid', 'thypoid', 'tipes', 'tifus'], codes: ['A01.0'] },
  { terms: ['cacar air', 'cacar', 'varisela', 'varicella'], codes: ['B01.9'] },
  { terms: ['malaria'], codes: ['B54'] },
  { terms: ['gatal', 'gatal gatal', 'pruritus', 'pruritis'], codes: ['L29.9', 'L30.9', 'B86', 'L50.9'] },
  { terms: ['urtikaria', 'urticaria', 'biduran', 'kaligata', 'bentol bentol'], codes: ['L50.9'] },
  { terms: ['influenza', 'flu'], codes: ['J11.1', 'J00'] },
  { terms: ['batuk'], codes: ['R05', 'J06.9'] },
  { terms: ['bronkitis', 'bronkitis akut', 'bronchitis'], codes: ['J20.9'] },
  { terms: ['sinusitis', 'sinusitis akut'], codes: ['J01.9'] },
  { terms: ['rinitis alergi', 'rhinitis alergi', 'alergi debu', 'bersin bersin'], codes: ['J30.4'] },
  { terms: ['ppok', 'copd'], codes: ['J44.9'] },
  { terms: ['gerd', 'refluks', 'refluks asam lambung'], codes: ['K21.9'] },
  { terms: ['gingivitis', 'radang gusi', 'gusi berdarah'], codes: ['K05.1'] },
  { terms: ['sariawan', 'stomatitis', 'stomatitis aftosa', 'aftosa'], codes: ['K12.0', 'B37.0'] },
  { terms: ['kandidiasis oral', 'oral thrush', 'sariawan jamur'], codes: ['B37.0'] },
  { terms: ['hordeolum', 'bintitan', 'timbil'], codes: ['H00.0'] },
  { terms: ['serumen', 'serumen prop', 'kotoran telinga'], codes: ['H61.2'] },
  { terms: ['tension headache', 'tension type headache', 'tth'], codes: ['G44.2'] },
  { terms: ['migren', 'migrain', 'migraine', 'sakit kepala sebelah'], codes: ['G43.9'] },
  { terms: ['dehidrasi', 'kurang cairan'], codes: ['E86'] },
  { terms: ['disentri', 'diare berdarah', 'berak darah'], codes: ['A06.0', 'A09'] },
  { terms: ['mual', 'muntah', 'mual muntah', 'nausea', 'vomitus'], codes: ['R11'] },
  { terms: ['nyeri perut', 'sakit perut', 'kolik abdomen', 'abdominal pain'], codes: ['R10.4'] },
  { terms: ['konstipasi', 'sembelit', 'susah bab', 'sulit bab'], codes: ['K59.0'] },
  { terms: ['hemoroid', 'wasir', 'ambeien', 'ambeyen'], codes: ['I84.9'] },
  { terms: ['low back pain', 'lbp', 'nyeri punggung bawah', 'sakit pinggang', 'nyeri pinggang'], codes: ['M54.5'] },
  { terms: ['osteoartritis', 'osteoarthritis', 'oa', 'oa genu', 'nyeri lutut'], codes: ['M17.9'] },
  { terms: ['artritis', 'arthritis', 'radang sendi', 'nyeri sendi'], codes: ['M13.9', 'M10.9'] },
  { terms: ['tinea', 'tinea korporis', 'kurap', 'jamur kulit', 'kadas'], codes: ['B35.4'] },
  { terms: ['tinea kapitis', 'tinea capitis'], codes: ['B35.0'] },
  { terms: ['panu', 'pitiriasis versikolor', 'pityriasis versicolor', 'tinea versikolor'], codes: ['B36.0'] },
  { terms: ['impetigo'], codes: ['L01.0'] },
  { terms: ['abses', 'bisul', 'furunkel', 'furunkulosis', 'karbunkel'], codes: ['L02.9'] },
  { terms: ['jerawat', 'akne', 'acne', 'akne vulgaris'], codes: ['L70.0'] },
  { terms: ['campak', 'morbili', 'measles', 'tampek'], codes: ['B05.9'] },
  { terms: ['gondongan', 'parotitis', 'mumps', 'gondong'], codes: ['B26.9'] },
  { terms: ['cacingan', 'cacing', 'askariasis', 'ascariasis', 'cacing gelang'], codes: ['B77.9'] },
  { terms: ['infeksi virus', 'viral infection', 'virus'], codes: ['B34.9'] },
  { terms: ['kejang demam', 'step'], codes: ['R56.0'] },
  { terms: ['obesitas', 'kegemukan', 'obesity'], codes: ['E66.9'] },
  { terms: ['gizi kurang', 'kurang gizi', 'malnutrisi', 'kep'], codes: ['E44.0'] },
  { terms: ['keputihan', 'fluor albus', 'flour albus', 'vaginitis'], codes: ['N76.0'] },
  { terms: ['dismenore', 'dismenorea', 'nyeri haid', 'sakit haid', 'dysmenorrhea'], codes: ['N94.6'] },
  { terms: ['hiperemesis', 'hiperemesis gravidarum', 'mual hamil', 'morning sickness'], codes: ['O21.0'] },
  { terms: ['hamil', 'kehamilan', 'kehamilan normal', 'anc', 'pemeriksaan kehamilan', 'antenatal'], codes: ['Z34.9'] },
  { terms: ['kb', 'kontrasepsi', 'akseptor kb', 'suntik kb', 'pil kb'], codes: ['Z30.4'] },
  { terms: ['imunisasi tt', 'imunisasi tetanus', 'tt'], codes: ['Z23.5'] },
  { terms: ['mcu', 'check up', 'cek kesehatan', 'pemeriksaan kesehatan', 'surat sehat', 'skd'], codes: ['Z00.0'] },
  { terms: ['konseling', 'konsultasi'], codes: ['Z71.9'] },
  { terms: ['luka', 'vulnus', 'vulnus laceratum', 'vl', 'luka robek', 'luka terbuka'], codes: ['T14.1', 'S61.9'] },
  { terms: ['luka lecet', 'vulnus excoriatum', 'ekskoriasi', 'lecet'], codes: ['T14.0'] },
  { terms: ['keseleo', 'terkilir', 'sprain', 'salah urat'], codes: ['S93.4'] },
  { terms: ['gigitan anjing', 'digigit anjing'], codes: ['W54'] },
  { terms: ['sengatan serangga', 'gigitan serangga', 'disengat tawon', 'insect bite'], codes: ['T63.4'] },
  { terms: ['alergi', 'reaksi alergi'], codes: ['T78.4', 'L50.9'] },
  { terms: ['depresi'], codes: ['F32.9'] },
  { terms: ['cemas', 'ansietas', 'gangguan cemas', 'gangguan kecemasan'], codes: ['F41.1'] },
  { terms: ['epilepsi', 'ayan'], codes: ['G40.9'] },
  { terms: ['bell palsy', "bell's palsy", 'bells palsy', 'wajah mencong'], codes: ['G51.0'] },
  { terms: ['angina', 'angina pektoris', 'nyeri dada'], codes: ['I20.9'] },
  { terms: ['gagal jantung', 'chf', 'decompensatio cordis'], codes: ['I50.9'] },
  { terms: ['stroke', 'cva', 'stroke non hemoragik', 'snh', 'infark serebri'], codes: ['I63.9'] },
  { terms: ['apendisitis', 'appendicitis', 'usus buntu'], codes: ['K35.8'] },
  { terms: ['presbiopi', 'presbyopia', 'mata tua', 'rabun dekat'], codes: ['H52.4'] },
]

/** Lower case, diacritics removed, anything but letters and digits turned into single spaces: `Gatal-gatal` -> `gatal gatal`. */
export function normalizeTerm(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

interface IndexedTerm {
  term: string
  text: string
  words: string[]
  alias: number
}
const indexed: IndexedTerm[] = DIAGNOSA_ALIASES.flatMap((a, alias) =>
  a.terms.map((term) => {
    const text = normalizeTerm(term)
    return { term, text, words: text.split(' '), alias }
  }),
)

/**
 * How well a query matches one term: 0 the whole term, 1 the term's start (type-ahead), 2 every query word starts
 * a different word of the term, in any order (`paru tb`); null no match.
 */
function matchLevel(q: string, qWords: string[], t: IndexedTerm): 0 | 1 | 2 | null {
  if (t.text === q) return 0
  if (t.text.startsWith(q)) return 1
  if (qWords.length < 2) return null
  const used = new Set<number>()
  for (const w of qWords) {
    const i = t.words.findIndex((tw, j) => !used.has(j) && tw.startsWith(w))
    if (i < 0) return null
    used.add(i)
  }
  return 2
}

/** A code the alias table gives for a query, with the term that matched (shown beside PCare's English name). */
export interface AliasMatch {
  kdDiag: string
  term: string
}

/**
 * The ICD-10 codes the alias table gives for what a clinician typed, best first: aliases whose term equals the
 * query, then those a term of which starts with it, then those matching word by word; ties keep the table's order.
 * Each code once, with its best-matching term. Empty when nothing matches. About 600 terms are scanned:
 * microseconds, no database.
 */
export function aliasMatches(query: string): AliasMatch[] {
  const q = normalizeTerm(query)
  if (!q) return []
  const qWords = q.split(' ')
  const best = new Map<number, { level: number; term: string }>()
  for (const t of indexed) {
    const level = matchLevel(q, qWords, t)
    if (level === null) continue
    const prev = best.get(t.alias)
    if (prev === undefined || level < prev.level) best.set(t.alias, { level, term: t.term })
  }
  const out = new Map<string, AliasMatch>()
  for (const [alias, m] of [...best].sort((a, b) => a[1].level - b[1].level || a[0] - b[0])) {
    for (const kdDiag of DIAGNOSA_ALIASES[alias].codes) if (!out.has(kdDiag)) out.set(kdDiag, { kdDiag, term: m.term })
  }
  return [...out.values()]
}
