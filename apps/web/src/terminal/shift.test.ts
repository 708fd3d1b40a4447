import type { CardState, TerminalEvent } from "@tessera/protocol";
import type { TapResult } from "@tessera/terminal-engine";
import { describe, expect, it } from "vitest";
import { emptyShift, shiftReportCsv, tallyTap } from "./shift.ts";

function done(op: "debit" | "topup" | "payout", amount: number, balanceBefore: number): TapResult {
  return {
    kind: "done",
    op,
    amount,
    cardId: "0a1b2c3d4e5f6071",
    balanceBefore,
    state: { balance: 0 } as CardState,
    event: {} as TerminalEvent,
  };
}

describe("the end-of-shift tally", () => {
  it("adds up operations, cash for top-ups and pay-outs, refusals by reason and uncertain taps", () => {
    let shift = emptyShift(0);
    shift = tallyTap(shift, "debit", done("debit", 350, 1000));
    shift = tallyTap(shift, "debit", done("debit", 150, 650));
    shift = tallyTap(shift, "topup", done("topup", 2000, 500));
    // A pay-out's request names no amount; the whole balance before it left the card.
    shift = tallyTap(shift, "payout", done("payout", 0, 2500));
    shift = tallyTap(shift, "debit", { kind: "refused", code: "insufficient_balance", detail: "" });
    shift = tallyTap(shift, "debit", { kind: "refused", code: "insufficient_balance", detail: "" });
    shift = tallyTap(shift, "debit", { kind: "refused", code: "card_blocked", detail: "" });
    shift = tallyTap(shift, "debit", {
      kind: "uncertain",
      op: "debit",
      amount: 100,
      cardId: "0a1b2c3d4e5f6071",
      event: {} as TerminalEvent,
      detail: "",
    });
    expect(shift.totals).toEqual({
      debit: { count: 2, amount: 500 },
      topup: { count: 1, amount: 2000 },
      payout: { count: 1, amount: 2500 },
    });
    expect(shift.cashIn).toBe(2000);
    expect(shift.cashOut).toBe(2500);
    expect(shift.refused).toEqual({ insufficient_balance: 2, card_blocked: 1 });
    expect(shift.uncertain).toBe(1);
  });

  it("exports a CSV a spreadsheet cannot be tricked into running", () => {
    const csv = shiftReportCsv({
      ...tallyTap(emptyShift(Date.UTC(2026, 0, 1)), "topup", done("topup", 2000, 0)),
      closedAt: Date.UTC(2026, 0, 1, 8),
      terminalId: '=HYPERLINK("http://evil")',
      terminalName: "Till",
      currency: "EUR",
      eventsWaiting: 3,
    });
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("section,key,count,amount_minor");
    expect(lines).toContain("operation,topup,1,2000");
    expect(lines).toContain("cash,taken_for_topups,,2000");
    expect(lines).toContain("outbox,events_waiting,3,");
    expect(lines[1]).toBe(`terminal,"'=HYPERLINK(""http://evil"")",,`);
  });
});
