/**
 * Card ids as unsigned 64-bit integers. Read big-endian, numeric order equals byte order equals the
 * order of their lowercase hex, so sorted ids look the same on the wire, in binary and in memory.
 */

export const CARD_ID_BYTES = 8;
const CARD_ID_HEX = /^[0-9a-fA-F]{16}$/;

/** The card id as a bigint; accepts 16 hex digits (either case) or 8 bytes, throws on anything else. */
export function cardIdToBigInt(id: string | Uint8Array): bigint {
  if (typeof id === "string") {
    if (!CARD_ID_HEX.test(id)) throw new TypeError("a card id is 16 hex characters");
    return BigInt(`0x${id}`);
  }
  if (id.length !== CARD_ID_BYTES) throw new TypeError("a card id is 8 bytes");
  return new DataView(id.buffer, id.byteOffset, CARD_ID_BYTES).getBigUint64(0);
}

/** The wire form of a card id: 16 lowercase hex characters. */
export function cardIdToHex(id: bigint): string {
  return id.toString(16).padStart(16, "0");
}

/**
 * Ids in strictly ascending order without duplicates. Already-normal input (the common case: lists
 * read back from storage) is returned as is after one linear check, so it costs no sort and no copy.
 */
export function sortedUniqueCardIds(ids: BigUint64Array): BigUint64Array {
  if (isStrictlyAscending(ids)) return ids;
  const sorted = ids.slice().sort();
  let kept = 0;
  for (let read = 0; read < sorted.length; read++) {
    const id = sorted[read]!;
    if (kept === 0 || sorted[kept - 1] !== id) sorted[kept++] = id;
  }
  return kept === sorted.length ? sorted : sorted.slice(0, kept);
}

export function isStrictlyAscending(ids: BigUint64Array): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i - 1]! >= ids[i]!) return false;
  return true;
}

/** Binary search in a strictly ascending id array. */
export function containsCardId(sorted: BigUint64Array, id: bigint): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const probe = sorted[mid]!;
    if (probe === id) return true;
    if (probe < id) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

/** Which 32-bit word of a 64-bit element holds the low half on this platform. */
const LOW_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * Parses many wire ids into a sorted, duplicate-free array. The halves are written as 32-bit words
 * straight into the array's memory: no bigint per id, which matters at a million entries.
 */
export function cardIdsFromHex(ids: Iterable<string>): BigUint64Array {
  const list = Array.isArray(ids) ? (ids as readonly string[]) : [...ids];
  const out = new BigUint64Array(list.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < list.length; i++) {
    const id = list[i]!;
    if (typeof id !== "string" || !CARD_ID_HEX.test(id))
      throw new TypeError("a card id is 16 hex characters");
    words[2 * i + LOW_WORD] = Number.parseInt(id.slice(8), 16);
    words[2 * i + 1 - LOW_WORD] = Number.parseInt(id.slice(0, 8), 16);
  }
  return sortedUniqueCardIds(out);
}
