import { describe, expect, it } from "vitest";
import { fromHex } from "../encoding/bytes.ts";
import { DenyList } from "./deny-list.ts";
import { DenyListVersionError } from "./errors.ts";

const MIN_ID = "0000000000000000";
const MAX_ID = "ffffffffffffffff";

describe("deny-list lookups", () => {
  it("an empty list refuses nothing", () => {
    const list = DenyList.empty();
    expect(list.version).toBe(0);
    expect(list.cardCount).toBe(0);
    expect(list.terminalCount).toBe(0);
    expect(list.hasCard(MIN_ID)).toBe(false);
    expect(list.hasCard(MAX_ID)).toBe(false);
    expect(list.terminalRevokedFrom(0)).toBeUndefined();
    expect(list.refusesTerminalWrite(0, 0)).toBe(false);
  });

  it("finds the smallest and largest possible ids and nothing beside them", () => {
    const list = DenyList.fromEntries(3, [MAX_ID, MIN_ID, "8000000000000000"]);
    expect(list.hasCard(MIN_ID)).toBe(true);
    expect(list.hasCard(MAX_ID)).toBe(true);
    expect(list.hasCard("8000000000000000")).toBe(true);
    expect(list.hasCard("0000000000000001")).toBe(false);
    expect(list.hasCard("fffffffffffffffe")).toBe(false);
    expect(list.hasCard("7fffffffffffffff")).toBe(false);
    expect(list.hasCard("8000000000000001")).toBe(false);
  });

  it("finds a single listed card at either end of a one-entry list", () => {
    const list = DenyList.fromEntries(1, [{ id: "00000000000000ff" }]);
    expect(list.hasCard("00000000000000ff")).toBe(true);
    expect(list.hasCard("00000000000000fe")).toBe(false);
    expect(list.hasCard("0000000000000100")).toBe(false);
  });

  it("looks up the id bytes read from a card the same as the wire hex, in either case", () => {
    const list = DenyList.fromEntries(1, ["0a1b2c3d4e5f6071"]);
    expect(list.hasCard(fromHex("0a1b2c3d4e5f6071"))).toBe(true);
    expect(list.hasCard("0A1B2C3D4E5F6071")).toBe(true);
    const inLargerBuffer = fromHex("ff0a1b2c3d4e5f6071ff").subarray(1, 9);
    expect(list.hasCard(inLargerBuffer)).toBe(true);
  });

  it("refuses malformed ids loudly instead of answering 'not listed'", () => {
    const list = DenyList.fromEntries(1, [MIN_ID]);
    expect(() => list.hasCard("000000000000000")).toThrow(TypeError);
    expect(() => list.hasCard("000000000000000g")).toThrow(TypeError);
    expect(() => list.hasCard(new Uint8Array(7))).toThrow(TypeError);
    expect(() => DenyList.fromEntries(1, ["xyz"])).toThrow(TypeError);
  });

  it("collapses repeated cards into one entry", () => {
    const list = DenyList.fromEntries(2, [MIN_ID, MIN_ID, { id: MIN_ID }]);
    expect(list.cardCount).toBe(1);
  });

  it("refuses a revoked terminal's writes from effectiveFrom on, and keeps earlier ones valid", () => {
    const list = DenyList.fromEntries(
      4,
      [],
      [
        { terminalNumber: 0, effectiveFrom: 1_700_000_000 },
        { terminalNumber: 0xffff_ffff, effectiveFrom: 0 },
      ],
    );
    expect(list.terminalRevokedFrom(0)).toBe(1_700_000_000);
    expect(list.refusesTerminalWrite(0, 1_699_999_999)).toBe(false);
    expect(list.refusesTerminalWrite(0, 1_700_000_000)).toBe(true);
    expect(list.refusesTerminalWrite(0xffff_ffff, 0)).toBe(true);
    expect(list.terminalRevokedFrom(1)).toBeUndefined();
    expect(list.refusesTerminalWrite(1, 2_000_000_000)).toBe(false);
  });

  it("keeps the earliest effectiveFrom when a terminal is listed twice", () => {
    const list = DenyList.fromEntries(
      1,
      [],
      [
        { terminalNumber: 9, effectiveFrom: 500 },
        { terminalNumber: 9, effectiveFrom: 100 },
      ],
    );
    expect(list.terminalCount).toBe(1);
    expect(list.terminalRevokedFrom(9)).toBe(100);
  });

  it("is not changed by later edits to the arrays it was built from", () => {
    const cards = BigUint64Array.of(1n, 5n);
    const list = DenyList.fromCompact({ kind: "snapshot", version: 2, cards, terminals: [] });
    cards[0] = 9n;
    list.toCompact().cards[1] = 9n;
    expect([...list.cardIds()]).toEqual(["0000000000000001", "0000000000000005"]);
  });

  it("rejects a version outside uint32", () => {
    expect(() => DenyList.fromEntries(-1, [])).toThrow(RangeError);
    expect(() => DenyList.fromEntries(2 ** 32, [])).toThrow(RangeError);
  });
});

describe("deny-list deltas", () => {
  const base = DenyList.fromEntries(
    5,
    ["0000000000000001", "0000000000000003"],
    [{ terminalNumber: 7, effectiveFrom: 10 }],
  );

  it("adds, removes and moves entries and takes the delta's version", () => {
    const next = base.applyDelta({
      from: 5,
      to: 8,
      add: {
        cards: [{ id: "0000000000000002", reason: "stolen", addedAt: 1, addedBy: "admin:ana" }],
        terminals: [
          { terminalNumber: 7, effectiveFrom: 5, reason: "compromised", addedAt: 1, addedBy: "admin:ana" },
        ],
      },
      remove: { cards: ["0000000000000001"], terminals: [] },
    });
    expect(next.version).toBe(8);
    expect([...next.cardIds()]).toEqual(["0000000000000002", "0000000000000003"]);
    expect(next.terminalRevokedFrom(7)).toBe(5);
  });

  it("leaves the list it was applied to unchanged", () => {
    base.applyDelta({
      from: 5,
      to: 6,
      add: { cards: [], terminals: [] },
      remove: { cards: ["0000000000000001"], terminals: [7] },
    });
    expect(base.version).toBe(5);
    expect(base.hasCard("0000000000000001")).toBe(true);
    expect(base.terminalRevokedFrom(7)).toBe(10);
  });

  it("refuses a delta that does not start at the list's version", () => {
    const delta = { from: 4, to: 6, add: { cards: [], terminals: [] }, remove: { cards: [], terminals: [] } };
    const attempt = () => base.applyDelta(delta);
    expect(attempt).toThrow(DenyListVersionError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ expected: 5, actual: 4 });
    }
    expect(() => base.applyDelta({ ...delta, from: 6, to: 7 })).toThrow(DenyListVersionError);
  });

  it("refuses a delta that would lower the version", () => {
    const delta = { from: 5, to: 4, add: { cards: [], terminals: [] }, remove: { cards: [], terminals: [] } };
    expect(() => base.applyDelta(delta)).toThrow(DenyListVersionError);
  });

  it("ignores removals of entries it does not hold", () => {
    const next = base.applyDelta({
      from: 5,
      to: 6,
      add: { cards: [], terminals: [] },
      remove: { cards: ["00000000000000aa"], terminals: [99] },
    });
    expect(next.cardCount).toBe(2);
    expect(next.terminalCount).toBe(1);
  });
});
