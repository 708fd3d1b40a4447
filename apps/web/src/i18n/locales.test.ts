import { describe, expect, it } from "vitest";
import { CATALOGS, interpolate, LOCALES, type MessageKey, translate } from "./locales.ts";

describe("message catalogs", () => {
  it("has a non-empty message for every key in every language", () => {
    for (const locale of LOCALES) {
      const empty = Object.entries(CATALOGS[locale]).filter(([, message]) => message.trim() === "");
      expect(empty, `empty messages in ${locale}`).toEqual([]);
    }
  });

  it("shows Indonesian readers Indonesian text on the screens they see first", () => {
    const firstSeen: MessageKey[] = [
      "app.tagline",
      "entry.balance.title",
      "terminal.prompt",
      "terminal.lastCard.none",
    ];
    for (const key of firstSeen) expect(translate("id", key)).not.toBe(translate("en", key));
  });

  it("names each language in that language", () => {
    expect(CATALOGS.en["language.name"]).toBe("English");
    expect(CATALOGS.id["language.name"]).toBe("Bahasa Indonesia");
  });
});

describe("interpolate", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(interpolate("{count} events waiting, {missing}", { count: 3 })).toBe(
      "3 events waiting, {missing}",
    );
  });
});
