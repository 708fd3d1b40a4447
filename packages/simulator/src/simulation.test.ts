import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateOnLocalStack } from "./local-stack.ts";
import { DEFAULT_OPTIONS } from "./options.ts";
import type { SimulationReport } from "./report.ts";

// The default run, as `pnpm simulate` makes it, on a stack of its own (free ports, fresh state, stopped after).
describe("the fleet simulator's default run", () => {
  let report: SimulationReport;

  beforeAll(async () => {
    report = await simulateOnLocalStack(DEFAULT_OPTIONS);
  }, 900_000);

  afterAll(() => {
    // simulateOnLocalStack stops its stack itself, also when the run throws.
  });

  it("accounts for every unit of value: cards, ledger and the simulation's book agree card by card", () => {
    const c = report.conservation;
    expect(c.mismatches).toEqual([]);
    expect(c.checkedCards).toBeGreaterThan(DEFAULT_OPTIONS.cards / 2);
    expect(c.cards).toBe(c.expected);
    expect(c.ledger).toBe(c.expected);
    expect(c.expected).toBe(c.topups - c.debits + c.recoveredByTears);
    expect(c.undoneWritesFlagged).toBe(c.undoneWrites);
    expect(c.leftOutByRestoresFlagged).toBe(c.leftOutByRestores);
    expect(c.ok).toBe(true);
    expect(report.events.leftInOutboxes).toBe(0);
  });

  it("settles every torn write: each unconfirmed tap explained, each card that read as nothing restored", () => {
    const t = report.tears;
    const { landed, lost, rolled_back, unreadable, unexplained } = t.outcomes;
    expect(unexplained).toBe(0);
    expect(landed + lost + rolled_back + unreadable).toBe(t.unconfirmed);
    expect(t.restoredAtStations).toBe(unreadable);
    // Reconciliation restores each from the state before the write its terminal never confirmed, and
    // flags the write it leaves out.
    expect(t.settledAtRestore.void).toBe(t.restoredAtStations);
    expect(report.conservation.leftOutByRestores).toBe(t.restoredAtStations);
    expect(t.restoresFailed).toBe(0);
  });

  it("injects every attack of the default run and detects each one", () => {
    const injected = Object.values(DEFAULT_OPTIONS.attacks).reduce((sum, n) => sum + n, 0);
    expect(report.attacks.reduce((sum, a) => sum + a.injected, 0)).toBe(injected);
    for (const attack of report.attacks) {
      expect({ kind: attack.kind, detected: attack.detected }).toEqual({
        kind: attack.kind,
        detected: attack.injected,
      });
      for (const instance of attack.instances) expect(instance.where).toMatch(/^(terminal|reconciliation)$/);
    }
    // A clone spent offline at two terminals can only be seen once both uploads meet at reconciliation.
    expect(report.attacks.find((a) => a.kind === "cloned_card")?.where).toBe("reconciliation");
    expect(report.ok).toBe(true);
  });

  it("ran the traffic it was asked for, with the faults it was asked for", () => {
    expect(report.taps.attempted).toBeGreaterThanOrEqual(DEFAULT_OPTIONS.taps + DEFAULT_OPTIONS.cards * 2);
    expect(report.taps.approved).toBeGreaterThan(report.taps.refused);
    expect(report.events.lostAnswers).toBe(DEFAULT_OPTIONS.lostUploads);
    expect(report.faults.find((f) => f.kind === "torn_write")?.injected).toBe(DEFAULT_OPTIONS.tears);
  });
});
