import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeDenyListBinary, encodeDenyListBinary } from "./binary.ts";
import { cardIdToHex } from "./card-id.ts";
import { DenyList, diffCompactDenyLists } from "./deny-list.ts";
import { diffDenyLists } from "./diff.ts";
import { DENY_REASONS, type DenyListContents, DenyListDelta } from "./entries.ts";

const MAX_U64 = 2n ** 64n - 1n;

// Ids from a small pool collide often, so adds, removes and re-adds of the same card all happen.
const cardId = fc
  .oneof(
    fc.bigInt({ min: 0n, max: 24n }),
    fc.constantFrom(0n, MAX_U64, 2n ** 63n - 1n, 2n ** 63n),
    fc.bigInt({ min: 0n, max: MAX_U64 }),
  )
  .map(cardIdToHex);
const terminalNumber = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(0xffff_ffff));
const epoch = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 0xffff_ffff }));
const metadata = {
  reason: fc.constantFrom(...DENY_REASONS),
  addedAt: epoch,
  addedBy: fc.constantFrom("admin:ana", "rule:clone_replay"),
};
const cardEntry = fc.record({ id: cardId, ...metadata });
const terminalEntry = fc.record({ terminalNumber, effectiveFrom: epoch, ...metadata });
const contentsAt = (version: number) =>
  fc.record({
    version: fc.constant(version),
    cards: fc.uniqueArray(cardEntry, { selector: (e) => e.id, maxLength: 40 }),
    terminals: fc.uniqueArray(terminalEntry, { selector: (e) => e.terminalNumber, maxLength: 8 }),
  });
/** Successive versions of one list, as a server would publish them. */
const history = fc
  .array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 6 })
  .map((steps) => {
    let version = 0;
    return steps.map((step) => {
      version += step;
      return version;
    });
  })
  .chain((versions) => fc.tuple(...versions.map(contentsAt)));

const build = (contents: DenyListContents) =>
  DenyList.fromEntries(contents.version, contents.cards, contents.terminals);

/** Checks the list against the plain model it should hold, so `equals` is never the only judge. */
function expectHolds(list: DenyList, contents: DenyListContents, probes: readonly string[]): void {
  const listed = new Set(contents.cards.map((c) => c.id));
  expect(list.version).toBe(contents.version);
  expect([...list.cardIds()]).toEqual([...listed].sort());
  for (const id of probes) expect(list.hasCard(id), id).toBe(listed.has(id));
  for (const t of contents.terminals)
    expect(list.terminalRevokedFrom(t.terminalNumber)).toBe(t.effectiveFrom);
  expect(list.terminalCount).toBe(contents.terminals.length);
}

describe("deny-list deltas (property)", () => {
  it("applying the wire deltas of a history equals rebuilding the last version from its entries", () => {
    fc.assert(
      fc.property(history, (versions) => {
        let list = build(versions[0]!);
        for (let i = 1; i < versions.length; i++) {
          const delta = DenyListDelta.parse(
            JSON.parse(JSON.stringify(diffDenyLists(versions[i - 1]!, versions[i]!))),
          );
          list = list.applyDelta(delta);
        }
        const last = versions.at(-1)!;
        expect(list.equals(build(last))).toBe(true);
        expect(list.toBinary()).toEqual(build(last).toBinary());
        expectHolds(
          list,
          last,
          versions.flatMap((v) => v.cards.map((c) => c.id)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("compact deltas between in-memory lists, through the binary form, reach the same list", () => {
    fc.assert(
      fc.property(history, (versions) => {
        let list = build(versions[0]!);
        for (let i = 1; i < versions.length; i++) {
          const delta = diffCompactDenyLists(build(versions[i - 1]!), build(versions[i]!));
          const decoded = decodeDenyListBinary(encodeDenyListBinary(delta));
          if (decoded.kind !== "delta") throw new Error("expected a delta");
          list = list.applyDelta(decoded);
        }
        expect(list.equals(build(versions.at(-1)!))).toBe(true);
        expectHolds(
          list,
          versions.at(-1)!,
          versions.flatMap((v) => v.cards.map((c) => c.id)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("a delta between a list and itself changes nothing", () => {
    fc.assert(
      fc.property(contentsAt(9), (contents) => {
        const delta = diffDenyLists(contents, contents);
        expect(delta.add.cards).toEqual([]);
        expect(delta.remove.cards).toEqual([]);
        expect(delta.add.terminals).toEqual([]);
        expect(delta.remove.terminals).toEqual([]);
        expect(build(contents).applyDelta(delta).equals(build(contents))).toBe(true);
      }),
    );
  });

  it("sends a card whose reason changed as an addition, so holders of the metadata see it", () => {
    const entry = { id: "00000000000000aa", reason: "lost" as const, addedAt: 1, addedBy: "admin:ana" };
    const delta = diffDenyLists(
      { version: 1, cards: [entry], terminals: [] },
      { version: 2, cards: [{ ...entry, reason: "stolen" }], terminals: [] },
    );
    expect(delta.add.cards).toEqual([{ ...entry, reason: "stolen" }]);
    expect(delta.remove.cards).toEqual([]);
  });
});
