import { createContext, useContext, useMemo, type ReactNode } from 'react'
import type { AppInfo } from '../../electron/contract'
import { setMessageLocale } from './api'

import { id, type MessageKey } from './locales/id'
import { en } from './locales/en'

export type Locale = AppInfo['locale']

export type { MessageKey }

/** Both tables, for the test that id and en use the same `{params}` per key. */
export const dictionaries: Record<Locale, Record<MessageKey, string>> = { id, en }

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale]
  return (key, params) => {
    const text = dict[key]
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text
  }
}

/** "3 menit yang lalu" / "3 minutes ago", in the chosen locale. */
export function relativeTime(locale: Locale, at: number, now: number): string {
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  const seconds = Math.round((at - now) / 1000)
  const abs = Math.abs(seconds)
  if (abs < 60) return fmt.format(seconds, 'second')
  if (abs < 3600) return fmt.format(Math.round(seconds / 60), 'minute')
  if (abs < 86_400) return fmt.format(Math.round(seconds / 3600), 'hour')
  return fmt.format(Math.round(seconds / 86_400), 'day')
}

interface I18n {
  locale: Locale
  t: Translate
}

const I18nContext = createContext<I18n>({ locale: 'id', t: translator('id') })

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  // Server messages (errors from core) follow the same locale; set before children render.
  setMessageLocale(locale)
  const value = useMemo(() => ({ locale, t: translator(locale) }), [locale])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  return useContext(I18nContext)
}
