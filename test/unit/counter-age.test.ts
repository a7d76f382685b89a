import { expect, it } from 'vitest'
import { ageOf, parsePcareDate } from '../../renderer/src/workspaces/counter/age'

it('reads PCare dd-MM-yyyy dates and nothing else', () => {
  expect(parsePcareDate('21-01-1973')?.getFullYear()).toBe(1973)
  expect(parsePcareDate('1973-01-21')).toBeNull()
  expect(parsePcareDate(null)).toBeNull()
})

it('gives years from one year up, months below, days for a newborn', () => {
  const now = new Date(2026, 10, 29)
  expect(ageOf('21-01-1973', now)).toEqual({ n: 53, unit: 'years' })
  expect(ageOf('30-11-1973', now)).toEqual({ n: 52, unit: 'years' })
  expect(ageOf('15-03-2026', now)).toEqual({ n: 8, unit: 'months' })
  expect(ageOf('20-11-2026', now)).toEqual({ n: 9, unit: 'days' })
  expect(ageOf('01-12-2026', now)).toBeNull()
})
