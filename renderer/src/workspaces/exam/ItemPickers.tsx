import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import type { ExaminationInput, Output } from '../../../../electron/contract'
import { formatServerMessage } from '../../../../electron/contract/messages'
import { Field } from '../../components/Field'
import { useI18n } from '../../i18n'
import { useTypeahead } from './typeahead'

/**
 * One tindakan line of the form. An empty name means a code typed by hand that the cached PCare list lacks; `withValue`
 * (PCare's flag) asks for the procedure's result value, `hasil`.
 */
export type TindakanLine = { kdTindakan: string; nmTindakan: string; biaya: string; maxTarif: number | null; withValue: boolean; hasil: string }
/** One drug line: the DPHO drug, signa (times a day x amount per time) and the quantity given; name empty as above. */
export type ObatLine = { kdObat: string; nmObat: string; signa1: string; signa2: string; jmlObat: string }

const count = (v: string, fallback: number) => (v.trim() === '' ? fallback : Number(v.trim()))
/**
 * These numbers are whole (rupiah, times, pieces): anything but digits is dropped as typed, so "30.000" (an Indonesian
 * thousands separator) becomes 30000 and a stray letter cannot reach PCare as a wrong number.
 */
export const digits = (v: string) => v.replace(/\D/g, '')

/**
 * The lines as the contract takes them; an empty biaya is 0. An empty hasil is left out, never sent as 0: a result
 * is a finding, and core asks for it at `tindakan.<i>.hasil` where PCare's list marks the tindakan withValue.
 */
export function toTindakanInput(lines: TindakanLine[]): ExaminationInput['tindakan'] {
  return lines.map((x) => ({ kdTindakan: x.kdTindakan, nmTindakan: x.nmTindakan || undefined, biaya: count(x.biaya, 0), hasil: x.withValue && x.hasil.trim() !== '' ? Number(x.hasil) : undefined }))
}
/** The drug lines as the contract takes them; empty numbers fall back to PCare's usual defaults (signa 1x1, 1). */
export function toObatInput(lines: ObatLine[]): ExaminationInput['obat'] {
  return lines.map((o) => ({ kdObat: o.kdObat, nmObat: o.nmObat, signa1: count(o.signa1, 1), signa2: count(o.signa2, 1), jmlObat: count(o.jmlObat, 1) }))
}

/**
 * A drug line's numbers: signa (times a day x amount per time) and the quantity given, with the contract's ranges
 * (ExaminationInput.obat; the page may not import the schema itself). Checked as typed, so a message appears and
 * clears with the value, and the server's identical check never leaves a stale one behind.
 */
const NUMBERS = [
  ['signa1', 'exam.signa1', 1, 10],
  ['signa2', 'exam.signa2', 1, 10],
  ['jmlObat', 'exam.jmlObat', 1, 1000],
] as const

/** The range message for a typed whole number, in the page's language; empty is fine (the default applies). */
function rangeError(locale: 'id' | 'en', v: string, min: number, max: number): string | undefined {
  if (v === '') return undefined
  const n = Number(v)
  if (n < min) return formatServerMessage(locale, 'v.min', { min })
  if (n > max) return formatServerMessage(locale, 'v.max', { max })
  return undefined
}

/** Milliseconds typing must pause before a cached list is searched, so each keystroke does not ask core. */
const SEARCH_DEBOUNCE_MS = 100

/** A PCare code as a clinician may type it when the cached list lacks it: digits and capitals, no spaces. */
const CODE = /^[0-9A-Z]{3,20}$/i

/**
 * A type-ahead over one cached PCare list, like the diagnosis picker: ArrowUp/Down move, Enter picks, Escape closes.
 * When the query is a code the list lacks, the last option takes it as typed (PCare will judge it at send time).
 */
