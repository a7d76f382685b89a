import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { asApiError, type ApiError } from '../api'
import { useI18n } from '../i18n'
import { Field } from './Field'
import { FormErrorScope, FormErrors } from './FormErrors'

/**
 * The confirmation of a correction (cancel a registration, delete a kunjungan, save an edited examination): it says
 * what will happen and asks why, because every correction keeps its reason. Modal (a native `<dialog>`: the page
 * behind is inert), keyboard first: focus starts in the reason, Enter confirms, Esc goes back, and focus returns to
 * the opener. `onConfirm` gets the reason as typed; a refusal stays in the dialog, worded by the server's keys.
 */
export function ReasonDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string
  /** What the confirmation does, in the page's language. */
  children: ReactNode
  confirmLabel: string
  onConfirm: (reason: string) => Promise<void>
  onClose: () => void
}) {
  const { t } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useEffect(() => {
    const dialog = ref.current
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialog?.showModal()
    input.current?.focus()
    const cancel = () => closeRef.current()
    dialog?.addEventListener('close', cancel)
    return () => {
      dialog?.removeEventListener('close', cancel)
      if (dialog?.open) dialog.close()
      opener?.focus()
    }
  }, [])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await onConfirm(reason)
      ref.current?.close()
    } catch (err) {
      setError(asApiError(err))
    } finally {
      setBusy(false)
    }
  }

  const tooShort = reason.trim().length < 3
  return (
    <dialog ref={ref} className="card reason-dialog" aria-labelledby="reason-dialog-title" data-testid="reason-dialog">
      <FormErrorScope error={error}>
        <form onSubmit={(e) => void submit(e)}>
          <h2 id="reason-dialog-title">{title}</h2>
          <div className="reason-dialog-body">{children}</div>
          <FormErrors />
          <Field id="correction-reason" label={t('corr.reason')} name="reason" hint={t('corr.reasonHint')} wide>
            <input ref={input} value={reason} maxLength={300} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <div className="actions">
            <button type="submit" className="danger" disabled={busy || tooShort}>
              {confirmLabel}
            </button>
            <button type="button" onClick={() => ref.current?.close()}>
              {t('corr.back')}
            </button>
          </div>
        </form>
      </FormErrorScope>
    </dialog>
  )
}
