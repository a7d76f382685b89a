import { expect, it } from 'vitest'
import { DEFAULT_PAPER, pageRule } from '../../renderer/src/print/paper'

it('A5 is a fixed sheet with margins; an 80 mm roll is as long as the slip plus slack, never shorter than 40 mm', () => {
  expect(pageRule('a5', 5000)).toBe('@page { size: A5 portrait; margin: 10mm 12mm; }')
  // 378 px at 96 px per inch is 100.0 mm; 4 mm slack keeps the last line off a second page.
  expect(pageRule('thermal80', 378)).toBe('@page { size: 80mm 105mm; margin: 0; }')
  expect(pageRule('thermal80', 0)).toBe('@page { size: 80mm 40mm; margin: 0; }')
})

it('until the counter chooses otherwise, a slip goes to the 80 mm roll and a referral letter to A5', () => {
  expect(DEFAULT_PAPER).toEqual({ slip: 'thermal80', rujukan: 'a5' })
})
