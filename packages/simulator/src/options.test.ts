import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, parseCommandLine } from "./options.ts";

describe("simulate's command line", () => {
  it("starts from the defaults and reads fleet, traffic, windows and attack counts", () => {
    const { options, json } = parseCommandLine([
      "--pos=6",
      "--cards",
      "100",
      "--offline",
      "pos-1:0.2-0.6",
      "--offline",
      "pos-1:0.7-0.9",
      "--clones",
      "3",
      "--json",
      "out.json",
    ]);
    expect(options.terminals).toEqual({ ...DEFAULT_OPTIONS.terminals, pos: 6 });
    expect(options.cards).toBe(100);
    expect(options.offline).toEqual({
      "pos-1": [
        { from: 0.2, to: 0.6 },
        { from: 0.7, to: 0.9 },
      ],
    });
    expect(options.attacks.cloneSameUid).toBe(3);
    expect(options.attacks.replay).toBe(DEFAULT_OPTIONS.attacks.replay);
    expect(json).toBe("out.json");
  });

  it("turns every attack off with --no-attacks", () => {
    const { options } = parseCommandLine(["--no-attacks"]);
    expect(Object.values(options.attacks).every((count) => count === 0)).toBe(true);
  });

  it("names the argument it cannot use", () => {
    expect(() => parseCommandLine(["--taps", "many"])).toThrow(/--taps wants a whole number/);
    expect(() => parseCommandLine(["--offline", "pos-1:0.6-0.2"])).toThrow(/0 <= A < B <= 1/);
    expect(() => parseCommandLine(["--pos", "1"])).toThrow(/at least 2/);
    expect(() => parseCommandLine(["--warp"])).toThrow(/unknown option --warp/);
  });
});
