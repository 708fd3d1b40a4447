/**
 * The card payload: two slots back to back in one NDEF record. Each write puts the new state into the slot
 * that does not hold the current state and copies the other slot unchanged, so a torn write can only ever
 * damage the slot being replaced — or, under the garbled-page model, a slot rewritten with its own bytes.
 * Each slot names its own layout version, so a newer layout can be read beside an older one.
 */
import { historyEntriesForSlot, LAYOUT_V1, slotBytes } from "./layout-v1.ts";

export type SlotIndex = 0 | 1;

/** Layout versions this code can read; layout 2 would add its own slot codec beside layout-v1.ts. */
export const READABLE_LAYOUTS: readonly number[] = [LAYOUT_V1];
/** Layout versions this code can write when policy names them (operations/apply.ts refuses any other). */
export const WRITABLE_LAYOUTS: readonly number[] = [LAYOUT_V1];
/** Layout numbers reserved for future versions: a slot naming one is "newer than me", not damage. */
export const FUTURE_LAYOUTS = { min: 2, max: 15 } as const;

export type RawSlot =
  | { kind: "empty" }
  | { kind: "present"; layout: number; bytes: Uint8Array }
  | { kind: "malformed" };

/** Splits a payload into its two slots; undefined when the length fits no known slot size. */
export function splitPayload(payload: Uint8Array): [Uint8Array, Uint8Array] | undefined {
  if (payload.length % 2 !== 0) return undefined;
  const size = payload.length / 2;
  if (historyEntriesForSlot(size) === undefined) return undefined;
  return [payload.subarray(0, size), payload.subarray(size)];
}

export function classifySlot(bytes: Uint8Array): RawSlot {
  if (bytes.every((b) => b === 0)) return { kind: "empty" };
  const layout = bytes[0]!;
  if (layout === 0) return { kind: "malformed" };
  return { kind: "present", layout, bytes };
}

/** The payload size for a given history length (NTAG215: 4 entries, 476 bytes). */
export function payloadBytes(historyEntries: number): number {
  return 2 * slotBytes(historyEntries);
}

/**
 * The payload to write: `slot` goes into `target`; the other slot keeps the bytes it had (`current`), or is
 * cleared when there is no current payload (issue) or the write starts the card afresh (restore).
 */
export function composePayload(slot: Uint8Array, target: SlotIndex, current: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(slot.length * 2);
  out.set(slot, target * slot.length);
  if (current) {
    if (current.length !== out.length)
      throw new RangeError("the card's current payload has a different size");
    const other = target === 0 ? 1 : 0;
    out.set(current.subarray(other * slot.length, (other + 1) * slot.length), other * slot.length);
  }
  return out;
}
