import type { KeyboardEvent } from 'react'
import type { Output } from '../../../../electron/contract'
import { useI18n } from '../../i18n'
import { useTypeahead } from './typeahead'

export type Hit = Output<'reference.diagnosa'>[number]

/** Milliseconds typing must pause before the index is searched, so each keystroke does not ask core. */
const SEARCH_DEBOUNCE_MS = 120

/**
 * Type-ahead over the offline ICD-10 index (codes, PCare's English names, and Indonesian clinical and lay terms and
 * abbreviations; the signed-in clinician's own picks first): ArrowUp/Down to move, Enter to add, at most three.
 * Says "Tidak ditemukan" when a search of two or more characters finds nothing.
 */
export function DiagnosisPicker({ value, onChange, error }: { value: Hit[]; onChange: (v: Hit[]) => void; error?: string }) {
  const { t } = useI18n()
  const { q, setQ, query, hits, answered, failed, active, setActive, clear } = useTypeahead('reference.diagnosa', 8, SEARCH_DEBOUNCE_MS)
  // "Not found" is said only for the text that was actually searched, and not when the search failed.
  const notFound = answered && !failed && hits.length === 0
  const add = (h: Hit) => {
    if (value.length >= 3 || value.some((d) => d.kdDiag === h.kdDiag)) return
    onChange([...value, h])
    clear()
  }
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      setActive((a) => Math.max(0, Math.min(hits.length - 1, a + (e.key === 'ArrowDown' ? 1 : -1))))
    } else if (e.key === 'Enter' && (hits[active] || notFound)) {
      // Enter picks the highlighted diagnosis instead of submitting the form (and never submits on "not found").
      e.preventDefault()
      if (hits[active]) add(hits[active])
    } else if (e.key === 'Escape' && q) {
      e.preventDefault()
      setQ('')
    }
  }
  const describedBy = ['ex-diag-hint', notFound ? 'ex-diag-empty' : '', error ? 'ex-diag-error' : ''].filter(Boolean).join(' ')
  return (
    <div className={error ? 'field wide has-error' : 'field wide'}>
      <label htmlFor="ex-diag">{t('exam.diagnoses')}</label>
      <ol className="chips">
        {value.map((d, i) => (
          <li key={d.kdDiag} data-testid="diagnosis">
            <strong>{d.kdDiag}</strong> {d.nmDiag} {i === 0 && <span className="muted">({t('exam.primary')})</span>}
            <button type="button" className="link" aria-label={t('exam.removeDiag', { kd: d.kdDiag })} onClick={() => onChange(value.filter((x) => x.kdDiag !== d.kdDiag))}>
              ×
            </button>
          </li>
        ))}
      </ol>
      <input
        id="ex-diag"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="diag-list"
        aria-autocomplete="list"
        aria-activedescendant={hits[active] ? `diag-${hits[active].kdDiag}` : undefined}
        aria-describedby={describedBy}
        aria-keyshortcuts="ArrowDown ArrowUp Enter Escape"
        aria-invalid={Boolean(error)}
        placeholder={value.length >= 3 ? t('exam.diagFull') : t('exam.diagSearch')}
        disabled={value.length >= 3}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={onKey}
        autoComplete="off"
      />
      <p id="ex-diag-hint" className="hint">
        {t('exam.diagHint')} <kbd>↑</kbd> <kbd>↓</kbd> <kbd>Enter</kbd>
      </p>
      {hits.length > 0 && (
        <ul id="diag-list" role="listbox" className="suggestions" aria-label={t('exam.diagnoses')}>
          {hits.map((h, i) => (
            <li key={h.kdDiag} id={`diag-${h.kdDiag}`} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined} onMouseDown={(e) => (e.preventDefault(), add(h))}>
              <strong>{h.kdDiag}</strong> {h.nmDiag}
              {h.alias && <span className="muted"> · {h.alias}</span>}
              {!h.nonSpesialis && <span className="muted"> · {t('exam.spesialistik')}</span>}
            </li>
          ))}
        </ul>
      )}
      {notFound && (
        <p id="ex-diag-empty" className="empty" role="status" data-testid="diag-not-found">
          {t('exam.diagNotFound', { q: query })}
        </p>
      )}
      {error && (
        <p id="ex-diag-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
