import { describe, expect, it } from "vitest";
import { DenyList } from "./deny-list.ts";
import type { DenyListCardEntry, DenyListDelta } from "./entries.ts";

const ENTRIES = 1_000_000;
const CHANGES = 10_000;
const hex32 = (n: number) => n.toString(16).padStart(8, "0");

/**
 * Distinct, spread, always-even ids (the low word is 2i, the high word a hash of i): listed ids never
 * collide, and any odd id is certainly not listed, which gives absent probes right next to present
 * ones without a reference set.
 */
const listedId = (i: number) => hex32(Math.imul(i, 0x9e37_79b1) >>> 0) + hex32(i * 2);
const absentNeighbour = (id: string) => id.slice(0, 15) + (Number.parseInt(id[15]!, 16) | 1).toString(16);
const entry = (id: string): DenyListCardEntry => ({
  id,
  reason: "lost",
  addedAt: 1_700_000_000,
  addedBy: "test",
});

describe("deny list at a million entries", () => {
  it("builds, answers lookups, applies a 10,000-change delta and round-trips through binary", {
    timeout: 120_000,
  }, () => {
    const ids = Array.from({ length: ENTRIES }, (_, i) => listedId(i));
    const terminals = Array.from({ length: 1000 }, (_, n) => ({
      terminalNumber: n * 3,
      effectiveFrom: 1_700_000_000 + n,
    }));
    const list = DenyList.fromEntries(1, ids, terminals);
    expect(list.cardCount).toBe(ENTRIES);

    for (let i = 0; i < ENTRIES; i += 997) {
      expect(list.hasCard(ids[i]!)).toBe(true);
      expect(list.hasCard(absentNeighbour(ids[i]!))).toBe(false);
    }
    expect(list.hasCard("0000000000000000")).toBe(true);
    expect(list.hasCard("ffffffffffffffff")).toBe(false);
    expect(list.terminalRevokedFrom(2997)).toBe(1_700_000_999);
    expect(list.terminalRevokedFrom(2998)).toBeUndefined();

    const removed = Array.from({ length: CHANGES / 2 }, (_, k) => ids[k * 199]!);
    const added = Array.from({ length: CHANGES / 2 }, (_, k) => listedId(ENTRIES + k));
    const delta: DenyListDelta = {
      from: 1,
      to: 2,
      add: {
        cards: added.map(entry),
        terminals: [{ terminalNumber: 1, effectiveFrom: 5, reason: "revoked", addedAt: 5, addedBy: "test" }],
      },
      remove: { cards: removed, terminals: [0] },
    };
    const next = list.applyDelta(delta);

    expect(next.version).toBe(2);
    expect(next.cardCount).toBe(ENTRIES);
    for (const id of removed) expect(next.hasCard(id)).toBe(false);
    for (const id of added) expect(next.hasCard(id)).toBe(true);
    expect(list.hasCard(removed[0]!)).toBe(true);
    expect(next.terminalRevokedFrom(0)).toBeUndefined();
    expect(next.terminalRevokedFrom(1)).toBe(5);

    const removedSet = new Set(removed);
    const expected = DenyList.fromEntries(
      2,
      [...ids.filter((id) => !removedSet.has(id)), ...added],
      [...terminals.filter((t) => t.terminalNumber !== 0), { terminalNumber: 1, effectiveFrom: 5 }],
    );
    expect(next.equals(expected)).toBe(true);

    const bytes = next.toBinary();
    expect(bytes.length).toBe(20 + ENTRIES * 8 + next.terminalCount * 8);
    expect(DenyList.fromBinary(bytes).equals(next)).toBe(true);
  });
});
