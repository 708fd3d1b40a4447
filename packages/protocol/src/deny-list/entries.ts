/**
 * Wire schemas of the deny list: its entries, JSON snapshot chunks, deltas and the "take a snapshot"
 * answer. Entries carry who added them and why; terminals keep only what they enforce.
 */
import { z } from "zod";

const UINT32_MAX = 0xffff_ffff;

/** Versions are uint32 so every list the wire can carry also fits the binary encoding. */
export const DenyListVersion = z.int().min(0).max(UINT32_MAX).describe("Deny-list version, +1 per change");
const EpochSeconds = z.int().min(0).max(UINT32_MAX);

export const DENY_REASONS = [
  "lost",
  "stolen",
  "fraud",
  "tamper",
  "expired",
  "admin",
  "revoked",
  "compromised",
  "flag",
] as const;
export const DenyReason = z.enum(DENY_REASONS);
export type DenyReason = z.infer<typeof DenyReason>;

export const DenyListCardId = z
  .string()
  .regex(/^[0-9a-f]{16}$/, "expected 16 lowercase hex characters")
  .describe("8-byte card id as 16 lowercase hex characters");

/** The terminal number written on cards (not the terminal's string id). */
export const DenyListTerminalNumber = z.int().min(0).max(UINT32_MAX).describe("Terminal number (uint32)");

const entryMetadata = {
  reason: DenyReason,
  note: z.string().max(500).optional(),
  addedAt: EpochSeconds.describe("When the entry was added, epoch seconds"),
  addedBy: z.string().min(1).max(128).describe("Admin, service or rule that added the entry"),
};

export const DenyListCardEntry = z.looseObject({ id: DenyListCardId, ...entryMetadata });
export type DenyListCardEntry = z.infer<typeof DenyListCardEntry>;

export const DenyListTerminalEntry = z.looseObject({
  terminalNumber: DenyListTerminalNumber,
  effectiveFrom: EpochSeconds.describe(
    "Card writes this terminal signed at or after this instant (epoch seconds) are refused; earlier ones stay valid",
  ),
  ...entryMetadata,
});
export type DenyListTerminalEntry = z.infer<typeof DenyListTerminalEntry>;

/** Largest number of entries (cards plus terminals) one JSON snapshot chunk may carry. */
export const MAX_ENTRIES_PER_CHUNK = 10_000;

export const DenyListSnapshotChunk = z
  .looseObject({
    version: DenyListVersion,
    chunk: z.int().min(0).describe("Index of this chunk, from 0"),
    chunks: z.int().min(1).describe("Number of chunks in the snapshot"),
    cards: z.array(DenyListCardEntry),
    terminals: z.array(DenyListTerminalEntry),
  })
  .check((ctx) => {
    const { chunk, chunks, cards, terminals } = ctx.value;
    if (chunk >= chunks)
      ctx.issues.push({
        code: "custom",
        input: chunk,
        path: ["chunk"],
        message: "chunk must be below chunks",
      });
    if (cards.length + terminals.length > MAX_ENTRIES_PER_CHUNK) {
      ctx.issues.push({
        code: "custom",
        input: cards.length + terminals.length,
        path: ["cards"],
        message: `a chunk carries at most ${MAX_ENTRIES_PER_CHUNK} entries`,
      });
    }
  });
export type DenyListSnapshotChunk = z.infer<typeof DenyListSnapshotChunk>;

/**
 * The changes from version `from` to version `to`. Additions replace an entry with the same key (so a
 * terminal's `effectiveFrom` can move); a key appears at most once across `add` and `remove`, so the
 * order in which a holder applies them cannot matter.
 */
export const DenyListDelta = z
  .looseObject({
    from: DenyListVersion,
    to: DenyListVersion,
    add: z.looseObject({ cards: z.array(DenyListCardEntry), terminals: z.array(DenyListTerminalEntry) }),
    remove: z.looseObject({ cards: z.array(DenyListCardId), terminals: z.array(DenyListTerminalNumber) }),
  })
  .check((ctx) => {
    const { from, to, add, remove } = ctx.value;
    if (to < from)
      ctx.issues.push({ code: "custom", input: to, path: ["to"], message: "to must not be below from" });
    const seenCards = new Set<string>();
    const seenTerminals = new Set<number>();
    const once = (seen: Set<string | number>, key: string | number, path: (string | number)[]) => {
      if (seen.has(key))
        ctx.issues.push({ code: "custom", input: key, path, message: "key appears twice in the delta" });
      seen.add(key);
    };
    for (const [i, entry] of add.cards.entries()) once(seenCards, entry.id, ["add", "cards", i, "id"]);
    for (const [i, id] of remove.cards.entries()) once(seenCards, id, ["remove", "cards", i]);
    for (const [i, entry] of add.terminals.entries())
      once(seenTerminals, entry.terminalNumber, ["add", "terminals", i]);
    for (const [i, n] of remove.terminals.entries()) once(seenTerminals, n, ["remove", "terminals", i]);
  });
export type DenyListDelta = z.infer<typeof DenyListDelta>;

/** The answer to a delta request from a version the server no longer keeps deltas for. */
export const DenyListDeltaUnavailable = z.looseObject({
  snapshotRequired: z.literal(true),
  from: DenyListVersion.describe("The version the delta was asked from"),
  version: DenyListVersion.describe("The current version; fetch its snapshot"),
});
export type DenyListDeltaUnavailable = z.infer<typeof DenyListDeltaUnavailable>;

/** What a delta request answers: the delta, or the instruction to take a snapshot. */
export const DenyListDeltaAnswer = z.union([DenyListDelta, DenyListDeltaUnavailable]);
export type DenyListDeltaAnswer = z.infer<typeof DenyListDeltaAnswer>;

/** A whole list with its metadata, as a server holds it (keys unique). */
export interface DenyListContents {
  version: number;
  cards: readonly DenyListCardEntry[];
  terminals: readonly DenyListTerminalEntry[];
}

/** Splits a list into snapshot chunks; an empty list is one empty chunk, so "chunks" is never 0. */
export function chunkDenyListSnapshot(
  contents: DenyListContents,
  maxEntries: number = MAX_ENTRIES_PER_CHUNK,
): DenyListSnapshotChunk[] {
  if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > MAX_ENTRIES_PER_CHUNK) {
    throw new RangeError(`maxEntries must be 1..${MAX_ENTRIES_PER_CHUNK}`);
  }
  const cards = [...contents.cards].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const terminals = [...contents.terminals].sort((a, b) => a.terminalNumber - b.terminalNumber);
  const total = cards.length + terminals.length;
  const chunks = Math.max(1, Math.ceil(total / maxEntries));
  const out: DenyListSnapshotChunk[] = [];
  for (let chunk = 0; chunk < chunks; chunk++) {
    const start = chunk * maxEntries;
    const end = start + maxEntries;
    out.push({
      version: contents.version,
      chunk,
      chunks,
      cards: cards.slice(Math.min(start, cards.length), Math.min(end, cards.length)),
      terminals: terminals.slice(Math.max(0, start - cards.length), Math.max(0, end - cards.length)),
    });
  }
  return out;
}
