import { describe, expect, it } from "vitest";
import { SeededRandom } from "./random.ts";
import { planTears, writeParts } from "./tear-plan.ts";

describe("the tear plan", () => {
  it("splits an NTAG215 write into its framing and two page-aligned slots (ADR 0002)", () => {
    // 476-byte payload: 18 bytes of framing, slots of 238 bytes, the second starting at byte 256 (page 64).
    expect(writeParts(476)).toEqual([
      { name: "framing", from: 0, to: 5 },
      { name: "first slot", from: 5, to: 64 },
      { name: "second slot", from: 64, to: 124 },
    ]);
  });

  it("sends the tears to the three parts in turn, cuts then garbles, at distinct taps, the same for a seed", () => {
    const plan = planTears(12, 1000, 476, new SeededRandom(3));
    const again = planTears(12, 1000, 476, new SeededRandom(3));
    expect([...plan.entries()].map(([i, t]) => [i, t.atPage, t.model])).toEqual(
      [...again.entries()].map(([i, t]) => [i, t.atPage, t.model]),
    );
    expect(plan.size).toBe(12);
    const parts = writeParts(476);
    const inOrder = [...plan.entries()].sort((a, b) => a[0] - b[0]).map(([, tear]) => tear);
    for (const [i, tear] of inOrder.entries()) {
      const part = parts[i % 3]!;
      expect(tear.atPage).toBeGreaterThanOrEqual(part.from);
      expect(tear.atPage).toBeLessThan(part.to);
      expect(tear.model).toBe(Math.floor(i / 3) % 2 === 0 ? "cut" : "garble");
      expect(typeof tear.random).toBe(tear.model === "garble" ? "function" : "undefined");
    }
  });

  it("never plans more tears than taps", () => {
    expect(planTears(10, 4, 476, new SeededRandom(1)).size).toBe(4);
  });
});
