// Keeps the chosen language in localStorage (per browser profile, until changed) and tells
// subscribers when it changes, in this tab or another one.
import { DEFAULT_LOCALE, isLocale, type Locale, matchLocale } from "./locales.ts";

export const LOCALE_STORAGE_KEY = "tessera.locale";

export interface LocaleStore {
  getLocale(): Locale;
  setLocale(locale: Locale): void;
  subscribe(onChange: () => void): () => void;
}

export interface LocaleStoreEnvironment {
  storage?: Pick<Storage, "getItem" | "setItem">;
  /** The browser's language preferences, used until the reader picks one. */
  languages?: readonly string[];
  /** Where cross-tab `storage` events arrive (the window). */
  events?: Pick<EventTarget, "addEventListener" | "removeEventListener">;
}

export function createLocaleStore(environment: LocaleStoreEnvironment = {}): LocaleStore {
  const { storage, languages = [], events } = environment;
  const listeners = new Set<() => void>();

  function readStored(): Locale | undefined {
    try {
      const stored = storage?.getItem(LOCALE_STORAGE_KEY);
      return isLocale(stored) ? stored : undefined;
    } catch {
      // Storage can be disabled by the browser or a kiosk policy; the app must still render.
      return undefined;
    }
  }

  let current: Locale = readStored() ?? matchLocale(languages) ?? DEFAULT_LOCALE;

  function notify(): void {
    for (const listener of listeners) listener();
  }

  function onStorage(event: Event): void {
    if ((event as StorageEvent).key !== LOCALE_STORAGE_KEY) return;
    const next = readStored();
    if (next && next !== current) {
      current = next;
      notify();
    }
  }

  return {
    getLocale: () => current,
    setLocale(locale) {
      if (locale === current) return;
      current = locale;
      try {
        storage?.setItem(LOCALE_STORAGE_KEY, locale);
      } catch {
        // Not persisted, but the switch still applies to this page view.
      }
      notify();
    },
    subscribe(onChange) {
      if (listeners.size === 0) events?.addEventListener("storage", onStorage);
      listeners.add(onChange);
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0) events?.removeEventListener("storage", onStorage);
      };
    },
  };
}

function browserEnvironment(): LocaleStoreEnvironment {
  if (typeof window === "undefined") return {};
  let storage: Storage | undefined;
  try {
    storage = window.localStorage;
  } catch {
    storage = undefined;
  }
  return { storage, languages: navigator.languages, events: window };
}

let browserStore: LocaleStore | undefined;

/** The store for this page; created on first use so prerendering never touches browser globals. */
export function browserLocaleStore(): LocaleStore {
  browserStore ??= createLocaleStore(browserEnvironment());
  return browserStore;
}
