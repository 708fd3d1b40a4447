import { describe, expect, it } from "vitest";
import { LOCALES, type MessageKey, translate } from "../i18n/index.ts";
import { restoreFigures, restoreWarnings } from "./restore-check.ts";

const EUR = { code: "EUR", minorUnit: 2 };
const ledger = {
  balance: 3_200,
  counter: 2,
  chain: "ab".repeat(16),
  status: "active",
  complete: true,
  unconfirmed: null,
};

describe("what a station says before a restore", () => {
  const words = (locale: (typeof LOCALES)[number]) => ({
    t: (key: MessageKey) => translate(locale, key),
    currency: EUR,
    locale,
  });

  it("says nothing for a complete ledger whose newest write was confirmed", () => {
    expect(restoreWarnings(ledger, words("en"))).toEqual([]);
  });

  it("warns of events still on their way, then of a write the restore leaves out, with its figures", () => {
    const unconfirmed = { eventId: "evt_1", op: "debit" as const, amount: 450, balanceAfter: 2_750 };
    const warnings = restoreWarnings({ ...ledger, complete: false, unconfirmed }, words("en"));
    expect(warnings.map((w) => w.key)).toEqual([
      "terminal.station.restoreIncomplete",
      "terminal.station.restoreUnconfirmed",
    ]);
    expect(translate("en", warnings[1]!.key, warnings[1]!.params)).toBe(
      "The card's last write (Payment, €4.50) was never confirmed, so the restore leaves it out and writes €32.00; a supervisor settles it with the cardholder. Press Restore again to go ahead.",
    );
    for (const locale of LOCALES) {
      const [warning] = restoreWarnings({ ...ledger, unconfirmed }, words(locale));
      expect(translate(locale, warning!.key, warning!.params), locale).not.toMatch(/\{\w+\}/);
    }
  });

  it("lets a second press go ahead only while the ledger's figures stay the same", () => {
    const first = restoreFigures("0a1b2c3d4e5f6071", ledger);
    expect(restoreFigures("0a1b2c3d4e5f6071", { ...ledger })).toBe(first);
    expect(restoreFigures("0a1b2c3d4e5f6071", { ...ledger, counter: 3 })).not.toBe(first);
    expect(restoreFigures("0a1b2c3d4e5f6072", ledger)).not.toBe(first);
  });
});
