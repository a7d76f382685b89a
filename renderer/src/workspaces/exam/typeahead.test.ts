import { describe, expect, it } from 'vitest'
import { typeaheadView } from './typeahead'

const hipertensi = ['I10']
const ispa = ['J06.9']
const failure = new Error('core down')

describe('typeaheadView', () => {
  it.each([
    // [case, query typed, debounced query asked, useCall state, spent answer, expected view]
    ['a one-letter query shows nothing, even with hits kept', 'h', 'hi', { value: hipertensi, error: undefined, loading: false }, undefined, { hits: [], answered: false, failed: false }],
    ['nothing asked yet', 'hi', '', { value: undefined, error: undefined, loading: false }, undefined, { hits: [], answered: false, failed: false }],
    ['the answer to the query typed', 'hipertensi', 'hipertensi', { value: hipertensi, error: undefined, loading: false }, undefined, { hits: hipertensi, answered: true, failed: false }],
    ['an empty answer to the query typed (not found)', 'qwxzq', 'qwxzq', { value: [], error: undefined, loading: false }, undefined, { hits: [], answered: true, failed: false }],
    ["the previous query's hits stay while typing on", 'hipertensi', 'hiper', { value: hipertensi, error: undefined, loading: false }, undefined, { hits: hipertensi, answered: false, failed: false }],
    ["the previous query's hits stay while the next is asked", 'ispa', 'ispa', { value: hipertensi, error: undefined, loading: true }, undefined, { hits: hipertensi, answered: false, failed: false }],
    ['after a pick, the old list is not offered for a new query', 'ispa', 'hipertensi', { value: hipertensi, error: undefined, loading: false }, hipertensi, { hits: [], answered: false, failed: false }],
    ['after a pick, nor while the new query is asked', 'ispa', 'ispa', { value: hipertensi, error: undefined, loading: true }, hipertensi, { hits: [], answered: false, failed: false }],
    ["after a pick, the new query's answer is offered", 'ispa', 'ispa', { value: ispa, error: undefined, loading: false }, hipertensi, { hits: ispa, answered: true, failed: false }],
    ['after a pick, the same query typed again is offered its answer', 'hipertensi', 'hipertensi', { value: hipertensi, error: undefined, loading: false }, hipertensi, { hits: hipertensi, answered: true, failed: false }],
    ['a failed search of the query typed shows no hits', 'ispa', 'ispa', { value: hipertensi, error: failure, loading: false }, undefined, { hits: [], answered: true, failed: true }],
  ] as const)('%s', (_case, query, searched, found, spent, expected) => {
    expect(typeaheadView<string>(query, searched, { ...found, value: found.value as string[] | undefined }, spent as string[] | undefined)).toEqual(expected)
  })
})
