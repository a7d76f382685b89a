import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../db'
import { COMMON_DIAGNOSA, syntheticIcd10 } from '../../../tools/pcare-sim/icd10'
import { tempDir } from '../../../test/helpers/tmp'
import { aliasMatches, DIAGNOSA_ALIASES, normalizeTerm } from './aliases'
import { recordDiagnosaPicks, searchDiagnosa } from './search'
import { replaceReferenceLists } from './store'

const tmp = tempDir('faskes-alias-')
let db: ReturnType<typeof openDatabase>
beforeAll(() => {
  db = openDatabase(`${tmp.dir}/alias.sqlite`)
  replaceReferenceLists(db, { diagnosa: syntheticIcd10(20_000) }, 1)
})
afterAll(() => {
  db.close()
  tmp.cleanup()
})

const codes = (q: string, n = 5, userId?: string, now?: number) => searchDiagnosa(db, q, n, { userId, now }).map((h) => h.kdDiag)

describe('alias table', () => {
  it('names only codes the PCare list (simulator) has, in ICD-10 form, and no term twice', () => {
    const pcare = new Set(COMMON_DIAGNOSA.map((d) => d.kdDiag))
    for (const a of DIAGNOSA_ALIASES) {
      for (const c of a.codes) {
        expect(c).toMatch(/^[A-Z]\d{2}(\.\d)?$/)
        expect(pcare.has(c), `${c} (${a.terms[0]})`).toBe(true)
      }
    }
    const terms = DIAGNOSA_ALIASES.flatMap((a) => a.terms.map(normalizeTerm))
    expect(terms.filter((t, i) => terms.indexOf(t) !== i)).toEqual([])
  })

  it('normalizes case, punctuation and diacritics', () => {
    expect(normalizeTerm('  Gatal-Gatal ')).toBe('gatal gatal')
    expect(aliasMatches('GATAL-gatal')[0]).toEqual({ kdDiag: 'L29.9', term: 'gatal gatal' })
    expect(aliasMatches('tb  PARU')[0]).toEqual({ kdDiag: 'A15.0', term: 'tb paru' })
  })
})

