import {
  MAX_FLEET_TERMINALS_LISTED,
  TERMINAL_CAPABILITIES,
  type TerminalCapabilities,
} from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { type DirectoryTerminal, fleetReadiness, type LatestReport } from "./readiness.ts";

const NOW = 1_800_000_000;
const WEEK = 7 * 86_400;

const next: TerminalCapabilities = {
  layouts: { read: [1, 2], write: [1, 2] },
  keyUses: ["dual", "grant", "certificate"],
};
const current: TerminalCapabilities = { layouts: { read: [1], write: [1] }, keyUses: ["dual"] };

function terminal(n: number, status = "active"): DirectoryTerminal {
  return {
    terminalId: `trm_${n}`,
    terminalNumber: n,
    name: `Till ${n}`,
    role: "pos",
    locationId: "hall",
    status,
  };
}

function report(n: number, capabilities: unknown, receivedAt = NOW - 60): LatestReport {
  return { terminalId: `trm_${n}`, receivedAt, softwareVersion: `build-${n}`, capabilities };
}

const ids = (group: { terminals: { terminalId: string }[] }) => group.terminals.map((t) => t.terminalId);

describe("fleet readiness", () => {
  it("counts each active terminal once per capability: ready, behind or unknown", () => {
    const readiness = fleetReadiness({
      terminals: [terminal(1), terminal(2), terminal(3), terminal(4), terminal(5)],
      reports: [
        report(1, next),
        report(2, current),
        // Software from before capabilities were reported: behind on everything.
        report(3, undefined),
        // Reported the new build, but eight days ago.
        report(4, next, NOW - 8 * 86_400),
        // trm_5 never reported.
      ],
      capabilities: ["reads_layout:2", "writes_layout:2", "reads_layout:1"],
      now: NOW,
      staleAfterSeconds: WEEK,
    });
    expect(readiness.activeTerminals).toBe(5);
    expect(readiness.ready).toBe(false);
    const [reads2, writes2, reads1] = readiness.capabilities;
    expect(reads2).toMatchObject({ capability: "reads_layout:2", ready: 1 });
    expect(ids(reads2!.behind)).toEqual(["trm_2", "trm_3"]);
    expect(ids(reads2!.unknown)).toEqual(["trm_4", "trm_5"]);
    expect(writes2?.ready).toBe(1);
    expect(reads1).toMatchObject({ ready: 2, behind: { count: 1 }, unknown: { count: 2 } });
    expect(ids(reads1!.behind)).toEqual(["trm_3"]);
    for (const entry of readiness.capabilities)
      expect(entry.ready + entry.behind.count + entry.unknown.count).toBe(5);
  });

  it("leaves out suspended and revoked terminals, whatever they reported", () => {
    const readiness = fleetReadiness({
      terminals: [terminal(1), terminal(2, "suspended"), terminal(3, "revoked")],
      reports: [report(1, next), report(2, current), report(3, undefined)],
      capabilities: ["split_keys"],
      now: NOW,
      staleAfterSeconds: WEEK,
    });
    expect(readiness).toMatchObject({ activeTerminals: 1, ready: true });
    expect(readiness.capabilities[0]).toMatchObject({
      ready: 1,
      behind: { count: 0 },
      unknown: { count: 0 },
    });
  });

  it("judges split keys by the kinds of key id a terminal verifies with", () => {
    const readiness = fleetReadiness({
      terminals: [terminal(1), terminal(2), terminal(3)],
      reports: [
        report(1, TERMINAL_CAPABILITIES),
        report(2, current),
        report(3, { layouts: { read: [1], write: [1] }, keyUses: ["grant"] }),
      ],
      capabilities: ["split_keys"],
      now: NOW,
      staleAfterSeconds: WEEK,
    });
    expect(readiness.capabilities[0]?.ready).toBe(1);
    expect(ids(readiness.capabilities[0]!.behind)).toEqual(["trm_2", "trm_3"]);
  });

  it("describes who is not ready with their latest software and report time, in number order", () => {
    const readiness = fleetReadiness({
      terminals: [terminal(9), terminal(4)],
      reports: [report(9, current, NOW - 120)],
      capabilities: ["split_keys"],
      now: NOW,
      staleAfterSeconds: WEEK,
    });
    expect(readiness.capabilities[0]?.behind.terminals).toEqual([
      {
        terminalId: "trm_9",
        terminalNumber: 9,
        name: "Till 9",
        role: "pos",
        locationId: "hall",
        softwareVersion: "build-9",
        lastReportAt: NOW - 120,
      },
    ]);
    expect(readiness.capabilities[0]?.unknown.terminals).toEqual([
      expect.objectContaining({ terminalId: "trm_4", softwareVersion: null, lastReportAt: null }),
    ]);
  });

  it("treats capabilities that do not parse as none", () => {
    const readiness = fleetReadiness({
      terminals: [terminal(1)],
      reports: [report(1, { layouts: "all of them", keyUses: ["grant", "certificate"] })],
      capabilities: ["split_keys"],
      now: NOW,
      staleAfterSeconds: WEEK,
    });
    expect(readiness.capabilities[0]?.behind.count).toBe(1);
  });

  it("names at most a hundred terminals per group but counts them all", () => {
    const terminals = Array.from({ length: 250 }, (_, i) => terminal(i + 1));
    const readiness = fleetReadiness({
      terminals,
      reports: [],
      capabilities: ["reads_layout:2"],
      now: NOW,
      staleAfterSeconds: WEEK,
    });
    expect(readiness.capabilities[0]?.unknown.count).toBe(250);
    expect(readiness.capabilities[0]?.unknown.terminals).toHaveLength(MAX_FLEET_TERMINALS_LISTED);
  });

  it("is ready when there is no active terminal to strand, and asks each capability once", () => {
    const readiness = fleetReadiness({
      terminals: [terminal(1, "revoked")],
      reports: [],
      capabilities: ["split_keys", "split_keys"],
      now: NOW,
      staleAfterSeconds: WEEK,
    });
    expect(readiness).toMatchObject({ activeTerminals: 0, ready: true });
    expect(readiness.capabilities).toHaveLength(1);
  });
});
