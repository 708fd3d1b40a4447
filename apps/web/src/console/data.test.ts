import { describe, expect, it } from "vitest";
import { type ActivityStats, floatSeries, liveStatus, type StoredReport, seriesBy } from "./data.ts";

const report = (receivedAt: number, online: boolean): StoredReport => ({
  reportId: 1,
  terminalId: "trm_1",
  receivedAt,
  report: { terminalId: "trm_1", at: receivedAt, softwareVersion: "1", online, outboxDepth: 0, errors: [] },
});

const stats: ActivityStats = {
  bucket: "hour",
  from: 0,
  to: 3 * 3600,
  openingFloat: 1000,
  rows: [
    { at: 0, terminalId: "trm_s", op: "topup", events: 1, value: 500 },
    { at: 0, terminalId: "trm_p", op: "debit", events: 2, value: 300 },
    { at: 7200, terminalId: "trm_p", op: "debit", events: 1, value: 100 },
    { at: 7200, terminalId: "trm_s", op: "payout", events: 1, value: 50 },
  ],
};

describe("fleet figures", () => {
  it("calls a terminal online, offline, stale or silent from its newest report", () => {
    expect(liveStatus(undefined, 10_000)).toBe("silent");
    expect(liveStatus(report(10_000, true), 10_060)).toBe("online");
    expect(liveStatus(report(10_000, false), 10_060)).toBe("offline");
    expect(liveStatus(report(10_000, true), 10_000 + 16 * 60)).toBe("stale");
  });

  it("sums rows per group and bucket, leaving empty buckets at zero", () => {
    const taps = seriesBy(stats, 3600, (row) => ({ group: row.terminalId, amount: row.events }));
    expect(taps.get("trm_p")).toEqual([2, 0, 1]);
    expect(taps.get("trm_s")).toEqual([1, 0, 1]);
  });

  it("runs the float from its opening value through top-ups, spending and pay-outs", () => {
    expect(floatSeries(stats, 3600)).toEqual([1200, 1200, 1050]);
  });
});
