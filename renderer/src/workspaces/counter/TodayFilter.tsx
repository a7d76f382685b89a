import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { Output } from '../../../../electron/contract'
import { CodeSelect } from '../../components/CodeSelect'
import { useI18n } from '../../i18n'
import { filterToday } from './rules'

type Row = Output<'registration.today'>[number]

/** True when a key press belongs to a field the person is typing in (then "/" is a character, not a shortcut). */
const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))

/**
 * Search and poli filter above the counter's "Antrean hari ini". Alt+C focuses the search from anywhere (the card
 * field included, where the counter usually is), "/" does too outside a field; Escape in the search clears it.
 * Neither clashes with Alt+1..4 (workspaces) or F2 (camera). The filtered rows are handed to `children`.
 */
export function TodayFilter({ rows, children }: { rows: Row[] | undefined; children: (rows: Row[] | undefined) => ReactNode }) {
  const { t } = useI18n()
  const [q, setQ] = useState('')
  const [kdPoli, setKdPoli] = useState('')
  const search = useRef<HTMLInputElement>(null)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const slash = e.key === '/' && !e.altKey && !e.ctrlKey && !e.metaKey && !typing(e.target)
      if (slash || (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyC')) {
        e.preventDefault()
        search.current?.focus()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  const polis = useMemo(() => {
    const m = new Map<string, string>()
    for (const r of rows ?? []) m.set(r.kdPoli, r.nmPoli ?? r.kdPoli)
    return [...m].sort((a, b) => a[1].localeCompare(b[1]))
  }, [rows])
  const shown = useMemo(() => (rows ? filterToday(rows, q, kdPoli) : undefined), [rows, q, kdPoli])
  return (
    <>
      <div className="today-filter" role="search">
        <label htmlFor="today-search">
          {t('counter.search')} <kbd>Alt+C</kbd>
        </label>
        <input
          ref={search}
          id="today-search"
          type="search"
          autoComplete="off"
          spellCheck={false}
          aria-keyshortcuts="Alt+C /"
          placeholder={t('counter.searchPlaceholder')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQ('')
          }}
        />
        <label htmlFor="today-poli">{t('counter.filterPoli')}</label>
        <CodeSelect id="today-poli" options={polis} code={([kd]) => kd} text={([, nm]) => nm} value={kdPoli} onChange={setKdPoli} empty={t('counter.allPoli')} />
        {rows && (
          <span className="muted" role="status" data-testid="today-count">
            {t('counter.shown', { n: shown?.length ?? 0, total: rows.length })}
          </span>
        )}
      </div>
      {rows && rows.length > 0 && shown?.length === 0 ? <p className="empty">{t('counter.noMatch')}</p> : children(shown)}
    </>
  )
}
