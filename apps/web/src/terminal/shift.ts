/**
 * The end-of-shift report as the operator sees and exports it: the engine's tally of this terminal's shift
 * (kept by the engine with the events it counts, so a crash cannot leave a tap out of it) with the terminal,
 * the currency and the events still waiting to upload, and the CSV a spreadsheet reads. Earlier versions of
 * the app kept the tally in localStorage; `takeLegacyShift` hands it to the engine once.
 */
import type { ShiftTally } from "@tessera/terminal-engine";

/** Where the app kept the tally before the engine did. */
export const LEGACY_SHIFT_STORAGE_KEY = "tessera.terminal.shift.v1";

export interface ShiftReport extends ShiftTally {
  /** Epoch milliseconds. */
  closedAt: number;
  terminalId: string | null;
  terminalName: string | null;
  currency: string | null;
  /** Events still on this terminal, not yet acknowledged by the server. */
  eventsWaiting: number;
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

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * The tally an earlier version left in localStorage, if there is one that reads as a tally; the caller
 * offers it to the engine (which takes it only while its own shift has counted nothing) and then drops it.
 */
export function takeLegacyShift(storage: Storage | undefined): Omit<ShiftTally, "id"> | null {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(LEGACY_SHIFT_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Omit<ShiftTally, "id">>;
    const totals = Object.values(value.totals ?? {});
    const refused = Object.values(value.refused ?? {});
    if (
      !isCount(value.openedAt) ||
      !isCount(value.cashIn) ||
      !isCount(value.cashOut) ||
      !isCount(value.uncertain) ||
      !totals.every((total) => isCount(total?.count) && isCount(total?.amount)) ||
      !refused.every(isCount)
    )
      return null;
    return {
      openedAt: value.openedAt,
      totals: value.totals ?? {},
      cashIn: value.cashIn,
      cashOut: value.cashOut,
      uncertain: value.uncertain,
      refused: value.refused ?? {},
    };
  } catch {
    // An unreadable tally is dropped; the events themselves are in the engine's outbox.
    return null;
  }
}
