import type { Html5Qrcode } from 'html5-qrcode'
import { useEffect, useRef, useState } from 'react'
import { useI18n } from '../i18n'

const READER_ID = 'qr-reader'

/**
 * The webcam view: starts the camera when shown, hands over the first decoded text and stops.
 * Only QR codes are looked for, which keeps decoding fast on a slow workstation.
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
        scanner = new Html5Qrcode(READER_ID, { formatsToSupport: [Html5QrcodeSupportedFormats.QR_CODE], verbose: false })
        return scanner.start(
          { facingMode: 'environment' },
          { fps: 10, qrbox: 250 },
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
