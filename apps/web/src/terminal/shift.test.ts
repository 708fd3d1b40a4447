import { describe, expect, it } from "vitest";
import { useMemoryLocalStorage } from "../testing/memory-local-storage.ts";
import { LEGACY_SHIFT_STORAGE_KEY, shiftReportCsv, takeLegacyShift } from "./shift.ts";

const tally = {
  id: "shift-1",
  openedAt: Date.UTC(2026, 0, 1),
  totals: { topup: { count: 1, amount: 2000 }, debit: { count: 2, amount: 500 } },
  cashIn: 2000,
  cashOut: 0,
  uncertain: 1,
  refused: { insufficient_balance: 2 },
};

describe("the end-of-shift report", () => {
  it("exports a CSV a spreadsheet cannot be tricked into running", () => {
    const csv = shiftReportCsv({
      ...tally,
      closedAt: Date.UTC(2026, 0, 1, 8),
      terminalId: '=HYPERLINK("http://evil")',
      terminalName: "Till",
      currency: "EUR",
      eventsWaiting: 3,
    });
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("section,key,count,amount_minor");
    expect(lines).toContain("operation,topup,1,2000");
    expect(lines).toContain("operation,debit,2,500");
    expect(lines).toContain("cash,taken_for_topups,,2000");
    expect(lines).toContain("uncertain,taps,1,");
    expect(lines).toContain("refused,insufficient_balance,2,");
    expect(lines).toContain("outbox,events_waiting,3,");
    expect(lines[1]).toBe(`terminal,"'=HYPERLINK(""http://evil"")",,`);
  });
});

describe("the tally an earlier version kept in localStorage", () => {
  useMemoryLocalStorage();

  it("is read back for the engine to take over", () => {
    const storage = localStorage;
    const { id: _engineNamesIt, ...legacy } = tally;
    storage.setItem(LEGACY_SHIFT_STORAGE_KEY, JSON.stringify(legacy));
    expect(takeLegacyShift(storage)).toEqual(legacy);
  });

  it("is nothing when absent, unreadable or not a tally", () => {
    const storage = localStorage;
    expect(takeLegacyShift(storage)).toBeNull();
    storage.setItem(LEGACY_SHIFT_STORAGE_KEY, "{not json");
    expect(takeLegacyShift(storage)).toBeNull();
    storage.setItem(LEGACY_SHIFT_STORAGE_KEY, JSON.stringify({ ...tally, cashIn: -5 }));
    expect(takeLegacyShift(storage)).toBeNull();
    storage.setItem(
      LEGACY_SHIFT_STORAGE_KEY,
      JSON.stringify({ ...tally, totals: { debit: { count: "2" } } }),
    );
    expect(takeLegacyShift(storage)).toBeNull();
  });
});
