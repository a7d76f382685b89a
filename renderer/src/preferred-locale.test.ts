import { describe, expect, it } from 'vitest'
import { readPreferredLocale, setPreferredLocale } from './preferred-locale'

/** A page storage held in a Map, as window.localStorage behaves for these two calls. */
function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial))
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m }
}

/** A locked-down profile: every access throws, as Chromium's localStorage does when storage is blocked. */
const refused = {
  getItem: (): string | null => {
    throw new DOMException('denied', 'SecurityError')
  },
  setItem: (): void => {
    throw new DOMException('denied', 'SecurityError')
  },
}

describe('the language before sign-in on this PC', () => {
  it('is what was last recorded, in either language', () => {
    const s = memoryStorage()
    expect(readPreferredLocale(s)).toBeNull()
    setPreferredLocale('en', s)
    expect(readPreferredLocale(s)).toBe('en')
    setPreferredLocale('id', s)
    expect(readPreferredLocale(s)).toBe('id')
  })

  it('ignores a stored value that is not one of the locales (left by another version or typed by hand)', () => {
    expect(readPreferredLocale(memoryStorage({ 'faskes.locale': 'fr' }))).toBeNull()
    expect(readPreferredLocale(memoryStorage({ 'faskes.locale': '' }))).toBeNull()
  })

  it('falls back to core’s locale (null) when storage is refused, and a choice then does not throw', () => {
    expect(readPreferredLocale(refused)).toBeNull()
    expect(() => setPreferredLocale('en', refused)).not.toThrow()
    expect(readPreferredLocale(null)).toBeNull()
  })
})
