// Finance figures from booked activity: value in and out per day and location, cash a station should hold
// per day, and the daily settlement rows the export writes.
import type { ActivityStats, Terminal } from "./data.ts";

export interface SettlementRow {
  day: string;
  locationId: string;
  topups: number;
  spend: number;
  refunds: number;
  payouts: number;
}

const SPEND = new Set(["debit", "checkin", "checkout"]);

const dayOf = (at: number) => new Date(at * 1000).toISOString().slice(0, 10);

/** One row per UTC day and location with anything booked, sorted by day then location. */
export function settlementRows(stats: ActivityStats, terminals: readonly Terminal[]): SettlementRow[] {
  const locationOf = new Map(terminals.map((t) => [t.terminalId, t.locationId]));
  const rows = new Map<string, SettlementRow>();
  for (const row of stats.rows) {
    const day = dayOf(row.at);
    const locationId = locationOf.get(row.terminalId) ?? "unknown";
    const key = `${day}\u0000${locationId}`;
    let settlement = rows.get(key);
    if (!settlement) {
      settlement = { day, locationId, topups: 0, spend: 0, refunds: 0, payouts: 0 };
      rows.set(key, settlement);
    }
    if (row.op === "topup") settlement.topups += row.value;
    else if (row.op === "refund") settlement.refunds += row.value;
    else if (row.op === "payout") settlement.payouts += row.value;
    else if (SPEND.has(row.op)) settlement.spend += row.value;
  }
  return [...rows.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || a.locationId.localeCompare(b.locationId),
  );
}

export interface StationShift {
  day: string;
  terminalId: string;
  name: string;
  /** Top-ups are paid in cash at the station, pay-outs paid out of it: what the drawer should have gained. */
  cashExpected: number;
  topups: number;
  payouts: number;
}

export function stationShifts(stats: ActivityStats, terminals: readonly Terminal[]): StationShift[] {
  const stations = new Map(terminals.filter((t) => t.role === "station").map((t) => [t.terminalId, t]));
  const shifts = new Map<string, StationShift>();
  for (const row of stats.rows) {
    const station = stations.get(row.terminalId);
    if (!station || (row.op !== "topup" && row.op !== "payout")) continue;
    const day = dayOf(row.at);
    const key = `${day}\u0000${row.terminalId}`;
    let shift = shifts.get(key);
    if (!shift) {
      shift = { day, terminalId: row.terminalId, name: station.name, cashExpected: 0, topups: 0, payouts: 0 };
      shifts.set(key, shift);
    }
    if (row.op === "topup") shift.topups += row.value;
    else shift.payouts += row.value;
    shift.cashExpected = shift.topups - shift.payouts;
  }
  return [...shifts.values()].sort((a, b) => b.day.localeCompare(a.day) || a.name.localeCompare(b.name));
}

/** RFC 4180 CSV of the settlement rows, amounts in minor units so nothing is rounded. */
export function settlementCsv(rows: readonly SettlementRow[]): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = ["day,locationId,topups,spend,refunds,payouts,net"];
  for (const row of rows) {
    const net = row.topups + row.refunds - row.spend - row.payouts;
    lines.push(
      [row.day, quote(row.locationId), row.topups, row.spend, row.refunds, row.payouts, net].join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}
