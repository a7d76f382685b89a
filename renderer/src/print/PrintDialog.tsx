import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import type { Input, Output } from '../../../electron/contract'
import { useCall } from '../hooks'
import { useI18n } from '../i18n'
import { pageRule, type Paper, type PrintKind } from './paper'
import { rememberPaper, rememberedPaper } from './remember'
import './print.css'

/**
 * What a preview prints for `noRawat`, read from SQLite each time a preview opens, so what arrived since (PCare's
 * noUrut, a noKunjungan) is on the sheet; `error` in the page's language when it cannot be read.
 */
export function usePrintData<C extends 'print.slip' | 'print.rujukan'>(channel: C, noRawat: string): { data: Output<C> | null; error: string | null } {
  // Both channels take { noRawat }; TypeScript cannot see that through the generic channel.
  const r = useCall(channel, { noRawat } as Input<C>)
  return { data: r.value ?? null, error: r.error?.message ?? null }
}

/**
 * A print preview over the page: the sheet exactly as it will print, the paper choice (remembered per kind) and
 * Cetak, which opens the OS print dialog (`window.print()`; Electron shows the system dialog, a browser its own).
 * Rendered into <body> beside the app, so the print stylesheet can hide the app and keep only the sheet.
 * Keyboard: focus starts on Cetak (Enter prints), Ctrl+P prints, Esc closes, Tab stays inside; focus returns to
 * where it was. The page size comes from a constructed stylesheet (the CSP allows no inline <style>).
 */
export function PrintDialog({
  kind,
  title,
  ready,
  error,
  onClose,
  children,
}: {
  kind: PrintKind
  title: string
  /** The data is there: printing is allowed. */
  ready: boolean
  /** Why the data could not be read, in the page's language. */
  error: string | null
  onClose: () => void
  children: (paper: Paper) => ReactNode
}) {
  const { t } = useI18n()
  const [paper, setPaper] = useState<Paper>(() => rememberedPaper(kind))
  const [heightPx, setHeightPx] = useState(0)
  const dialogRef = useRef<HTMLDivElement>(null)
  const sheetRef = useRef<HTMLDivElement>(null)
  const printButton = useRef<HTMLButtonElement>(null)
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  // Modal: the app behind is inert (no focus, no clicks, hidden from screen readers) while the preview is open;
  // focus moves into the dialog and back to the opener when it closes.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const app = document.getElementById('root')
    app?.setAttribute('inert', '')
    return () => {
      app?.removeAttribute('inert')
      opener?.focus()
    }
  }, [])
  useEffect(() => {
    if (ready) printButton.current?.focus()
    else dialogRef.current?.focus()
  }, [ready])

  // The thermal page is as long as the slip: measure the sheet at its printed width.
  useLayoutEffect(() => {
    const sheet = sheetRef.current
    if (!sheet) return
    const measure = () => setHeightPx(sheet.getBoundingClientRect().height)
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(sheet)
    return () => observer.disconnect()
  }, [paper])
  useEffect(() => {
    const sheet = new CSSStyleSheet()
    sheet.replaceSync(pageRule(paper, heightPx))
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet)
    }
  }, [paper, heightPx])

  // window.print() returns once the OS dialog is closed (printed or cancelled); the preview closes then, and Ctrl+P
  // opens it again.
  const print = () => {
    if (!ready) return
    window.print()
    closeRef.current()
  }
  const printNow = useRef(print)
  printNow.current = print

  // Ctrl+P prints this sheet rather than the whole page; Esc closes. Captured before the page's own shortcuts.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'p') {
        e.preventDefault()
        e.stopPropagation()
        printNow.current()
      } else if (e.key === 'Escape') {
        e.preventDefault()
        e.stopPropagation()
        closeRef.current()
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [])

  // Tab and Shift+Tab cycle through the dialog's controls only.
  const trapTab = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Tab') return
    const items = Array.from(dialogRef.current?.querySelectorAll<HTMLElement>('input:not([disabled]), button:not([disabled])') ?? [])
    if (items.length === 0) return
    const first = items[0]
    const last = items[items.length - 1]
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  const choose = (p: Paper) => {
    setPaper(p)
    rememberPaper(kind, p)
  }

  return createPortal(
    <div className="print-layer">
      <div ref={dialogRef} className="print-dialog" role="dialog" aria-modal="true" aria-labelledby="print-title" tabIndex={-1} onKeyDown={trapTab}>
        <div className="print-controls card">
          <h2 id="print-title">{title}</h2>
          <fieldset className="radios">
            <legend>{t('print.paper')}</legend>
            {(['thermal80', 'a5'] as const).map((p) => (
              <label key={p} className="radio">
                <input type="radio" name="print-paper" value={p} checked={paper === p} onChange={() => choose(p)} /> {t(`print.paper.${p}`)}
              </label>
            ))}
          </fieldset>
          {error && (
            <p role="alert" className="alert">
              {error}
            </p>
          )}
          {!ready && !error && <p className="muted">{t('app.loading')}</p>}
          <div className="form-actions">
            <button ref={printButton} type="button" disabled={!ready} aria-keyshortcuts="Control+P" onClick={print}>
              {t('print.print')} <kbd>Ctrl+P</kbd>
            </button>
            <button type="button" className="secondary" aria-keyshortcuts="Escape" onClick={onClose}>
              {t('print.close')} <kbd>Esc</kbd>
            </button>
          </div>
        </div>
        <div ref={sheetRef} className={`print-sheet paper-${paper}`} role="document" aria-label={t('print.preview')} data-testid="print-sheet" data-paper={paper}>
          {ready && children(paper)}
        </div>
      </div>
    </div>,
    document.body,
  )
}
