import { useI18n } from '../i18n'
import { setPreferredLocale } from '../preferred-locale'

/**
 * The language switch of the screens before sign-in (first run, desk instructions, first admin, sign-in): two
 * native radio buttons (Tab reaches them after the form, arrows switch) that apply at once and are remembered on this
 * PC (preferred-locale.ts). Its legend is in both languages, since it is there for whoever cannot read the one shown.
 * Placed after the form so the form's first field keeps the first focus. Signed in, Pengaturan's switch (the
 * faskes setting) decides instead.
 */
export function LocaleSwitch() {
  const { t, locale } = useI18n()
  return (
    <fieldset className="locale-choice">
      <legend>{t('locale.switch')}</legend>
      {(['id', 'en'] as const).map((l) => (
        <label key={l} className="radio" lang={l}>
          <input type="radio" name="locale-before-sign-in" value={l} checked={locale === l} onChange={() => setPreferredLocale(l)} /> {t(`locale.${l}`)}
        </label>
      ))}
    </fieldset>
  )
}
