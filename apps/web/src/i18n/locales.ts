// The languages the app speaks, their catalogs, and message lookup.
import { en, type MessageCatalog, type MessageKey } from "./catalogs/en.ts";
import { id } from "./catalogs/id.ts";

export type { MessageCatalog, MessageKey } from "./catalogs/en.ts";

export const LOCALES = ["en", "id"] as const;

export type Locale = (typeof LOCALES)[number];

/** Prerendered pages are English; the reader's stored or browser language takes over after hydration. */
export const DEFAULT_LOCALE: Locale = "en";

export const CATALOGS: Readonly<Record<Locale, MessageCatalog>> = { en, id };

export type MessageParams = Readonly<Record<string, string | number>>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** Picks the first supported language from a browser preference list such as `navigator.languages`. */
export function matchLocale(preferences: readonly string[]): Locale | undefined {
  for (const tag of preferences) {
    const language = tag.toLowerCase().split("-")[0];
    // "in" is the legacy ISO 639 code some Android builds still report for Indonesian.
    const normalised = language === "in" ? "id" : language;
    if (isLocale(normalised)) return normalised;
  }
  return undefined;
}

/** Fills `{name}` placeholders from `params`; an unknown one stays visible so it gets noticed. */
export function interpolate(message: string, params: MessageParams): string {
  return message.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder,
  );
}

/** Looks up `key` in `locale`'s catalog and fills its placeholders. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const message = CATALOGS[locale][key];
  return params ? interpolate(message, params) : message;
}
