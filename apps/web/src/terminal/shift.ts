/**
 * The end-of-shift report of one terminal: what this kiosk did since the shift opened — totals by operation,
 * cash taken for top-ups (and paid out), taps refused by reason — kept in localStorage until the operator
 * closes the shift. The engine's outbox stays the record of truth for money; this is the operator's tally.
 */
import type { Operation } from "@tessera/protocol";
import type { TapResult } from "@tessera/terminal-engine";

export const SHIFT_STORAGE_KEY = "tessera.terminal.shift.v1";

export interface OperationTotal {
  count: number;
  /** Minor units moved by these operations. */
  amount: number;
}

export interface Shift {
  /** Epoch milliseconds. */
  openedAt: number;
  totals: Partial<Record<Operation, OperationTotal>>;
  /** Cash the operator took for top-ups, and paid out for pay-outs, in minor units. */
  cashIn: number;
  cashOut: number;
  /** Taps that could not be confirmed (the card was pulled away mid-write). */
  uncertain: number;
  refused: Record<string, number>;
}

export interface ShiftReport extends Shift {
  closedAt: number;
  terminalId: string | null;
  terminalName: string | null;
  currency: string | null;
  /** Events still on this terminal, not yet acknowledged by the server. */
  eventsWaiting: number;
}

export function emptyShift(now: number): Shift {
  return { openedAt: now, totals: {}, cashIn: 0, cashOut: 0, uncertain: 0, refused: {} };
}

/** Adds one tap's outcome to the shift; pure, so the tally is testable without a browser. */
export function tallyTap(shift: Shift, op: Operation, result: TapResult): Shift {
  if (result.kind === "refused") {
    return { ...shift, refused: { ...shift.refused, [result.code]: (shift.refused[result.code] ?? 0) + 1 } };
  }
  if (result.kind === "uncertain") return { ...shift, uncertain: shift.uncertain + 1 };
  // A pay-out moves the whole balance, which the event (not the request) knows.
  const amount = result.op === "payout" ? (result.balanceBefore ?? result.amount) : result.amount;
  const total = shift.totals[op] ?? { count: 0, amount: 0 };
  return {
    ...shift,
    totals: { ...shift.totals, [op]: { count: total.count + 1, amount: total.amount + amount } },
    cashIn: shift.cashIn + (op === "topup" ? amount : 0),
    cashOut: shift.cashOut + (op === "payout" ? amount : 0),
  };
}

function csvCell(value: string | number): string {
  const text = String(value);
  // Spreadsheet formula injection: a cell starting with = + - @ is run, not shown.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One row per figure, so the file reads the same in any spreadsheet and is easy to sum across terminals. */
export function shiftReportCsv(report: ShiftReport): string {
  const rows: (string | number)[][] = [["section", "key", "count", "amount_minor"]];
  rows.push(["terminal", report.terminalId ?? "", "", ""]);
  rows.push(["opened_at", new Date(report.openedAt).toISOString(), "", ""]);
  rows.push(["closed_at", new Date(report.closedAt).toISOString(), "", ""]);
  rows.push(["currency", report.currency ?? "", "", ""]);
  for (const [op, total] of Object.entries(report.totals))
    rows.push(["operation", op, total.count, total.amount]);
  rows.push(["cash", "taken_for_topups", "", report.cashIn]);
  rows.push(["cash", "paid_out", "", report.cashOut]);
  rows.push(["uncertain", "taps", report.uncertain, ""]);
  for (const [code, count] of Object.entries(report.refused)) rows.push(["refused", code, count, ""]);
  rows.push(["outbox", "events_waiting", report.eventsWaiting, ""]);
  return `${rows.map((row) => row.map(csvCell).join(",")).join("\n")}\n`;
}

export function loadShift(now: number): Shift {
  try {
    const raw = localStorage.getItem(SHIFT_STORAGE_KEY);
    if (raw) return JSON.parse(raw) as Shift;
  } catch {
    // An unreadable tally starts a new shift; the events themselves are in the engine's outbox.
  }
  return emptyShift(now);
}

export function saveShift(shift: Shift): void {
  localStorage.setItem(SHIFT_STORAGE_KEY, JSON.stringify(shift));
}
