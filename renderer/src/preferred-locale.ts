import { useSyncExternalStore } from 'react'
import type { Locale } from './i18n'

/** Where the browser storage of this PC keeps the choice (the renderer's origin: the app's window or the shell's page). */
const STORAGE_KEY = 'faskes.locale'

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>
const listeners = new Set<() => void>()

const storage = (): Storage | null => (typeof window === 'undefined' ? null : window.localStorage)

/**
 * The language the screens before sign-in (first run, sign-in) speak on this PC: the last one chosen there with
 * LocaleSwitch, or the one the app last spoke after a sign-in (the faskes setting, Pengaturan), whichever came
 * later. Null when none was recorded yet, or storage is refused (a locked-down profile): then core's auth.me
 * locale holds, as before. Kept in the page's storage, not the database: before the first admin exists nobody may
 * write settings, and a sign-in screen must not need a session to be read in English.
 */
export function readPreferredLocale(from: Storage | null = storage()): Locale | null {
  try {
    const v = from?.getItem(STORAGE_KEY)
    return v === 'id' || v === 'en' ? v : null
  } catch {
    return null
  }
}

/** Records `locale` as this PC's language before sign-in and re-renders every usePreferredLocale(). */
export function setPreferredLocale(locale: Locale, to: Storage | null = storage()): void {
  try {
    if (to?.getItem(STORAGE_KEY) === locale) return
    to?.setItem(STORAGE_KEY, locale)
  } catch {
    // Storage refused: the choice is not kept, and the page stays in core's locale (nothing to re-render).
    return
  }
  for (const l of listeners) l()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}

/** readPreferredLocale() as React state: changes when setPreferredLocale records another language. */
export function usePreferredLocale(): Locale | null {
  return useSyncExternalStore(subscribe, readPreferredLocale)
}
