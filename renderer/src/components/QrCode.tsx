import { useMemo } from 'react'
import { create } from 'qrcode'

/**
 * A QR code drawn as SVG from the maintained `qrcode` encoder (its module matrix; no canvas, no async step), so it
 * is there on the first render, prints sharp at any size, and a screen reader reads `label`.
 * `sizeMm` is the printed edge length; the quiet zone (4 modules, as the QR spec asks) is inside it.
 */
export function QrCode({ text, label, sizeMm, testId }: { text: string; label: string; sizeMm: number; testId?: string }) {
  const { path, edge } = useMemo(() => {
    const { modules } = create(text, { errorCorrectionLevel: 'M' })
    const quiet = 4
    let d = ''
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) if (modules.get(row, col)) d += `M${col + quiet} ${row + quiet}h1v1h-1z`
    }
    return { path: d, edge: modules.size + 2 * quiet }
  }, [text])
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid={testId}
      viewBox={`0 0 ${edge} ${edge}`}
      width={`${sizeMm}mm`}
      height={`${sizeMm}mm`}
      shapeRendering="crispEdges"
      className="qr-code"
    >
      <rect width={edge} height={edge} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  )
}
