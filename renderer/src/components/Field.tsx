import { cloneElement, isValidElement, useEffect, useRef, useState, type ReactElement, type ReactNode } from 'react'
import { useScopedField } from './FormErrors'

/** The attributes a Field gives its control, so label, hint and error are linked to it. */
export interface ControlProps {
  id: string
  'aria-invalid': boolean
  /** The hint's and the shown error's ids (and the control's own, when it already had some). */
  'aria-describedby': string | undefined
  'aria-errormessage': string | undefined
}

/**
 * A labelled control with its hint and its own error line, so a server field error lands next to the input it names,
 * and a screen reader hears label, hint and error together (`aria-describedby`, `aria-invalid`, `aria-errormessage`).
 *
 * The control is `children`: either one element, which is given the `ControlProps` (its `id` is the Field's `id`),
 * or a function that places them itself (e.g. a checkbox inside its own label).
 *
 * The error is `error`, else, when `name` is given inside a `FormErrorScope`, the server's message for that field
 * path; `name` also makes the scope's `FormErrors` summary link here. A server error describes the value that was
 * sent: it goes away as soon as the person edits the control, and comes back only if the next submit of the form is
 * refused again. `live` errors are computed by the caller from the current value (client-side checks) and are shown
 * as given, with `role="alert"` so they are heard as they appear. A server error is announced by the scope's summary;
 * outside a scope (no summary) the error line announces itself.
 */
export function Field({
  id,
  label,
  name,
  error,
  hint,
  children,
  wide,
  live,
  className,
}: {
  id: string
  label: string
  /** The contract's field path this control edits (`kdPoli`, `rujukan.kdppk`). */
  name?: string
  error?: string
  hint?: string
  children: ReactElement<Partial<ControlProps>> | ((p: ControlProps) => ReactNode)
  wide?: boolean
  live?: boolean
  /** More classes for the wrapper (e.g. `num`, a narrow number field). */
  className?: string
}) {
  const ref = useRef<HTMLDivElement>(null)
  const scoped = useScopedField(name, id, label)
  const message = live ? error : (error ?? scoped.message)
  const [edited, setEdited] = useState(false)
  useEffect(() => setEdited(false), [message])
  useEffect(() => {
    const form = ref.current?.closest('form')
    if (!form) return
    const reset = () => setEdited(false)
    form.addEventListener('submit', reset)
    return () => form.removeEventListener('submit', reset)
  }, [])
  const shown = message && (live || !edited) ? message : undefined
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = shown ? `${id}-error` : undefined
  const control = (own: string | undefined): ControlProps => ({
    id,
    'aria-invalid': Boolean(shown),
    'aria-describedby': [...new Set([...(own?.split(' ') ?? []), hintId, errorId].filter(Boolean))].join(' ') || undefined,
    'aria-errormessage': errorId,
  })
  const cls = ['field', className, shown ? 'has-error' : '', wide ? 'wide' : ''].filter(Boolean).join(' ')
  return (
    <div
      ref={ref}
      className={cls}
      onChange={() => {
        setEdited(true)
        scoped.markEdited()
      }}
    >
      <label htmlFor={id}>{label}</label>
      {typeof children === 'function' ? children(control(undefined)) : isValidElement(children) ? cloneElement(children, control(children.props['aria-describedby'])) : children}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {shown && (
        <p id={errorId} className="field-error" role={live || !scoped.scoped ? 'alert' : undefined}>
          {shown}
        </p>
      )}
    </div>
  )
}

// Lists and notes import `when` from here; the formatting itself lives in time.ts, the one time helper.
export { when } from '../time'
