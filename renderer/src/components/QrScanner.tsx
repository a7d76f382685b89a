import type { Html5Qrcode } from 'html5-qrcode'
import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../i18n'
import { CARD_SCAN_FORMATS } from './cardScan'

const READER_ID = 'qr-reader'

/**
 * The webcam view: starts the camera when shown, hands over the first decoded text and stops.
 * It looks for the card's QR code and for the card number printed as a linear barcode (CARD_SCAN_FORMATS); the text
 * goes through the same parsing as typed or USB-scanned input (scannedId, classifyId) in the page that shows this.
 */
export function QrScanner({ onDecoded, onClose }: { onDecoded: (text: string) => void; onClose: () => void }) {
  const { t } = useI18n()
  const [error, setError] = useState<string | null>(null)
  const onDecodedRef = useRef(onDecoded)
  onDecodedRef.current = onDecoded
  useEffect(() => {
    let done = false
    let scanner: Html5Qrcode | null = null
    // The decoder is most of the bundle and only the camera needs it: load it when the camera opens.
    const started = import('html5-qrcode')
      .then(({ Html5Qrcode, Html5QrcodeSupportedFormats }) => {
        if (done) return
        const formatsToSupport = CARD_SCAN_FORMATS.map((f) => Html5QrcodeSupportedFormats[f])
        scanner = new Html5Qrcode(READER_ID, { formatsToSupport, verbose: false })
        return scanner.start(
          { facingMode: 'environment' },
          // A wide box: a linear barcode of 13 digits is about 120 modules wide and needs about 2 px per module,
          // more than the old 250 px square gave it; a QR code still fits in its height.
          { fps: 10, qrbox: (w, h) => ({ width: Math.max(50, Math.round(w * 0.9)), height: Math.max(50, Math.round(h * 0.7)) }) },
          (text) => {
            if (done) return
            done = true
            performance.mark('faskes:qr-decoded')
            onDecodedRef.current(text.trim())
          },
          () => {},
        )
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
    return () => {
      done = true
      void started.then(() => (scanner?.isScanning ? scanner.stop() : undefined)).catch(() => {})
    }
  }, [])
  return (
    <div className="qr-panel" role="region" aria-label={t('pendaftaran.scanTitle')}>
      <div id={READER_ID} className="qr-reader" />
      {error && (
        <p role="alert" className="alert">
          {t('pendaftaran.cameraError', { message: error })}
        </p>
      )}
      <button type="button" className="secondary" onClick={onClose}>
        {t('pendaftaran.scanClose')}
      </button>
    </div>
  )
}
