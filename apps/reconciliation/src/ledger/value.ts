/** How each operation moves value on a card, as the ledger recomputes it (never as the terminal says). */
import { balanceAfterOperation, ONLINE_ONLY_OPERATIONS, type Operation } from "@tessera/protocol";

/**
 * The balance a state must hold after `op` moved `amount` from a state holding `before` (protocol's rule); a
 * restore carries the reconciled balance of the state it restores from, so here it moves no value.
 */
export function expectedBalanceAfter(op: Operation, before: number, amount: number): number | undefined {
  return op === "reissue" ? before : balanceAfterOperation(op, before, amount);
}

/** Value spent by the cardholder, which the per-card daily and weekly limits count. Payouts are not spending. */
export function spentBy(op: Operation, amount: number): number {
  return op === "debit" || op === "checkin" || op === "checkout" ? amount : 0;
}

/**
 * Whether a write counts against a grant's offline limits: every write but the online-only ones, as the
 * terminal's own check counts them (`applyOperation`).
 */
export function countsOffline(op: Operation): boolean {
  return !ONLINE_ONLY_OPERATIONS.includes(op);
}

/** Value a write moves as the offline limits count it: issues and blocks move none, online-only ones are exempt. */
export function offlineValue(op: Operation, amount: number): number {
  return !countsOffline(op) || op === "issue" || op === "block" ? 0 : amount;
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
