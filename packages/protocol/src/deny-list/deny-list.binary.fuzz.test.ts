import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../encoding/bytes.ts";
import { type CompactDenyList, decodeDenyListBinary, encodeDenyListBinary } from "./binary.ts";
import { DenyList } from "./deny-list.ts";
import { DenyListFormatError } from "./errors.ts";

/** Either the typed refusal, or an accepted input that re-encodes to exactly the same bytes. */
function decodesCanonicallyOrRefuses(bytes: Uint8Array): void {
  let decoded: CompactDenyList;
  try {
    decoded = decodeDenyListBinary(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(DenyListFormatError);
    return;
  }
  expect(toHex(encodeDenyListBinary(decoded))).toBe(toHex(bytes));
}

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const ids = fc
  .uniqueArray(fc.oneof(fc.bigInt({ min: 0n, max: 6n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), {
    maxLength: 8,
  })
  .map((values) => BigUint64Array.from(values));
const revocations = fc.uniqueArray(fc.record({ terminalNumber: u32, effectiveFrom: u32 }), {
  selector: (t) => t.terminalNumber,
  maxLength: 4,
});
const validEncoding = fc.oneof(
  fc
    .record({ version: u32, cards: ids, terminals: revocations })
    .map((s) => encodeDenyListBinary({ kind: "snapshot", ...s })),
  fc
    .record({
      from: fc.integer({ min: 0, max: 10 }),
      add: ids,
      addTerminals: revocations,
      remove: ids,
      removeTerminals: fc.uniqueArray(u32, { maxLength: 4 }),
    })
    .map(({ from, add, addTerminals, remove, removeTerminals }) => {
      const removeCards = BigUint64Array.from([...remove].filter((id) => !add.includes(id)));
      const added = new Set(addTerminals.map((t) => t.terminalNumber));
      return encodeDenyListBinary({
        kind: "delta",
        from,
        to: from + 1,
        add: { cards: add, terminals: addTerminals },
        remove: { cards: removeCards, terminals: removeTerminals.filter((n) => !added.has(n)) },
      });
    }),
);

/** Damage a valid encoding the ways storage and networks do: flipped bits, cut or extended. */
const damaged = fc.oneof(
  fc.tuple(validEncoding, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([bytes, at, xor]) => {
    const copy = bytes.slice();
    copy[at % copy.length]! ^= xor;
    return copy;
  }),
  fc.tuple(validEncoding, fc.nat()).map(([bytes, cut]) => bytes.slice(0, cut % bytes.length)),
  fc.tuple(validEncoding, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([bytes, tail]) => {
    const out = new Uint8Array(bytes.length + tail.length);
    out.set(bytes);
    out.set(tail, bytes.length);
    return out;
  }),
);

/** Random bodies behind a plausible header reach the count and ordering checks, not just the magic. */
const plausible = fc
  .tuple(fc.constantFrom(0, 1), fc.uint8Array({ maxLength: 120 }))
  .map(([kind, body]) => Uint8Array.of(0x54, 0x44, 0x4c, 0x31, kind, 0, 0, 0, ...body));

describe("TDL1 decoder under fuzzing", () => {
  it("accepts every encoding it produced and re-encodes it byte for byte", () => {
    fc.assert(
      fc.property(validEncoding, (bytes) => {
        expect(toHex(encodeDenyListBinary(decodeDenyListBinary(bytes)))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it("throws nothing but DenyListFormatError on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodesCanonicallyOrRefuses), { numRuns: 2000 });
  });

  it("throws nothing but DenyListFormatError on random bodies behind a valid header", () => {
    fc.assert(fc.property(plausible, decodesCanonicallyOrRefuses), { numRuns: 3000 });
  });

  it("throws nothing but DenyListFormatError on damaged valid encodings", () => {
    fc.assert(fc.property(damaged, decodesCanonicallyOrRefuses), { numRuns: 3000 });
  });

  it("loading stored bytes into a DenyList fails only with DenyListFormatError", () => {
    fc.assert(
      fc.property(fc.oneof(damaged, plausible), (bytes) => {
        try {
          DenyList.fromBinary(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(DenyListFormatError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
