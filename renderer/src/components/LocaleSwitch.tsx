import { useI18n, type Locale } from '../i18n'
import { setPreferredLocale } from '../preferred-locale'

/**
 * The language switch: two native radio buttons (Tab reaches them, arrows switch) that apply at once. By default it is
 * the one of the screens before sign-in (first run, desk instructions, first admin, sign-in): remembered on this PC
 * (preferred-locale.ts), its legend in both languages since it is there for whoever cannot read the one shown, placed
 * after the form so the form's first field keeps the first focus. Signed in, Pengaturan passes its own legend, name,
 * `value` and `onChange` (the faskes setting decides there).
 */
export function LocaleSwitch({
  legend,
  name = 'locale-before-sign-in',
  className = 'locale-choice',
  onChange = setPreferredLocale,
  value,
}: {
  legend?: string
  /** The language shown as chosen (Pengaturan: its own choice, set before the save returns); default the page's. */
  value?: Locale
  name?: string
  className?: string
  onChange?: (locale: Locale) => void
}) {
  const { t, locale: shown } = useI18n()
  const locale = value ?? shown
  return (
    <fieldset className={className}>
      <legend>{legend ?? t('locale.switch')}</legend>
      {(['id', 'en'] as const).map((l) => (
        <label key={l} className="radio" lang={l}>
          <input type="radio" name={name} value={l} checked={locale === l} onChange={() => onChange(l)} /> {t(`locale.${l}`)}
        </label>
      ))}
    </fieldset>
  )
}
