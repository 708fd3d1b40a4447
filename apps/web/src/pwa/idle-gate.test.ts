import { describe, expect, it } from "vitest";
import { createIdleGate } from "./idle-gate.ts";

describe("applying an app update only when the screen is idle", () => {
  it("waits for a quiet period after the last touch", () => {
    const gate = createIdleGate({ quietMs: 60_000, startedAt: 0 });
    gate.noteActivity(10_000);
    expect(gate.isIdle(69_999)).toBe(false);
    expect(gate.isIdle(70_000)).toBe(true);
  });

  it("never applies while a card interaction holds it, however quiet the screen", () => {
    const gate = createIdleGate({ quietMs: 1_000, startedAt: 0 });
    const release = gate.hold();
    expect(gate.isIdle(1_000_000)).toBe(false);
    release();
    expect(gate.isIdle(1_000_000)).toBe(true);
  });

  it("keeps other holds in force when one is released twice", () => {
    const gate = createIdleGate({ quietMs: 1_000, startedAt: 0 });
    const first = gate.hold();
    gate.hold();
    first();
    first();
    expect(gate.isIdle(1_000_000)).toBe(false);
  });

  it("is not fooled by an activity time from the past", () => {
    const gate = createIdleGate({ quietMs: 1_000, startedAt: 0 });
    gate.noteActivity(5_000);
    gate.noteActivity(1_000);
    expect(gate.isIdle(5_500)).toBe(false);
  });
});
