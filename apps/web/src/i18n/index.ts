// The app's i18n layer: every visible string is looked up here by a typed key.
export { type I18n, I18nProvider, useI18n, useT } from "./I18nProvider.tsx";
export { createLocaleStore, LOCALE_STORAGE_KEY, type LocaleStore } from "./locale-store.ts";
export {
  CATALOGS,
  DEFAULT_LOCALE,
  isLocale,
  LOCALES,
  type Locale,
  type MessageKey,
  type MessageParams,
  matchLocale,
  translate,
} from "./locales.ts";
