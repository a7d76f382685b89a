import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatServerMessage } from './messages'
import { checkVitals, parseVital, pcareBeratBadan, pcareSuhu, VITAL_KEYS, VITAL_RANGES, vitalProfile, type VitalKey } from './vitals'

const adult = { sistole: 120, diastole: 80, beratBadan: 55, tinggiBadan: 160, lingkarPerut: 70, respRate: 18, heartRate: 84, suhu: '37.2' }
const baby = { sistole: 75, diastole: 45, beratBadan: 3.2, tinggiBadan: 50, lingkarPerut: 33, respRate: 45, heartRate: 140, suhu: '36.8' }
const fields = (v: Partial<Record<VitalKey, number | string>>, profile: 'umum' | 'kia' | 'any' = 'umum') => checkVitals(v, profile, { required: true }).map((i) => i.field)

describe('vital-sign rules', () => {
  it('accepts normal adult values, and a newborn at KIA', () => {
    expect(checkVitals(adult, 'umum', { required: true })).toEqual([])
    expect(checkVitals(adult, 'kia', { required: true })).toEqual([])
    expect(checkVitals(baby, 'kia', { required: true })).toEqual([])
  })

  it("refuses the issue's values: suhu 98.6 (°F), 45.5 and 25; 120/130", () => {
    for (const suhu of ['98.6', '45.5', '25', '33.9', '42.1']) expect(fields({ ...adult, suhu })).toEqual(['suhu'])
    for (const suhu of ['34', '42', '36,5', '36.5']) expect(fields({ ...adult, suhu })).toEqual([])
    expect(checkVitals({ ...adult, sistole: 120, diastole: 130 }, 'umum')).toEqual([{ field: 'diastole', key: 'v.vital.sistoleDiastole' }])
    expect(fields({ ...adult, sistole: 120, diastole: 120 })).toEqual(['diastole'])
  })

  it('reads a weight with a comma or a point and one decimal; refuses two decimals and text', () => {
    expect(parseVital('3,2')).toBe(3.2)
    expect(parseVital(' 60.5 ')).toBe(60.5)
    expect(parseVital('')).toBeUndefined()
    for (const bad of ['60,5,1', '1e3', 'abc', '-3', '3.2kg']) expect(parseVital(bad)).toBeNaN()
    expect(fields({ ...adult, beratBadan: '60,5' })).toEqual([])
    expect(fields({ ...adult, beratBadan: 60.55 })).toEqual(['beratBadan'])
    expect(fields({ ...adult, beratBadan: 'enam puluh' })).toEqual(['beratBadan'])
    // Whole numbers only where PCare and the clinic count whole units.
    expect(fields({ ...adult, sistole: 120.5 })).toEqual(['sistole'])
    expect(fields({ ...adult, heartRate: '84,5' })).toEqual(['heartRate'])
  })

  it('fits the poli: a newborn is refused at poli umum, accepted at KIA; adult bounds stay at KIA for mothers', () => {
    expect(fields(baby, 'umum')).toEqual(['beratBadan', 'tinggiBadan'])
    expect(fields({ ...baby, beratBadan: 1.5 }, 'umum')).toContain('beratBadan')
    expect(fields({ ...baby, heartRate: 210 }, 'kia')).toEqual([])
    expect(fields({ ...baby, heartRate: 210 }, 'umum')).toContain('heartRate')
    expect(fields({ ...adult, sistole: 170, diastole: 110, beratBadan: 82.4 }, 'kia')).toEqual([])
    expect(vitalProfile('003')).toBe('kia')
    expect(vitalProfile('020')).toBe('kia')
    expect(vitalProfile('001', 'UMUM')).toBe('umum')
    expect(vitalProfile('X01', 'Poli MTBS')).toBe('kia')
    // 'any' is the widest: whatever a poli accepts, the contract accepts.
    for (const k of VITAL_KEYS) {
      expect(VITAL_RANGES.any[k].min).toBe(Math.min(VITAL_RANGES.umum[k].min, VITAL_RANGES.kia[k].min))
      expect(VITAL_RANGES.any[k].max).toBe(Math.max(VITAL_RANGES.umum[k].max, VITAL_RANGES.kia[k].max))
    }
  })

  it('reports missing values only when required, each with its own field and range', () => {
    expect(checkVitals({ suhu: '37' }, 'umum')).toEqual([])
    const issues = checkVitals({}, 'kia', { required: true })
    expect(issues.map((i) => i.field)).toEqual(VITAL_KEYS)
    expect(issues.find((i) => i.field === 'beratBadan')).toEqual({ field: 'beratBadan', key: 'v.vital.beratBadan', params: { min: 1, max: 200 } })
  })

  it('says what is wrong in plain Indonesian and English, naming the field', () => {
    const [i] = checkVitals({ ...adult, suhu: '98.6' }, 'umum')
    expect(formatServerMessage('id', i.key, i.params)).toBe('Suhu: isi 34–42 °C, paling banyak satu desimal (mis. 36,5).')
    expect(formatServerMessage('en', i.key, i.params)).toBe('Temperature: enter 34–42 °C, at most one decimal (e.g. 36.5).')
    for (const k of VITAL_KEYS) {
      const text = formatServerMessage('id', `v.vital.${k}`, { min: 1, max: 2 })
      expect(text).not.toMatch(/[{}]/)
      expect(text).toContain('1–2')
    }
  })

  it('gives PCare the forms it takes: kilograms with one decimal as weighed, and suhu with a point', () => {
    expect(pcareBeratBadan(3.2)).toBe(3.2)
    expect(pcareBeratBadan(parseVital('3,2')!)).toBe(3.2)
    expect(pcareBeratBadan(60.5)).toBe(60.5)
    expect(pcareBeratBadan(1.25)).toBe(1.3)
    expect(pcareBeratBadan(55)).toBe(55)
    expect(pcareBeratBadan(0)).toBe(0)
    expect(pcareSuhu('36,5')).toBe('36.5')
    expect(pcareSuhu('37')).toBe('37.0')
  })

  it('imports nothing, so the page may load it as a value (eslint allows contract/vitals for that reason)', () => {
    expect(readFileSync(new URL('./vitals.ts', import.meta.url), 'utf8')).not.toMatch(/^\s*import\s/m)
  })
})
