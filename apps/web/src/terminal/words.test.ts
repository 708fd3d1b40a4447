import { CARD_STATUSES, OPERATIONS, REFUSAL_CODES } from "@tessera/protocol";
import { ENGINE_REFUSAL_CODES } from "@tessera/terminal-engine";
import { describe, expect, it } from "vitest";
import { LOCALES, translate } from "../i18n/index.ts";
import { cardStatusKey, doneKey, operationKey, refusalKey, refusalKeyOf } from "./words.ts";

describe("words for every code the terminal can meet", () => {
  it("says each refusal in its own sentence, in every language", () => {
    for (const locale of LOCALES) {
      const sentences = [...REFUSAL_CODES, ...ENGINE_REFUSAL_CODES].map((code) =>
        translate(locale, refusalKey(code)),
      );
      expect(new Set(sentences).size, locale).toBe(sentences.length);
      expect(sentences).not.toContain(translate(locale, "terminal.refusal.other"));
    }
  });

  it("names every operation and its success, and every card status", () => {
    for (const locale of LOCALES) {
      for (const op of OPERATIONS) {
        expect(translate(locale, operationKey(op))).not.toBe("");
        expect(translate(locale, doneKey(op))).not.toBe("");
      }
      for (const status of CARD_STATUSES) expect(translate(locale, cardStatusKey(status))).not.toBe("");
    }
  });

  it("falls back to a general sentence for a code a newer engine might send", () => {
    expect(refusalKeyOf("something_new")).toBe("terminal.refusal.other");
    expect(refusalKeyOf("insufficient_balance")).toBe("terminal.refusal.insufficient_balance");
  });
});
