// React binding of the i18n layer: the current language, a setter and a typed `t(key)`.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useSyncExternalStore } from "react";
import { browserLocaleStore, type LocaleStore } from "./locale-store.ts";
import { DEFAULT_LOCALE, type Locale, type MessageKey, type MessageParams, translate } from "./locales.ts";

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: MessageParams): string;
}

const I18nContext = createContext<I18n | null>(null);

// Prerendered HTML is always in the default language, so hydration must start from it too;
// React then re-renders with the stored choice without a hydration mismatch.
const serverLocale = (): Locale => DEFAULT_LOCALE;

export function I18nProvider({ children, store }: { children: ReactNode; store?: LocaleStore }) {
  const localeStore = store ?? browserLocaleStore();
  const locale = useSyncExternalStore(localeStore.subscribe, localeStore.getLocale, serverLocale);
  const t = useCallback(
    (key: MessageKey, params?: MessageParams) => translate(locale, key, params),
    [locale],
  );
  const value = useMemo<I18n>(
    () => ({ locale, setLocale: localeStore.setLocale, t }),
    [locale, localeStore, t],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error("useI18n must be used inside <I18nProvider>");
  return i18n;
}

/** The translate function for the current language. */
export function useT(): I18n["t"] {
  return useI18n().t;
}
