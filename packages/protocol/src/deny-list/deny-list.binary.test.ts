import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../encoding/bytes.ts";
import { type CompactDenyListDelta, decodeDenyListBinary, encodeDenyListBinary } from "./binary.ts";
import { DenyList } from "./deny-list.ts";
import { DenyListFormatError } from "./errors.ts";

// Committed vectors: another implementation of TDL1 must produce exactly these bytes.
const SNAPSHOT_HEX = [
  "54444c31", // magic "TDL1"
  "00000000", // kind 0 (snapshot), reserved
  "00000007", // version 7
  "00000002", // 2 cards
  "00000001", // 1 terminal
  "0102030405060708",
  "ffffffffffffffff",
  "0000002a6553f100", // terminal 42, effectiveFrom 1700000000
].join("");

const DELTA_HEX = [
  "54444c31",
  "01000000", // kind 1 (delta), reserved
  "00000007", // from 7
  "00000009", // to 9
  "00000001", // 1 card added
  "00000001", // 1 terminal added
  "00000001", // 1 card removed
  "00000002", // 2 terminals removed
  "00000000000000aa",
  "0000000500000064", // terminal 5 from 100
  "0102030405060708",
  "0000002a",
  "ffffffff",
].join("");

const delta: CompactDenyListDelta = {
  kind: "delta",
  from: 7,
  to: 9,
  add: { cards: BigUint64Array.of(0xaan), terminals: [{ terminalNumber: 5, effectiveFrom: 100 }] },
  remove: { cards: BigUint64Array.of(0x0102030405060708n), terminals: [0xffff_ffff, 42] },
};

function expectFormatError(hex: string, message: RegExp): void {
  expect(() => decodeDenyListBinary(fromHex(hex))).toThrow(DenyListFormatError);
  expect(() => decodeDenyListBinary(fromHex(hex))).toThrow(message);
}

describe("TDL1 binary encoding", () => {
  it("encodes a snapshot to the committed vector, sorting ids given in any order", () => {
    const bytes = encodeDenyListBinary({
      kind: "snapshot",
      version: 7,
      cards: BigUint64Array.of(0xffff_ffff_ffff_ffffn, 0x0102030405060708n),
      terminals: [{ terminalNumber: 42, effectiveFrom: 1_700_000_000 }],
    });
    expect(toHex(bytes)).toBe(SNAPSHOT_HEX);
    const list = DenyList.fromBinary(bytes);
    expect(list.version).toBe(7);
    expect([...list.cardIds()]).toEqual(["0102030405060708", "ffffffffffffffff"]);
    expect(list.terminalRevokedFrom(42)).toBe(1_700_000_000);
    expect(toHex(list.toBinary())).toBe(SNAPSHOT_HEX);
  });

  it("encodes a delta to the committed vector and decodes it back", () => {
    expect(toHex(encodeDenyListBinary(delta))).toBe(DELTA_HEX);
    expect(decodeDenyListBinary(fromHex(DELTA_HEX))).toEqual({
      ...delta,
      remove: { cards: delta.remove.cards, terminals: [42, 0xffff_ffff] },
    });
  });

  it("round-trips an empty list", () => {
    const bytes = DenyList.empty().toBinary();
    expect(bytes.length).toBe(20);
    expect(DenyList.fromBinary(bytes).equals(DenyList.empty())).toBe(true);
  });

  it("reads a snapshot that sits at an odd offset inside a larger buffer", () => {
    const padded = fromHex(`ff${SNAPSHOT_HEX}ff`).subarray(1, 1 + SNAPSHOT_HEX.length / 2);
    expect(DenyList.fromBinary(padded).hasCard("ffffffffffffffff")).toBe(true);
  });

  it("refuses to encode a delta that adds and removes the same key", () => {
    expect(() =>
      encodeDenyListBinary({ ...delta, remove: { cards: BigUint64Array.of(0xaan), terminals: [] } }),
    ).toThrow(RangeError);
    expect(() =>
      encodeDenyListBinary({ ...delta, remove: { cards: new BigUint64Array(0), terminals: [5] } }),
    ).toThrow(RangeError);
  });

  it("refuses a delta where a stored snapshot is expected", () => {
    expect(() => DenyList.fromBinary(fromHex(DELTA_HEX))).toThrow(DenyListFormatError);
  });

  it.each([
    ["empty input", "", /truncated header/],
    ["a short header", SNAPSHOT_HEX.slice(0, 30), /truncated snapshot header/],
    ["another magic", `54444c32${SNAPSHOT_HEX.slice(8)}`, /not a TDL1/],
    ["an unknown kind", `54444c3102000000${SNAPSHOT_HEX.slice(16)}`, /unknown deny-list kind 2/],
    ["non-zero reserved bytes", `54444c3100000100${SNAPSHOT_HEX.slice(16)}`, /reserved/],
    ["a missing last byte", SNAPSHOT_HEX.slice(0, -2), /truncated lists/],
    ["a trailing byte", `${SNAPSHOT_HEX}00`, /trailing bytes/],
    [
      "a count far beyond the input",
      `54444c3100000000${"00000007"}${"ffffffff"}${"00000000"}`,
      /truncated lists/,
    ],
    [
      "ids out of order",
      `54444c3100000000000000070000000200000000${"ffffffffffffffff"}${"0102030405060708"}`,
      /card ids not strictly ascending/,
    ],
    [
      "a repeated id",
      `54444c3100000000000000070000000200000000${"0102030405060708"}${"0102030405060708"}`,
      /card ids not strictly ascending/,
    ],
    [
      "terminals out of order",
      `54444c3100000000000000070000000000000002${"0000002a00000000"}${"0000000100000000"}`,
      /terminal records not strictly ascending/,
    ],
    [
      "a delta that ends before it starts",
      `54444c3101000000${"00000009"}${"00000007"}${"00000000".repeat(4)}`,
      /ends before/,
    ],
    [
      "a delta adding and removing one card",
      `54444c3101000000000000070000000900000001000000000000000100000000${"00000000000000aa"}${"00000000000000aa"}`,
      /both added and removed/,
    ],
    [
      "a delta adding and removing one terminal",
      `54444c3101000000000000070000000900000000000000010000000000000001${"0000000500000064"}${"00000005"}`,
      /both added and removed/,
    ],
  ])("refuses %s with a DenyListFormatError", (_name, hex, message) => {
    expectFormatError(hex, message);
  });
});
