// Typed reads of the Workers' public APIs the console pages share, and the fleet status derived from them.
import type { ConsoleApi } from "./api.ts";

export type TerminalRole = "pos" | "gate" | "station";

export interface Terminal {
  terminalId: string;
  terminalNumber: number;
  name: string;
  role: TerminalRole;
  locationId: string;
  status: "active" | "suspended" | "revoked";
  softwareVersion: string | null;
  enrolledAt: string;
  statusChangedAt: string;
  revokedAt: string | null;
  lastGrantAt: string | null;
  grantSeq: number;
}

export interface TerminalReport {
  terminalId: string;
  at: number;
  softwareVersion: string;
  online: boolean;
  outboxDepth: number;
  oldestPendingAt?: number;
  grantExpiresAt?: number;
  policyVersion?: number;
  denyListVersion?: number;
  counters?: { tapsApproved: number; tapsRefused: number; uncertain: number };
  errors: { at: number; code: string; message: string }[];
}

export interface StoredReport {
  reportId: number;
  terminalId: string;
  receivedAt: number;
  report: TerminalReport;
}

export interface Flag {
  flagId: string;
  kind: string;
  state: "open" | "resolved" | "withdrawn";
  cardId: string | null;
  eventIds: string[];
  terminalIds: string[];
  counter: number | null;
  amount: number | null;
  detail: string;
  raisedAt: number;
  updatedAt: number;
  resolution: { at: number; by: string; note: string } | null;
  deniedAt: number | null;
}

export interface ActivityStats {
  bucket: "hour" | "day";
  from: number;
  to: number;
  openingFloat: number;
  rows: { at: number; terminalId: string; op: string; events: number; value: number }[];
}

export async function listAllTerminals(api: ConsoleApi, signal?: AbortSignal): Promise<Terminal[]> {
  const terminals: Terminal[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await api.get<{ terminals: Terminal[]; next: number | null }>(
      "grants",
      "/terminals",
      { after, limit: 500 },
      signal,
    );
    terminals.push(...page.terminals);
    if (page.next === null) return terminals;
    after = page.next;
  }
}

export async function latestReports(api: ConsoleApi, signal?: AbortSignal): Promise<StoredReport[]> {
  return (await api.get<{ reports: StoredReport[] }>("reconciliation", "/reports/latest", undefined, signal))
    .reports;
}

export type LiveStatus = "online" | "offline" | "stale" | "silent";

/** A terminal that has not reported for this long is "stale": its last word may no longer hold. */
export const STALE_AFTER_SECONDS = 15 * 60;

/** What a terminal's newest report says about it now. "silent": it never reported. */
export function liveStatus(report: StoredReport | undefined, now: number): LiveStatus {
  if (!report) return "silent";
  if (now - report.receivedAt > STALE_AFTER_SECONDS) return "stale";
  return report.report.online ? "online" : "offline";
}

/** Balance changes by operation, as the card and the ledger apply them (sign of the float's move). */
export const FLOAT_SIGN: Readonly<Record<string, number>> = {
  topup: 1,
  refund: 1,
  debit: -1,
  payout: -1,
  checkin: -1,
  checkout: -1,
};

/** Bucket starts from `from` to `to` (exclusive), `size` seconds apart. */
export function bucketStarts(from: number, to: number, size: number): number[] {
  const starts: number[] = [];
  for (let at = from; at < to; at += size) starts.push(at);
  return starts;
}

/**
 * Sums activity rows into one series per group (role, terminal, location…) over the buckets: `pick` says
 * which group a row belongs to (or undefined to skip it) and what it contributes.
 */
export function seriesBy(
  stats: ActivityStats,
  size: number,
  pick: (row: ActivityStats["rows"][number]) => { group: string; amount: number } | undefined,
): Map<string, number[]> {
  const starts = bucketStarts(stats.from, stats.to, size);
  const index = new Map(starts.map((at, i) => [at, i]));
  const series = new Map<string, number[]>();
  for (const row of stats.rows) {
    const picked = pick(row);
    const i = index.get(row.at);
    if (!picked || i === undefined) continue;
    let values = series.get(picked.group);
    if (!values) {
      values = new Array<number>(starts.length).fill(0);
      series.set(picked.group, values);
    }
    values[i] = (values[i] ?? 0) + picked.amount;
  }
  return series;
}

/** The float after each bucket: the opening float plus every booked value move up to that bucket's end. */
export function floatSeries(stats: ActivityStats, size: number): number[] {
  const moves = seriesBy(stats, size, (row) => ({
    group: "float",
    amount: row.value * (FLOAT_SIGN[row.op] ?? 0),
  }));
  const deltas =
    moves.get("float") ?? new Array<number>(bucketStarts(stats.from, stats.to, size).length).fill(0);
  let running = stats.openingFloat;
  return deltas.map((delta) => {
    running += delta;
    return running;
  });
}

/** Why a card goes on the deny list (the grants Worker's reasons a person may pick). */
export const DENY_REASONS = ["lost", "stolen", "fraud", "tamper", "expired", "admin", "flag"] as const;
export type DenyReason = (typeof DENY_REASONS)[number];
