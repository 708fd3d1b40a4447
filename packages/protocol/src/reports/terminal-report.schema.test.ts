import { describe, expect, it } from "vitest";
import { TERMINAL_CAPABILITIES } from "./capabilities.ts";
import { hasCapability } from "./fleet-readiness.ts";
import { MAX_REPORT_ERRORS, reportErrors, TerminalReport } from "./terminal-report.ts";

const minimal = {
  terminalId: "term_01HZX",
  at: 1_700_000_000,
  softwareVersion: "1.4.2",
  online: false,
  outboxDepth: 0,
  errors: [],
};

const full = {
  ...minimal,
  online: true,
  outboxDepth: 37,
  oldestPendingAt: 1_699_990_000,
  grantExpiresAt: 1_700_003_600,
  policyVersion: 12,
  denyListVersion: 4051,
  counters: { tapsApproved: 120, tapsRefused: 3, uncertain: 1 },
  errors: [{ at: 1_699_999_000, code: "nfc_read_failed", message: "NotReadableError: tag lost" }],
};

function withField(path: string, value: unknown): unknown {
  const copy = structuredClone(full) as Record<string, unknown>;
  const keys = path.split(".");
  let parent = copy;
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  if (value === undefined) delete parent[keys.at(-1)!];
  else parent[keys.at(-1)!] = value;
  return copy;
}

describe("terminal report schema", () => {
  it("accepts a minimal report and a full one", () => {
    expect(TerminalReport.safeParse(minimal).success).toBe(true);
    expect(TerminalReport.parse(full)).toEqual(full);
  });

  it("keeps fields a newer terminal added", () => {
    const parsed = TerminalReport.parse({
      ...full,
      batteryPercent: 81,
      counters: { ...full.counters, tapsTorn: 2 },
    });
    expect(parsed.batteryPercent).toBe(81);
    expect(parsed.counters?.tapsTorn).toBe(2);
  });

  it("still accepts a report from software older than capabilities, which then has none", () => {
    // As terminal software released before ADR 0005 sends it: no `capabilities` member at all.
    const old = {
      terminalId: "trm_9",
      at: 1_790_000_000,
      softwareVersion: "1.0.0",
      online: true,
      outboxDepth: 2,
      grantExpiresAt: 1_790_003_600,
      policyVersion: 3,
      denyListVersion: 12,
      counters: { tapsApproved: 4, tapsRefused: 0, uncertain: 0 },
      errors: [],
    };
    const parsed = TerminalReport.parse(old);
    expect(parsed).toEqual(old);
    expect(parsed.capabilities).toBeUndefined();
    expect(hasCapability(parsed.capabilities, "reads_layout:1")).toBe(false);
  });

  it("carries what the build reads and writes, and keeps kinds of key a newer build adds", () => {
    const report = { ...full, capabilities: TERMINAL_CAPABILITIES };
    expect(TerminalReport.parse(report).capabilities).toEqual(TERMINAL_CAPABILITIES);
    const newer = TerminalReport.parse({
      ...full,
      capabilities: { layouts: { read: [1, 2], write: [2], future: true }, keyUses: ["grant", "hsm"] },
    });
    expect(newer.capabilities?.keyUses).toEqual(["grant", "hsm"]);
    expect(newer.capabilities?.layouts).toMatchObject({ future: true });
  });

  it("accepts exactly 20 errors with 500-character messages", () => {
    const errors = Array.from({ length: MAX_REPORT_ERRORS }, (_, i) => ({
      at: i,
      code: "e",
      message: "x".repeat(500),
    }));
    expect(TerminalReport.safeParse({ ...minimal, errors }).success).toBe(true);
  });

  it.each([
    ["terminalId", ""],
    ["terminalId", undefined],
    ["at", -1],
    ["at", 1.5],
    ["softwareVersion", ""],
    ["online", "yes"],
    ["outboxDepth", -1],
    ["outboxDepth", undefined],
    ["oldestPendingAt", "yesterday"],
    ["grantExpiresAt", -3],
    ["policyVersion", 1.5],
    ["denyListVersion", -1],
    ["counters.tapsApproved", -1],
    ["counters.uncertain", undefined],
    ["errors", undefined],
    ["errors", Array.from({ length: 21 }, (_, i) => ({ at: i, code: "e", message: "m" }))],
    ["errors", [{ at: 1, code: "e", message: "x".repeat(501) }]],
    ["errors", [{ at: 1, code: "", message: "m" }]],
    ["errors", [{ at: 1, message: "m" }]],
    ["capabilities", { layouts: { read: [1], write: [1] } }],
    ["capabilities", { layouts: { read: [0], write: [1] }, keyUses: [] }],
    ["capabilities", { layouts: { read: [1], write: [16] }, keyUses: [] }],
    ["capabilities", { layouts: { read: [1] }, keyUses: [] }],
    ["capabilities", { layouts: { read: [1], write: [1] }, keyUses: [""] }],
    ["capabilities", "split"],
  ])("rejects %s = %j", (path, value) => {
    expect(TerminalReport.safeParse(withField(path, value)).success).toBe(false);
  });
});

describe("report errors", () => {
  it("keeps the 20 most recent, newest first, with messages cut to fit", () => {
    const errors = Array.from({ length: 30 }, (_, i) => ({
      at: i,
      code: "sync_failed",
      message: "x".repeat(600),
    }));
    const bounded = reportErrors(errors);
    expect(bounded.map((e) => e.at)).toEqual(Array.from({ length: 20 }, (_, i) => 29 - i));
    expect(bounded.every((e) => e.message.length === 500)).toBe(true);
    expect(TerminalReport.safeParse({ ...minimal, errors: bounded }).success).toBe(true);
  });

  it("never cuts a message inside a character made of two code units", () => {
    const [error] = reportErrors([{ at: 1, code: "e", message: `${"x".repeat(499)}🙂🙂` }]);
    expect(error!.message).toBe("x".repeat(499));
  });
});
