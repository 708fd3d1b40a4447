// Lets the reader pick the app's language; each option is named in its own language.
import { CATALOGS, LOCALES, useI18n } from "../i18n/index.ts";

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <fieldset className="language-switch">
      <legend className="visually-hidden">{t("language.switch")}</legend>
      {LOCALES.map((option) => (
        <button
          key={option}
          type="button"
          lang={option}
          aria-pressed={option === locale}
          onClick={() => setLocale(option)}
        >
          {CATALOGS[option]["language.name"]}
        </button>
      ))}
    </fieldset>
  );
}
