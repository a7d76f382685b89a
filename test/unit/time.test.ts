import { describe, expect, it } from 'vitest'
import { clock, dateTime, when } from '../../renderer/src/time'

/** Times on the page are 24-hour in both languages (English mode used to show "07:16 PM"). */
describe('time formatting', () => {
  const evening = new Date(2025, 2, 15, 19, 16).getTime()
  const morning = new Date(2025, 2, 15, 7, 5).getTime()

  it('clock is HH:MM, 24-hour, in English and Indonesian', () => {
    expect(clock('en', evening)).toBe('19:16')
    expect(clock('en', morning)).toBe('07:05')
    expect(clock('id', evening)).toMatch(/^19[.:]16$/)
  })

  it('date and time: day first, 24-hour, no AM/PM', () => {
    expect(dateTime('en', evening)).toMatch(/^15\/03\/2025,? 19:16$/)
    expect(dateTime('id', evening)).toMatch(/^15\/03\/2025,? 19[.:]16$/)
  })

  it('when: the clock for today, the date with it otherwise', () => {
    const today = new Date()
    today.setHours(21, 40, 0, 0)
    expect(when('en', today.getTime())).toBe('21:40')
    expect(when('en', evening)).toBe(dateTime('en', evening))
    for (const s of [when('en', today.getTime()), when('en', evening), when('id', evening)]) expect(s).not.toMatch(/AM|PM/i)
  })
})
