import { describe, expect, it } from "vitest";
import type { ActivityStats, Terminal } from "./data.ts";
import { settlementCsv, settlementRows, stationShifts } from "./finance.ts";

const terminal = (terminalId: string, role: Terminal["role"], locationId: string): Terminal => ({
  terminalId,
  terminalNumber: 1,
  name: terminalId,
  role,
  locationId,
  status: "active",
  softwareVersion: null,
  enrolledAt: "",
  statusChangedAt: "",
  revokedAt: null,
  lastGrantAt: null,
  grantSeq: 0,
});

const DAY = 86_400;
const stats: ActivityStats = {
  bucket: "day",
  from: 0,
  to: 2 * DAY,
  openingFloat: 0,
  rows: [
    { at: 0, terminalId: "st", op: "topup", events: 2, value: 3000 },
    { at: 0, terminalId: "st", op: "payout", events: 1, value: 500 },
    { at: 0, terminalId: "bar", op: "debit", events: 3, value: 900 },
    { at: DAY, terminalId: "bar", op: "refund", events: 1, value: 100 },
  ],
};
const terminals = [terminal("st", "station", "desk"), terminal("bar", "pos", "bar,east")];

describe("finance figures", () => {
  it("splits booked value per day and location into top-ups, spend, refunds and pay-outs", () => {
    expect(settlementRows(stats, terminals)).toEqual([
      { day: "1970-01-01", locationId: "bar,east", topups: 0, spend: 900, refunds: 0, payouts: 0 },
      { day: "1970-01-01", locationId: "desk", topups: 3000, spend: 0, refunds: 0, payouts: 500 },
      { day: "1970-01-02", locationId: "bar,east", topups: 0, spend: 0, refunds: 100, payouts: 0 },
    ]);
  });

  it("expects a station's drawer to hold its top-ups less its pay-outs", () => {
    expect(stationShifts(stats, terminals)).toEqual([
      { day: "1970-01-01", terminalId: "st", name: "st", cashExpected: 2500, topups: 3000, payouts: 500 },
    ]);
  });

  it("writes the settlement as CSV with quoted cells and a net column", () => {
    const csv = settlementCsv(settlementRows(stats, terminals));
    expect(csv.split("\r\n")).toEqual([
      "day,locationId,topups,spend,refunds,payouts,net",
      '1970-01-01,"bar,east",0,900,0,0,-900',
      "1970-01-01,desk,3000,0,0,500,2500",
      '1970-01-02,"bar,east",0,0,100,0,100',
      "",
    ]);
  });
});
