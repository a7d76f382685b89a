import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { ApiError } from '../api'

/** What the summary needs to point at one field: its control's id and its visible label. */
interface FieldEntry {
  id: string
  label: string
}

interface Scope {
  error: ApiError | null
  /** The fields shown in the form now, by the contract's field path (`kdPoli`, `rujukan.kdppk`, `vitals.suhu`). */
  fields: ReadonlyMap<string, FieldEntry>
  /** Called by a Field with a `name` while it is mounted; returns the unregister function. */
  register: (name: string, entry: FieldEntry) => () => void
}

const ErrorScope = createContext<Scope | null>(null)

/**
 * The refused submit of one form, shared by its `Field`s (each shows the server's message for its own `name`) and
 * its `FormErrors` summary (which links to those fields and lists the rest as text, so no server message is lost).
 * `error` is the last refusal (null when the form was not refused or is being sent again).
 */
export function FormErrorScope({ error, children }: { error: ApiError | null | undefined; children: ReactNode }) {
  const [fields, setFields] = useState<ReadonlyMap<string, FieldEntry>>(() => new Map())
  const register = useCallback((name: string, entry: FieldEntry) => {
    setFields((old) => {
      const cur = old.get(name)
      return cur && cur.id === entry.id && cur.label === entry.label ? old : new Map(old).set(name, entry)
    })
    return () =>
      setFields((old) => {
        if (old.get(name)?.id !== entry.id) return old
        const next = new Map(old)
        next.delete(name)
        return next
      })
  }, [])
  const value = useMemo(() => ({ error: error ?? null, fields, register }), [error, fields, register])
  return <ErrorScope.Provider value={value}>{children}</ErrorScope.Provider>
}

/**
 * For `Field`: the server's message for `name` in the enclosing scope, and whether a scope (hence a summary that
 * announces the refusal) exists. Registers the field for the summary's links while mounted.
 */
export function useScopedField(name: string | undefined, id: string, label: string): { message: string | undefined; scoped: boolean } {
  const scope = useContext(ErrorScope)
  const register = scope?.register
  useEffect(() => (register && name ? register(name, { id, label }) : undefined), [register, name, id, label])
  return { message: name ? scope?.error?.fieldMessage(name) : undefined, scoped: scope !== null }
}

/**
 * The summary of a refused submit, in one `role="alert"` region so a screen reader announces it once: the server's
 * form-level message (or `summary` instead, when given and the refusal names fields: core's message is then only the
 * generic "invalid input"), one button per named field that moves the keyboard to it (by its label; the message
 * itself stands beside the field), and the messages of fields the form does not show. Renders nothing when the
 * scope holds no error. Buttons rather than `#id` links: the app's router owns the hash.
 */
export function FormErrors({ summary, className = 'alert wide' }: { summary?: string; className?: string }) {
  const scope = useContext(ErrorScope)
  const error = scope?.error
  if (!scope || !error) return null
  const shown = error.fields.filter((f) => scope.fields.has(f.field))
  const other = error.fields.filter((f) => !scope.fields.has(f.field))
  const focus = (id: string) => document.getElementById(id)?.focus()
  return (
    <div role="alert" className={`${className} form-errors`} data-testid="form-errors">
      <p>{error.fields.length > 0 ? (summary ?? error.message) : error.message}</p>
      {shown.length > 0 && (
        <ul>
          {shown.map((f) => {
            const entry = scope.fields.get(f.field)!
            return (
              <li key={f.field}>
                <button type="button" className="link" onClick={() => focus(entry.id)}>
                  {entry.label}
                </button>
              </li>
            )
          })}
        </ul>
      )}
      {other.length > 0 && (
        <ul>
          {other.map((f) => (
            <li key={f.field}>
              {f.field}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
