/** The two papers a faskes prints on: an 80 mm thermal roll (the counter's receipt printer) and A5 sheets. */
export type Paper = 'thermal80' | 'a5'
export type PrintKind = 'slip' | 'rujukan'

/** A slip fits a receipt printer; a letter to a hospital is a sheet. The counter may choose otherwise. */
export const DEFAULT_PAPER: Record<PrintKind, Paper> = { slip: 'thermal80', rujukan: 'a5' }

/** Millimetres per CSS pixel (CSS fixes 96 px to the inch). */
const MM_PER_PX = 25.4 / 96

/**
 * The @page rule for a paper. A5 is a fixed sheet with its margins; a thermal roll is cut where the content ends,
 * so its page is as long as the measured sheet (`contentHeightPx`, at the printed 80 mm width) plus slack for rounding,
 * which keeps the slip on one page instead of spilling a few millimetres onto a second.
 */
export function pageRule(paper: Paper, contentHeightPx: number): string {
  if (paper === 'a5') return '@page { size: A5 portrait; margin: 10mm 12mm; }'
  const heightMm = Math.max(40, Math.ceil(contentHeightPx * MM_PER_PX) + 4)
  return `@page { size: 80mm ${heightMm}mm; margin: 0; }`
}
