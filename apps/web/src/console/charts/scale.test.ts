import { describe, expect, it } from "vitest";
import { niceCeiling, ticks, yFor } from "./scale.ts";

describe("chart scales", () => {
  it("rounds an axis up to 1, 2 or 5 times a power of ten", () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(13)).toBe(20);
    expect(niceCeiling(480)).toBe(500);
    expect(niceCeiling(5000)).toBe(5000);
    expect(niceCeiling(5001)).toBe(10000);
  });

  it("spaces ticks evenly and maps values onto the plot's height", () => {
    expect(ticks(200, 4)).toEqual([0, 50, 100, 150, 200]);
    expect(yFor(0, 200, 100)).toBe(100);
    expect(yFor(200, 200, 100)).toBe(0);
    expect(yFor(-5, 200, 100)).toBe(100);
  });
});
