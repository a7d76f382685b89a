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

// Lists and notes import `when` from here; the formatting itself lives in time.ts, the one time helper.
export { when } from '../time'
