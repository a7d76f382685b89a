import type { SelectHTMLAttributes } from 'react'

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'children'>

/**
 * A code chosen from one reference list (kdPoli, kdDokter, kdSadar, kdStatusPulang, spesialis…): the `<select>`
 * whose option values are the codes and whose texts are the names.
 *
 * - `options` null means the list is still loading (`aria-busy`); an empty array means it is loaded and empty.
 * - `empty`: the text of a leading "" option (none, all, choose…).
 * - `unavailable`: the text of the single "" option shown instead of `empty` while there is no option at all
 *   (loading or empty), so the select says why it cannot be used.
 * - `missing`: when given and `value` is a code the list lacks (set earlier, or by another list), that code stays
 *   selectable under the text `missing(value)` instead of the select silently showing another entry.
 *
 * Any other select attribute (id, disabled, aria-*, which a `Field` passes in) goes to the `<select>`.
 */
export function CodeSelect<T>({
  options,
  code,
  text,
  value,
  onChange,
  empty,
  unavailable,
  missing,
  ...rest
}: SelectProps & {
  options: readonly T[] | null
  code: (o: T) => string
  text: (o: T) => string
  value: string
  onChange: (code: string) => void
  empty?: string
  unavailable?: string
  missing?: (code: string) => string
}) {
  const list = options ?? []
  const none = list.length === 0 && unavailable !== undefined ? unavailable : empty
  const lacking = missing && value !== '' && !list.some((o) => code(o) === value) ? value : null
  return (
    <select {...rest} value={value} aria-busy={options === null || undefined} onChange={(e) => onChange(e.target.value)}>
      {none !== undefined && <option value="">{none}</option>}
      {lacking !== null && missing && <option value={lacking}>{missing(lacking)}</option>}
      {list.map((o) => (
        <option key={code(o)} value={code(o)}>
          {text(o)}
        </option>
      ))}
    </select>
  )
}
