import { describe, expect, it } from "vitest";
import { createLocaleStore, LOCALE_STORAGE_KEY } from "./locale-store.ts";

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe("language choice", () => {
  it("starts in English when the browser prefers a language we do not have", () => {
    expect(createLocaleStore({ languages: ["de-DE", "fr"] }).getLocale()).toBe("en");
  });

  it("follows an Indonesian browser until the reader picks a language", () => {
    expect(createLocaleStore({ languages: ["id-ID", "en-US"] }).getLocale()).toBe("id");
    // Older Android builds report Indonesian with the withdrawn code "in".
    expect(createLocaleStore({ languages: ["in-ID"] }).getLocale()).toBe("id");
  });

  it("remembers the reader's pick over the browser language on the next visit", () => {
    const storage = memoryStorage();
    createLocaleStore({ storage, languages: ["en-US"] }).setLocale("id");
    expect(storage.items.get(LOCALE_STORAGE_KEY)).toBe("id");
    expect(createLocaleStore({ storage, languages: ["en-US"] }).getLocale()).toBe("id");
  });

  it("ignores a stored value that is not a supported language", () => {
    const storage = memoryStorage({ [LOCALE_STORAGE_KEY]: "klingon" });
    expect(createLocaleStore({ storage }).getLocale()).toBe("en");
  });

  it("still switches language when the browser forbids storage", () => {
    const blocked = {
      getItem: () => {
        throw new DOMException("denied", "SecurityError");
      },
      setItem: () => {
        throw new DOMException("denied", "SecurityError");
      },
    };
    const store = createLocaleStore({ storage: blocked });
    store.setLocale("id");
    expect(store.getLocale()).toBe("id");
  });

  it("tells subscribers about a switch, and about one made in another tab", () => {
    const storage = memoryStorage();
    const events = new EventTarget();
    const store = createLocaleStore({ storage, events });
    const seen: string[] = [];
    const unsubscribe = store.subscribe(() => seen.push(store.getLocale()));

    store.setLocale("id");
    storage.setItem(LOCALE_STORAGE_KEY, "en");
    const storageEvent = Object.assign(new Event("storage"), { key: LOCALE_STORAGE_KEY });
    events.dispatchEvent(storageEvent);
    unsubscribe();
    store.setLocale("id");

    expect(seen).toEqual(["id", "en"]);
  });
});
