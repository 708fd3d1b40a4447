/** How each operation moves value on a card, as the ledger recomputes it (never as the terminal says). */
import type { Operation } from "@tessera/protocol";

/**
 * The balance a state must hold after `op` moved `amount` from a state holding `before`; undefined when the
 * operation cannot follow a state at all (an issue always starts from the genesis head).
 */
export function expectedBalanceAfter(op: Operation, before: number, amount: number): number | undefined {
  switch (op) {
    case "topup":
    case "refund":
      return before + amount;
    case "debit":
    case "payout":
    case "checkin":
    case "checkout":
      return before - amount;
    case "block":
      return amount === 0 ? before : undefined;
    case "reissue":
      // A restore carries the reconciled balance of the state it restores from; it moves no value.
      return before;
    case "issue":
      return undefined;
  }
}

/** Value spent by the cardholder, which the per-card daily and weekly limits count. Payouts are not spending. */
export function spentBy(op: Operation, amount: number): number {
  return op === "debit" || op === "checkin" || op === "checkout" ? amount : 0;
}

const DAY = 86_400;

/** UTC day number of an epoch-seconds instant. */
export function utcDay(at: number): number {
  return Math.floor(at / DAY);
}

/** ISO week number (weeks start on Monday, UTC): epoch day 0 was a Thursday. */
export function utcWeek(at: number): number {
  return Math.floor((utcDay(at) + 3) / 7);
}

export function isoDate(day: number): string {
  return new Date(day * DAY * 1000).toISOString().slice(0, 10);
}