describe('Indonesian search over the full 20,000-entry list', () => {
  // The terms and the LB1 top diseases: [query, the code a clinician expects, how high it must be].
  const cases: [string, string, number][] = [
    ['hipertensi', 'I10', 1],
    ['darah tinggi', 'I10', 1],
    ['HT', 'I10', 1],
    ['ISPA', 'J06.9', 1],
    ['ispa', 'J06.9', 1],
    ['nasofaringitis', 'J00', 1],
    ['DM', 'E11.9', 1],
    ['diabetes', 'E11.9', 1],
    ['kencing manis', 'E11.9', 1],
    ['TB paru', 'A15.0', 1],
    ['tbc', 'A15.0', 1],
    ['maag', 'K29.7', 1],
    ['gastritis', 'K29.7', 1],
    ['dispepsia', 'K30', 1],
    ['demam', 'R50.9', 1],
    ['diare', 'A09', 1],
    ['GEA', 'A09', 1],
    ['mencret', 'A09', 1],
    ['gatal', 'L29.9', 1],
    ['myalgia', 'M79.1', 1],
    ['dermatitis', 'L30.9', 1],
    ['pneumonia', 'J18.9', 1],
    ['faringitis', 'J02.9', 1],
    ['tonsilitis', 'J03.9', 1],
    ['asma', 'J45.9', 1],
    ['karies', 'K02.1', 3],
    ['pulpitis', 'K04.0', 1],
    ['konjungtivitis', 'H10.9', 1],
    ['ISK', 'N39.0', 1],
    ['cephalgia', 'R51', 1],
    ['sakit kepala', 'R51', 1],
    ['vertigo', 'H81.1', 1],
    ['OMA', 'H66.0', 1],
    ['skabies', 'B86', 1],
    ['kudis', 'B86', 1],
    ['anemia', 'D50.9', 1],
    ['asam urat', 'E79.0', 1],
    ['gout', 'M10.9', 1],
    ['dislipidemia', 'E78.5', 1],
    ['kolesterol', 'E78.5', 1],
    ['DBD', 'A91', 1],
    ['demam berdarah', 'A91', 1],
    ['tifoid', 'A01.0', 1],
    ['tipes', 'A01.0', 1],
    ['cacar air', 'B01.9', 1],
    ['malaria', 'B54', 1],
    ['hipert', 'I10', 1],
    ['paru tb', 'A15.0', 1],
  ]
  it.each(cases)('%s finds %s in the top %i', (q, code, top) => {
    expect(codes(q, 5).slice(0, top)).toContain(code)
  })

  it('says which Indonesian term found a code, so the page can show it beside PCare\'s English name', () => {
    const [first] = searchDiagnosa(db, 'darah ting', 3)
    expect(first).toMatchObject({ kdDiag: 'I10', alias: 'darah tinggi' })
    expect(searchDiagnosa(db, 'A09', 1)[0].alias).toBeUndefined()
  })

  it('keeps code and English search as before: exact code first, then the alias and word hits', () => {
    expect(codes('j06', 3)[0]).toBe('J06')
    expect(codes('I10', 3)[0]).toBe('I10')
    expect(codes('Dengue', 5)).toEqual(expect.arrayContaining(['A90', 'A91']))
    expect(codes('hypertension', 5)).toContain('I10')
  })

  it('answers nothing for nonsense, so the page can say "Tidak ditemukan"', () => {
    expect(codes('qwxzq')).toEqual([])
    expect(codes('zzzz yyyy')).toEqual([])
    expect(aliasMatches('qwxzq')).toEqual([])
  })

  it("puts a clinician's frequent and recent picks first, for that clinician only", () => {
    const day = 24 * 3600 * 1000
    const now = 1_800_000_000_000
    const before = codes('demam', 5, 'dokter-a', now)
    expect(before[0]).toBe('R50.9')
    expect(before).toContain('A01.0')
    // dokter-a diagnoses typhoid twice: it now leads "demam" for them.
    recordDiagnosaPicks(db, 'dokter-a', ['A01.0'], now - 2 * day)
    recordDiagnosaPicks(db, 'dokter-a', ['A01.0', 'A01.0'], now - day)
    expect(codes('demam', 5, 'dokter-a', now)[0]).toBe('A01.0')
    // Not for another clinician, nor without a user.
    expect(codes('demam', 5, 'dokter-b', now)).toEqual(before)
    expect(codes('demam', 5, undefined, now)).toEqual(before)
    // A pick only lifts results that match: "diare" is unchanged for dokter-a.
    expect(codes('diare', 5, 'dokter-a', now)[0]).toBe('A09')
    // Frequent beats once, recent beats old: dokter-b picked A90 once this week and A91 three times a year ago.
    recordDiagnosaPicks(db, 'dokter-b', ['A91'], now - 400 * day)
    recordDiagnosaPicks(db, 'dokter-b', ['A91'], now - 400 * day)
    recordDiagnosaPicks(db, 'dokter-b', ['A91'], now - 400 * day)
    recordDiagnosaPicks(db, 'dokter-b', ['A90'], now - day)
    expect(codes('dbd', 2, 'dokter-b', now)).toEqual(['A90', 'A91'])
    expect(codes('dbd', 2, 'dokter-c', now)).toEqual(['A91', 'A90'])
    // Picks found through English words and code prefixes also come first.
    recordDiagnosaPicks(db, 'dokter-c', ['J06.9'], now)
    expect(codes('J06', 3, 'dokter-c', now)[0]).toBe('J06')
    expect(codes('J06', 3, 'dokter-c', now)[1]).toBe('J06.9')
    expect(codes('upper resp', 3, 'dokter-c', now)[0]).toBe('J06.9')
  })
})
