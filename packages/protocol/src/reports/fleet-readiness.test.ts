import { describe, expect, it } from "vitest";
import { ProblemDocument } from "../errors/problem.ts";
import type { TerminalCapabilities } from "./capabilities.ts";
import {
  capabilitiesForLayoutChange,
  FLEET_CAPABILITY_LIST_PATTERN,
  FleetCapability,
  type FleetReadiness,
  FleetReadinessRequest,
  fleetNotReady,
  hasCapability,
  readinessSummary,
} from "./fleet-readiness.ts";

const legacy: TerminalCapabilities = { layouts: { read: [1], write: [1] }, keyUses: ["dual"] };
const next: TerminalCapabilities = {
  layouts: { read: [1, 2], write: [1, 2] },
  keyUses: ["dual", "grant", "certificate"],
};

const terminal = (n: number) => ({
  terminalId: `trm_${n}`,
  terminalNumber: n,
  role: "pos",
  locationId: "hall",
  softwareVersion: "1.0.0",
  lastReportAt: 1_800_000_000,
});

describe("capabilities", () => {
  it("are named reads_layout:N, writes_layout:N (N in 1..15) or split_keys", () => {
    for (const ok of ["reads_layout:1", "writes_layout:15", "split_keys"])
      expect(FleetCapability.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["reads_layout:0", "reads_layout:16", "writes_layout:", "split", "reads_layout:1,x"])
      expect(FleetCapability.safeParse(bad).success, bad).toBe(false);
    expect(FleetReadinessRequest.safeParse({ capabilities: [] }).success).toBe(false);
    expect(FLEET_CAPABILITY_LIST_PATTERN.test("reads_layout:2,writes_layout:2,split_keys")).toBe(true);
    expect(FLEET_CAPABILITY_LIST_PATTERN.test(Array(32).fill("split_keys").join(","))).toBe(true);
    for (const bad of [
      "",
      "reads_layout:2,",
      ",split_keys",
      "split_keys,nope",
      Array(33).fill("split_keys").join(","),
    ])
      expect(FLEET_CAPABILITY_LIST_PATTERN.test(bad), bad).toBe(false);
  });

  it("are read from a report's capabilities, and a report without any has none", () => {
    expect(hasCapability(next, "reads_layout:2")).toBe(true);
    expect(hasCapability(next, "writes_layout:2")).toBe(true);
    expect(hasCapability(next, "split_keys")).toBe(true);
    expect(hasCapability(legacy, "reads_layout:1")).toBe(true);
    expect(hasCapability(legacy, "reads_layout:2")).toBe(false);
    expect(hasCapability(legacy, "split_keys")).toBe(false);
    expect(hasCapability({ ...next, keyUses: ["grant"] }, "split_keys")).toBe(false);
    expect(hasCapability(undefined, "reads_layout:1")).toBe(false);
    expect(hasCapability(next, "reads_layout:nine")).toBe(false);
  });
});

describe("what a layout change needs", () => {
  it("asks every terminal to read and write a new write layout", () => {
    expect(
      capabilitiesForLayoutChange({ readable: [1, 2], write: 1 }, { readable: [1, 2], write: 2 }),
    ).toEqual(["reads_layout:2", "writes_layout:2"]);
  });

  it("asks every terminal to read each layout left when one is dropped", () => {
    expect(capabilitiesForLayoutChange({ readable: [1, 2], write: 2 }, { readable: [2], write: 2 })).toEqual([
      "reads_layout:2",
    ]);
    expect(
      capabilitiesForLayoutChange({ readable: [1, 2], write: 1 }, { readable: [2, 3], write: 2 }).sort(),
    ).toEqual(["reads_layout:2", "reads_layout:3", "writes_layout:2"]);
  });

  it("needs nothing to add a readable layout, reorder them or change anything else", () => {
    expect(capabilitiesForLayoutChange({ readable: [1], write: 1 }, { readable: [1, 2], write: 1 })).toEqual(
      [],
    );
    expect(
      capabilitiesForLayoutChange({ readable: [1, 2], write: 1 }, { readable: [2, 1], write: 1 }),
    ).toEqual([]);
    expect(capabilitiesForLayoutChange({ readable: [1], write: 1 }, { readable: [1], write: 1 })).toEqual([]);
  });
});

describe("refusing a change the fleet cannot follow", () => {
  const readiness: FleetReadiness = {
    at: 1_800_000_100,
    staleAfterSeconds: 604_800,
    activeTerminals: 10,
    ready: false,
    capabilities: [
      {
        capability: "reads_layout:2",
        ready: 2,
        behind: { count: 7, terminals: [1, 2, 3, 4, 5, 6, 7].map(terminal) },
        unknown: { count: 1, terminals: [terminal(9)] },
      },
      {
        capability: "writes_layout:2",
        ready: 10,
        behind: { count: 0, terminals: [] },
        unknown: { count: 0, terminals: [] },
      },
    ],
  };

  it("is a 409 fleet_not_ready problem naming the terminals behind and unknown", () => {
    const problem = fleetNotReady("Switching the write layout to 2", readiness).toProblem();
    expect(ProblemDocument.parse(problem)).toMatchObject({ status: 409, code: "fleet_not_ready" });
    expect(problem.readiness).toEqual(readiness);
    expect(problem.detail).toContain(
      "reads_layout:2: 7 behind (trm_1, trm_2, trm_3, trm_4, trm_5 and 2 more)",
    );
    expect(problem.detail).toContain("1 unknown (trm_9)");
    expect(problem.detail).not.toContain("writes_layout:2");
  });

  it("keeps the numbers and the terminals for the audit log", () => {
    expect(readinessSummary(readiness).capabilities[0]).toEqual({
      capability: "reads_layout:2",
      ready: 2,
      behind: 7,
      unknown: 1,
      behindTerminals: ["trm_1", "trm_2", "trm_3", "trm_4", "trm_5", "trm_6", "trm_7"],
      unknownTerminals: ["trm_9"],
    });
  });
});
