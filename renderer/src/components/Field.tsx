import type { ReactNode } from 'react'

/** A labelled control with its own error line, so a server field error lands next to the input it names. */
export function Field({ id, label, error, hint, children, wide }: { id: string; label: string; error?: string; hint?: string; children: ReactNode; wide?: boolean }) {
  const cls = ['field', error ? 'has-error' : '', wide ? 'wide' : ''].filter(Boolean).join(' ')
  return (
    <div className={cls}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

/** Local time as HH:MM (today) or a full date, in the page's locale. */
export function when(locale: string, at: number): string {
  const d = new Date(at)
  return new Date().toDateString() === d.toDateString() ? d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString(locale)
}
