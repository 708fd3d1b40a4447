import { describe, expect, it } from "vitest";
import { DenyList } from "./deny-list.ts";
import {
  chunkDenyListSnapshot,
  type DenyListContents,
  DenyListDelta,
  DenyListDeltaAnswer,
  DenyListSnapshotChunk,
  MAX_ENTRIES_PER_CHUNK,
} from "./entries.ts";
import { DenyListFormatError } from "./errors.ts";

const card = (id: string) => ({
  id,
  reason: "stolen" as const,
  addedAt: 1_700_000_000,
  addedBy: "admin:ana",
});
const terminal = (terminalNumber: number) => ({
  terminalNumber,
  effectiveFrom: 1_700_000_000,
  reason: "compromised" as const,
  addedAt: 1_700_000_000,
  addedBy: "admin:ana",
});
const delta = {
  from: 3,
  to: 5,
  add: { cards: [card("00000000000000aa")], terminals: [terminal(7)] },
  remove: { cards: ["00000000000000bb"], terminals: [9] },
};

describe("deny-list wire schemas", () => {
  it("accepts a delta and keeps fields a newer server added", () => {
    const parsed = DenyListDelta.parse({
      ...delta,
      signedBy: "grants-2",
      add: { ...delta.add, cards: [{ ...card("00000000000000aa"), source: "rule" }] },
    });
    expect(parsed.signedBy).toBe("grants-2");
    expect(parsed.add.cards[0]).toMatchObject({ source: "rule" });
  });

  it.each([
    ["an uppercase card id", { ...delta, remove: { cards: ["00000000000000BB"], terminals: [] } }],
    ["a short card id", { ...delta, remove: { cards: ["00aa"], terminals: [] } }],
    ["a terminal number beyond uint32", { ...delta, remove: { cards: [], terminals: [2 ** 32] } }],
    ["a fractional version", { ...delta, to: 5.5 }],
    ["a negative version", { ...delta, from: -1 }],
    ["a version beyond uint32", { ...delta, to: 2 ** 32 }],
    ["a delta that lowers the version", { ...delta, from: 6 }],
    [
      "an unknown reason",
      { ...delta, add: { ...delta.add, cards: [{ ...card("00000000000000aa"), reason: "bored" }] } },
    ],
    [
      "an entry without addedBy",
      { ...delta, add: { ...delta.add, cards: [{ ...card("00000000000000aa"), addedBy: "" }] } },
    ],
    ["a card both added and removed", { ...delta, remove: { cards: ["00000000000000aa"], terminals: [] } }],
    ["a terminal both added and removed", { ...delta, remove: { cards: [], terminals: [7] } }],
    [
      "a card added twice",
      { ...delta, add: { ...delta.add, cards: [card("00000000000000aa"), card("00000000000000aa")] } },
    ],
    ["a missing remove section", { from: 3, to: 5, add: delta.add }],
  ])("rejects %s", (_name, value) => {
    expect(DenyListDelta.safeParse(value).success).toBe(false);
  });

  it("tells a delta from the answer to take a snapshot", () => {
    const unavailable = DenyListDeltaAnswer.parse({ snapshotRequired: true, from: 2, version: 90 });
    expect("snapshotRequired" in unavailable && unavailable.snapshotRequired).toBe(true);
    const answer = DenyListDeltaAnswer.parse(delta);
    expect("add" in answer).toBe(true);
  });

  it("rejects a chunk index at or beyond the chunk count, and oversized chunks", () => {
    expect(
      DenyListSnapshotChunk.safeParse({ version: 1, chunk: 1, chunks: 1, cards: [], terminals: [] }).success,
    ).toBe(false);
    expect(
      DenyListSnapshotChunk.safeParse({ version: 1, chunk: 0, chunks: 0, cards: [], terminals: [] }).success,
    ).toBe(false);
    const tooMany = Array.from({ length: MAX_ENTRIES_PER_CHUNK + 1 }, (_, i) =>
      card(i.toString(16).padStart(16, "0")),
    );
    expect(
      DenyListSnapshotChunk.safeParse({ version: 1, chunk: 0, chunks: 1, cards: tooMany, terminals: [] })
        .success,
    ).toBe(false);
  });
});

describe("JSON snapshot chunks", () => {
  const contents: DenyListContents = {
    version: 12,
    cards: Array.from({ length: 23 }, (_, i) => card((i * 7919).toString(16).padStart(16, "0"))),
    terminals: [terminal(4), terminal(1), terminal(9)],
  };

  it("splits a list into valid chunks that rebuild it in any order", () => {
    const chunks = chunkDenyListSnapshot(contents, 5);
    expect(chunks).toHaveLength(6);
    for (const chunk of chunks) expect(DenyListSnapshotChunk.parse(chunk)).toEqual(chunk);
    const rebuilt = DenyList.fromSnapshotChunks([...chunks].reverse());
    expect(rebuilt.equals(DenyList.fromEntries(12, contents.cards, contents.terminals))).toBe(true);
  });

  it("sends an empty list as one empty chunk", () => {
    const chunks = chunkDenyListSnapshot({ version: 0, cards: [], terminals: [] });
    expect(chunks).toEqual([{ version: 0, chunk: 0, chunks: 1, cards: [], terminals: [] }]);
    expect(DenyList.fromSnapshotChunks(chunks).cardCount).toBe(0);
  });

  it("refuses an incomplete snapshot, a repeated chunk, or chunks of different versions", () => {
    const chunks = chunkDenyListSnapshot(contents, 5);
    expect(() => DenyList.fromSnapshotChunks(chunks.slice(1))).toThrow(DenyListFormatError);
    expect(() => DenyList.fromSnapshotChunks([...chunks.slice(1), chunks[1]!])).toThrow(DenyListFormatError);
    expect(() => DenyList.fromSnapshotChunks([...chunks.slice(1), { ...chunks[0]!, version: 13 }])).toThrow(
      DenyListFormatError,
    );
    expect(() => DenyList.fromSnapshotChunks([])).toThrow(DenyListFormatError);
  });
});