function ItemCombobox<C extends 'reference.tindakan' | 'reference.obat'>({
  id,
  label,
  hint,
  channel,
  keyOf,
  render,
  codeOption,
  onPick,
}: {
  id: string
  label: string
  hint: string
  channel: C
  keyOf: (h: Output<C>[number]) => string
  render: (h: Output<C>[number]) => ReactNode
  codeOption: (code: string) => string
  onPick: (h: Output<C>[number] | { code: string }) => void
}) {
  const { t } = useI18n()
  const { q, setQ, query, hits, answered, active, setActive, clear } = useTypeahead(channel, 8, SEARCH_DEBOUNCE_MS)
  // A failed search offers the code as typed too: the cached list cannot judge it either way.
  const typed = answered && CODE.test(query) && !hits.some((h) => keyOf(h).toUpperCase() === query.toUpperCase()) ? query.toUpperCase() : null
  const options = hits.length + (typed ? 1 : 0)
  const pick = (i: number) => {
    if (i < hits.length) onPick(hits[i])
    else if (typed) onPick({ code: typed })
    else return
    clear()
  }
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => Math.max(0, Math.min(options - 1, a + (e.key === 'ArrowDown' ? 1 : -1))))
    } else if (e.key === 'Enter' && query) {
      // Enter picks the highlighted line; with a search typed it never submits the examination half done.
      e.preventDefault()
      if (options > 0) pick(Math.min(active, options - 1))
    } else if (e.key === 'Escape' && q) {
      e.preventDefault()
      setQ('')
    }
  }
  const listId = `${id}-list`
  const notFound = answered && options === 0
  return (
    <div className="field item-search">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        role="combobox"
        aria-expanded={options > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-describedby={`${id}-hint`}
        aria-activedescendant={options > 0 ? `${id}-opt-${Math.min(active, options - 1)}` : undefined}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={onKey}
        autoComplete="off"
      />
      <p id={`${id}-hint`} className="hint">
        {hint} <kbd>↓</kbd> <kbd>↑</kbd> <kbd>Enter</kbd>
      </p>
      {options > 0 && (
        <ul id={listId} role="listbox" aria-label={label} className="suggestions">
          {hits.map((h, i) => (
            <li key={keyOf(h) + i} id={`${id}-opt-${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined} onMouseDown={(e) => (e.preventDefault(), pick(i))}>
              {render(h)}
            </li>
          ))}
          {typed && (
            <li id={`${id}-opt-${hits.length}`} role="option" aria-selected={active === hits.length} className={active === hits.length ? 'active' : undefined} onMouseDown={(e) => (e.preventDefault(), pick(hits.length))}>
              {codeOption(typed)}
            </li>
          )}
        </ul>
      )}
      {notFound && (
        <p className="hint" role="status">
          {t('items.notFound')}
        </p>
      )}
    </div>
  )
}

/** Focuses the first input of the line just added, so the clinician types its numbers next without the mouse. */
function useFocusNewLine(length: number, prefix: string) {
  const last = useRef(length)
  useEffect(() => {
    if (length > last.current) document.getElementById(`${prefix}-${length - 1}`)?.focus()
    last.current = length
  }, [length, prefix])
}

/** Changes one line of a picked list, or drops it, and hands the new list up. */
function lineEdits<L>(value: L[], onChange: (v: L[]) => void) {
  return {
    set: (i: number, patch: Partial<L>) => onChange(value.map((x, j) => (j === i ? { ...x, ...patch } : x))),
    remove: (i: number) => onChange(value.filter((_, j) => j !== i)),
  }
}

/** One picked line: its name (or that PCare's list does not have it) and code, the line's own fields, a remove button. */
function ItemLine({ testId, name, code, onRemove, children }: { testId: string; name: string; code: string; onRemove: () => void; children: ReactNode }) {
  const { t } = useI18n()
  return (
    <li className="item-line" data-testid={testId}>
      <span className="item-name">
        <strong>{name || t('items.unlisted')}</strong> <span className="muted">{t('items.code', { code })}</span>
      </span>
      {children}
      <button type="button" className="secondary" aria-label={t('items.removeLine', { name: name || code })} onClick={onRemove}>
        {t('exam.remove')}
      </button>
    </li>
  )
}

/** The tindakan lines: picked by name from PCare's cached list; biaya starts at PCare's maxTarif. */
export function TindakanFields({ value, onChange }: { value: TindakanLine[]; onChange: (v: TindakanLine[]) => void }) {
  const { t } = useI18n()
  useFocusNewLine(value.length, 'tdk-biaya')
  const { set, remove } = lineEdits(value, onChange)
  return (
    <fieldset className="wide rows items" data-testid="tindakan-fields">
      <legend>{t('exam.tindakan')}</legend>
      <ItemCombobox
        id="tdk-search"
        label={t('items.tindakanSearch')}
        hint={t('items.tindakanHint')}
        channel="reference.tindakan"
        keyOf={(h) => h.kdTindakan}
        render={(h) => (
          <>
            {h.nmTindakan} <span className="muted">· {h.kdTindakan}{h.maxTarif ? ` · ${t('items.maxTarif', { rp: h.maxTarif.toLocaleString('id-ID') })}` : ''}{h.kdTkp !== '10' ? ` · ${t(`items.tkp${h.kdTkp}`)}` : ''}</span>
          </>
        )}
        codeOption={(code) => t('items.useCode', { code })}
        onPick={(h) =>
          onChange([
            ...value,
            'code' in h
              ? { kdTindakan: h.code, nmTindakan: '', biaya: '0', maxTarif: null, withValue: false, hasil: '' }
              : { kdTindakan: h.kdTindakan, nmTindakan: h.nmTindakan, biaya: String(Math.round(h.maxTarif ?? 0)), maxTarif: h.maxTarif, withValue: h.withValue, hasil: '' },
          ])
        }
      />
      {value.length > 0 && (
        <ol className="item-lines">
          {value.map((x, i) => (
            <ItemLine key={`${x.kdTindakan}-${i}`} testId="tindakan-line" name={x.nmTindakan} code={x.kdTindakan} onRemove={() => remove(i)}>
              <Field id={`tdk-biaya-${i}`} name={`tindakan.${i}.biaya`} label={t('exam.biaya')} hint={x.maxTarif ? t('items.maxTarif', { rp: x.maxTarif.toLocaleString('id-ID') }) : undefined}>
                <input inputMode="numeric" value={x.biaya === '' ? '' : Number(x.biaya).toLocaleString('id-ID')} onChange={(e) => set(i, { biaya: digits(e.target.value) })} />
              </Field>
              {x.withValue && (
                <Field id={`tdk-hasil-${i}`} name={`tindakan.${i}.hasil`} label={t('items.hasil')} className="num">
                  <input inputMode="numeric" value={x.hasil} onChange={(e) => set(i, { hasil: digits(e.target.value) })} />
                </Field>
              )}
            </ItemLine>
          ))}
        </ol>
      )}
    </fieldset>
  )
}

/** The drug lines: picked by name from PCare's cached DPHO list, then signa (times x amount) and quantity. */
export function ObatFields({ value, onChange }: { value: ObatLine[]; onChange: (v: ObatLine[]) => void }) {
  const { t, locale } = useI18n()
  useFocusNewLine(value.length, 'obt-signa1')
  const { set, remove } = lineEdits(value, onChange)
  return (
    <fieldset className="wide rows items" data-testid="obat-fields">
      <legend>{t('exam.obat')}</legend>
      <ItemCombobox
        id="obt-search"
        label={t('items.obatSearch')}
        hint={t('items.obatHint')}
        channel="reference.obat"
        keyOf={(h) => h.kdObat}
        render={(h) => (
          <>
            {h.nmObat} <span className="muted">· {h.kdObat}</span>
          </>
        )}
        codeOption={(code) => t('items.useCode', { code })}
        onPick={(h) =>
          onChange([
            ...value,
            'code' in h
              ? { kdObat: h.code, nmObat: '', signa1: '3', signa2: '1', jmlObat: '10' }
              : { kdObat: h.kdObat, nmObat: h.nmObat, signa1: '3', signa2: '1', jmlObat: '10' },
          ])
        }
      />
      {value.length > 0 && (
        <ol className="item-lines">
          {value.map((o, i) => (
            <ItemLine key={`${o.kdObat}-${i}`} testId="obat-line" name={o.nmObat} code={o.kdObat} onRemove={() => remove(i)}>
              {NUMBERS.map(([k, label, min, max]) => (
                <Field key={k} id={`obt-${k}-${i}`} name={`obat.${i}.${k}`} label={t(label)} error={rangeError(locale, o[k], min, max)} live className="num">
                  <input inputMode="numeric" value={o[k]} onChange={(e) => set(i, { [k]: digits(e.target.value) })} />
                </Field>
              ))}
            </ItemLine>
          ))}
        </ol>
      )}
    </fieldset>
  )
}
