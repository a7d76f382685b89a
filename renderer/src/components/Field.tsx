import { useEffect, useRef, useState, type ReactNode } from 'react'

/**
 * A labelled control with its own error line, so a server field error lands next to the input it names.
 * A server error describes the value that was sent: it goes away as soon as the person edits the control, and comes
 * back only if the next submit of the form is refused again. `live` errors are computed from the current value
 * (client-side checks) and are shown as given.
 */
export function Field({ id, label, error, hint, children, wide, live }: { id: string; label: string; error?: string; hint?: string; children: ReactNode; wide?: boolean; live?: boolean }) {
  const ref = useRef<HTMLDivElement>(null)
  const [edited, setEdited] = useState(false)
  useEffect(() => setEdited(false), [error])
  useEffect(() => {
    const form = ref.current?.closest('form')
    if (!form) return
    const reset = () => setEdited(false)
    form.addEventListener('submit', reset)
    return () => form.removeEventListener('submit', reset)
  }, [])
  const shown = error && (live || !edited) ? error : undefined
  const cls = ['field', shown ? 'has-error' : '', wide ? 'wide' : ''].filter(Boolean).join(' ')
  return (
    <div ref={ref} className={cls} onChange={() => setEdited(true)}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {shown && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {shown}
        </p>
      )}
    </div>
  )
}

// Lists and notes import `when` from here; the formatting itself lives in time.ts, the one time helper.
export { when } from '../time'
