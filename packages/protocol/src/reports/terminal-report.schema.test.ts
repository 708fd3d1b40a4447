import { describe, expect, it } from "vitest";
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
