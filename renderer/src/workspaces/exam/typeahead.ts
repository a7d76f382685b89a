import { useState } from 'react'
import type { Input, Output } from '../../../../electron/contract'
import { useCall, useDebounced } from '../../hooks'

/** The offline reference indexes a type-ahead searches; each takes `{ q, limit }` and answers a list of hits. */
export type SearchChannel = 'reference.diagnosa' | 'reference.tindakan' | 'reference.obat'

/** Characters a query needs before it is searched: one letter matches too much of the index to be useful. */
const MIN_QUERY = 2

/** What a type-ahead shows for the text typed now, given where its search stands (see `typeaheadView`). */
export interface TypeaheadView<H> {
  /** The hits to offer; none for a query under two characters, after a failed search, or from before the last pick. */
  hits: H[]
  /** The query typed now was searched and answered (with hits, none, or a failure): "not found" may be said. */
  answered: boolean
  /** That search failed. */
  failed: boolean
}

/**
 * The pure part of a type-ahead: which hits to offer for `query` (trimmed, as typed now), when the debounced query
 * `searched` was asked and `found` is the `useCall` state (with `keepPrevious`, so a previous query's hits stay
 * while the next is asked instead of blinking). `spent` is the answer whose hit was picked last: it answers the
 * text before the pick, so it is not offered for a new query (a quick Enter would otherwise pick from the old list),
 * unless it answers the very query typed again.
 */
export function typeaheadView<H>(query: string, searched: string, found: { value: H[] | undefined; error: unknown; loading: boolean }, spent: H[] | undefined): TypeaheadView<H> {
  if (query.length < MIN_QUERY) return { hits: [], answered: false, failed: false }
  const answered = searched === query && !found.loading
  const failed = answered && found.error !== undefined
  const stale = found.value === spent && !answered
  return { hits: found.error === undefined && !stale ? (found.value ?? []) : [], answered, failed }
}

/** A type-ahead's state: the text typed, what to offer for it, the highlighted hit. */
export interface Typeahead<H> extends TypeaheadView<H> {
  /** The text as typed. */
  q: string
  setQ: (q: string) => void
  /** `q` trimmed: what is searched. */
  query: string
  /** The highlighted option (an index into the options the component shows); back to 0 with each new answer. */
  active: number
  setActive: (update: (active: number) => number) => void
  /** After a pick: empties the text; the hits shown so far are not offered again for the next query. */
  clear: () => void
}

/**
 * Searches `channel` for the text typed once typing paused `debounceMs` milliseconds, through `useCall` (one call
 * at a time, an answer to an older query dropped), asking at most `limit` hits.
 */
export function useTypeahead<C extends SearchChannel>(channel: C, limit: number, debounceMs: number): Typeahead<Output<C>[number]> {
  type H = Output<C>[number]
  const [q, setQ] = useState('')
  const [active, setActive] = useState(0)
  const [spent, setSpent] = useState<H[] | undefined>(undefined)
  const query = q.trim()
  const searched = useDebounced(query, debounceMs)
  const input = searched.length >= MIN_QUERY ? { q: searched, limit } : null
  // Every SearchChannel takes this same { q, limit }; TypeScript cannot see that through the generic C.
  const found = useCall(channel, input as Input<C> | null, { keepPrevious: true })
  const value: H[] | undefined = found.value
  // Each new answer highlights its first hit (adjusted during render, as React advises for state that follows data).
  const [highlighted, setHighlighted] = useState(value)
  if (highlighted !== value) {
    setHighlighted(value)
    setActive(0)
  }
  const view = typeaheadView(query, searched, { value, error: found.error, loading: found.loading }, spent)
  const clear = () => {
    setSpent(value)
    setQ('')
  }
  return { ...view, q, setQ, query, active, setActive, clear }
}
