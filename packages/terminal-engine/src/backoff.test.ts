import { describe, expect, it } from "vitest";
import { Backoff, backoffDelay } from "./backoff.ts";

const options = { baseMs: 1_000, maxMs: 60_000 };

describe("backoff", () => {
  it("doubles from the base and stops growing at the cap", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 7, 30].map((attempt) => backoffDelay(attempt, options, () => 1));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it("always waits at least half the ceiling, however the jitter falls", () => {
    expect(backoffDelay(3, options, () => 0)).toBe(4_000);
    expect(backoffDelay(3, options, () => 0.999_999)).toBeLessThanOrEqual(8_000);
    expect(backoffDelay(3, options, () => 0.5)).toBe(6_000);
  });

  it("spreads terminals that failed together", () => {
    const draws = [0.1, 0.4, 0.9];
    const delays = draws.map((r) => backoffDelay(2, options, () => r));
    expect(new Set(delays).size).toBe(3);
  });

  it("counts failures until a success resets it", () => {
    const backoff = new Backoff(options, () => 1);
    expect([backoff.fail(), backoff.fail(), backoff.fail()]).toEqual([1_000, 2_000, 4_000]);
    expect(backoff.attempt).toBe(3);
    backoff.succeed();
    expect(backoff.attempt).toBe(0);
    expect(backoff.fail()).toBe(1_000);
  });
});
