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
  /** Field paths the person has edited since the refusal: their server message no longer describes the value. */
  edited: ReadonlySet<string>
  /** Called by a Field when its control changes. */
  markEdited: (name: string) => void
}

const ErrorScope = createContext<Scope | null>(null)
const EMPTY: ReadonlySet<string> = new Set()

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
  // A new refusal (or a new send) starts with nothing edited.
  const [edited, setEdited] = useState<{ error: ApiError | null; names: ReadonlySet<string> }>({ error: null, names: new Set() })
  const current = error ?? null
  const names = edited.error === current ? edited.names : EMPTY
  const markEdited = useCallback(
    (name: string) =>
      setEdited((old) => {
        const base = old.error === current ? old.names : EMPTY
        return base.has(name) && old.error === current ? old : { error: current, names: new Set(base).add(name) }
      }),
    [current],
  )
  const value = useMemo(() => ({ error: current, fields, register, edited: names, markEdited }), [current, fields, register, names, markEdited])
  return <ErrorScope.Provider value={value}>{children}</ErrorScope.Provider>
}

/**
 * For `Field`: the server's message for `name` in the enclosing scope, and whether a scope (hence a summary that
 * announces the refusal) exists. Registers the field for the summary's links while mounted.
 */
export function useScopedField(
  name: string | undefined,
  id: string,
  label: string,
): { message: string | undefined; scoped: boolean; markEdited: () => void } {
  const scope = useContext(ErrorScope)
  const register = scope?.register
  const mark = scope?.markEdited
  useEffect(() => (register && name ? register(name, { id, label }) : undefined), [register, name, id, label])
  const markEdited = useCallback(() => {
    if (mark && name) mark(name)
  }, [mark, name])
  return { message: name ? scope?.error?.fieldMessage(name) : undefined, scoped: scope !== null, markEdited }
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
  // A field the person has corrected since the refusal leaves the summary, as its own error line did; when every
  // named field was corrected the summary goes too (the next submit tells again if something is still wrong).
  const open = error.fields.filter((f) => !scope.edited.has(f.field))
  if (error.fields.length > 0 && open.length === 0) return null
  const shown = open.filter((f) => scope.fields.has(f.field))
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
