import { useEffect, useState, type ReactNode } from 'react'
import type { PrintSlip } from '../../../electron/contract'
import { QrCode } from '../components/QrCode'
import { useI18n } from '../i18n'
import { clock } from '../time'
import { longDate } from './format'
import { PrintDialog, usePrintData } from './PrintDialog'
import type { Paper } from './paper'

/**
 * Slip printing for a page: `open(noRawat)` shows the preview (render `dialog` somewhere on the page). Ctrl+P opens
 * it too: for the today-list row that has focus (an element inside `[data-no-rawat]`), else for `current` (the visit
 * just registered). Without either, Ctrl+P is left to the browser.
 */
export function useSlipPrint(current: string | null): { open: (noRawat: string) => void; dialog: ReactNode } {
  const [noRawat, setNoRawat] = useState<string | null>(null)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'p') return
      const row = document.activeElement instanceof HTMLElement ? document.activeElement.closest<HTMLElement>('[data-no-rawat]') : null
      const target = row?.dataset.noRawat ?? current
      if (!target) return
      e.preventDefault()
      setNoRawat(target)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [current])
  return { open: setNoRawat, dialog: noRawat && <SlipPrint key={noRawat} noRawat={noRawat} onClose={() => setNoRawat(null)} /> }
}

/** The registration slip of `noRawat` in a print preview; the data is read from SQLite when the dialog opens. */
function SlipPrint({ noRawat, onClose }: { noRawat: string; onClose: () => void }) {
  const { t } = useI18n()
  const { data, error } = usePrintData('print.slip', noRawat)
  return (
    <PrintDialog kind="slip" title={t('print.slipTitle', { noRawat })} ready={data !== null} error={error} onClose={onClose}>
      {(paper) => data && <Slip data={data} paper={paper} />}
    </PrintDialog>
  )
}

/** A button that opens the slip preview; `shortcut` marks the one Ctrl+P also reaches (the visit just registered). */
export function SlipButton({ noRawat, onOpen, shortcut }: { noRawat: string; onOpen: (noRawat: string) => void; shortcut?: boolean }) {
  const { t } = useI18n()
  return shortcut ? (
    <button type="button" className="secondary" aria-keyshortcuts="Control+P" onClick={() => onOpen(noRawat)}>
      {t('print.slipButton')} <kbd>Ctrl+P</kbd>
    </button>
  ) : (
    <button type="button" className="link" aria-label={t('print.slipFor', { noRawat })} aria-keyshortcuts="Control+P" onClick={() => onOpen(noRawat)}>
      {t('print.slipButton')}
    </button>
  )
}

/**
 * What the patient takes home: the faskes, the day and time, the poli and this workstation's queue number for it,
 * PCare's noUrut (or that it is still awaited), the name and the masked card number, and the no. rawat (the visit's
 * key here) as a QR code a barcode scanner reads without typing.
 */
function Slip({ data, paper }: { data: PrintSlip; paper: Paper }) {
  const { t, locale } = useI18n()
  const noUrut = data.noUrut ?? (data.penjamin === 'umum' ? t('slip.noUrutUmum') : t('slip.noUrutWaiting'))
  return (
    <article className="slip" aria-label={t('slip.heading')}>
      <header className="print-head">
        <p className="print-faskes">{data.faskes.name}</p>
        {data.faskes.kdPPK && <p>{t('print.kdPPK', { kdPPK: data.faskes.kdPPK })}</p>}
      </header>
      <h3 className="print-title">{t('slip.heading')}</h3>
      <p className="slip-when">
        {longDate(locale, data.tglDaftar, true)} · {clock(locale, data.registeredAt)}
      </p>
      <p className="slip-poli">{data.nmPoli ?? data.kdPoli}</p>
      <p className="slip-queue-label">{t('slip.queue')}</p>
      <p className="slip-queue" data-testid="slip-queue">
        {String(data.queueNumber).padStart(3, '0')}
      </p>
      <table className="print-facts">
        <tbody>
          <tr>
            <th scope="row">{t('slip.noUrut')}</th>
            <td data-testid="slip-no-urut">{noUrut}</td>
          </tr>
          <tr>
            <th scope="row">{t('slip.nama')}</th>
            <td>{data.nama ?? '—'}</td>
          </tr>
          <tr>
            <th scope="row">{t('slip.noKartu')}</th>
            <td>{data.noKartuMasked}</td>
          </tr>
          {data.nmDokter && (
            <tr>
              <th scope="row">{t('slip.dokter')}</th>
              <td>{data.nmDokter}</td>
            </tr>
          )}
          <tr>
            <th scope="row">{t('slip.penjamin')}</th>
            <td>{t(`slip.penjamin.${data.penjamin}`)}</td>
          </tr>
        </tbody>
      </table>
      <div className="slip-qr">
        <QrCode text={data.noRawat} label={t('slip.qr', { noRawat: data.noRawat })} sizeMm={paper === 'a5' ? 36 : 30} testId="slip-qr" />
        <p>
          {t('slip.noRawat')} {data.noRawat}
        </p>
      </div>
      <p className="print-foot">{t('slip.keep')}</p>
    </article>
  )
}
