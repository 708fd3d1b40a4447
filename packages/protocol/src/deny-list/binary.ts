/**
 * The compact binary form of deny-list snapshots and deltas, for terminals that hold a million
 * entries (8 bytes per card instead of ~100 bytes of JSON) and keep them in IndexedDB.
 *
 * All integers are unsigned big-endian. Ids are compared as unsigned 64-bit integers, which is also
 * their byte order and the order of their hex form.
 *
 * Snapshot (kind 0)                          Delta (kind 1)
 *   0  4  magic "TDL1" (54 44 4C 31)           0  4  magic "TDL1"
 *   4  1  kind = 0                             4  1  kind = 1
 *   5  3  reserved, zero                       5  3  reserved, zero
 *   8  4  version                              8  4  from (version the delta applies to)
 *  12  4  card count C                        12  4  to (version after it; to >= from)
 *  16  4  terminal count T                    16  4  added card count AC
 *  20  8C card ids, strictly ascending        20  4  added terminal count AT
 *   …  8T terminal records                    24  4  removed card count RC
 *                                             28  4  removed terminal count RT
 *                                             32  8AC added card ids, strictly ascending
 *                                              …  8AT added terminal records
 *                                              …  8RC removed card ids, strictly ascending
 *                                              …  4RT removed terminal numbers, strictly ascending
 *
 * A terminal record is terminal number (4) then effectiveFrom in epoch seconds (4); records are
 * strictly ascending by number. In a delta no key is both added and removed. The input must end
 * exactly after the last list. Decoding accepts nothing else, so every accepted input has exactly
 * one encoding and re-encodes to the same bytes.
 */
import { CARD_ID_BYTES, sortedUniqueCardIds } from "./card-id.ts";
import { DenyListFormatError } from "./errors.ts";

export const DENY_LIST_MAGIC = "TDL1";
const MAGIC_BYTES = [0x54, 0x44, 0x4c, 0x31] as const;
const SNAPSHOT_KIND = 0;
const DELTA_KIND = 1;
const SNAPSHOT_HEADER_BYTES = 20;
const DELTA_HEADER_BYTES = 32;
const TERMINAL_RECORD_BYTES = 8;
const TERMINAL_NUMBER_BYTES = 4;
const UINT32_MAX = 0xffff_ffff;

/** A terminal on the list as terminals enforce it: writes signed at or after `effectiveFrom` are refused. */
export interface TerminalRevocation {
  terminalNumber: number;
  effectiveFrom: number;
}

export interface CompactDenyListSnapshot {
  kind: "snapshot";
  version: number;
  cards: BigUint64Array;
  terminals: readonly TerminalRevocation[];
}

export interface CompactDenyListDelta {
  kind: "delta";
  from: number;
  to: number;
  add: { cards: BigUint64Array; terminals: readonly TerminalRevocation[] };
  remove: { cards: BigUint64Array; terminals: readonly number[] };
}

export type CompactDenyList = CompactDenyListSnapshot | CompactDenyListDelta;

/** Encodes a snapshot or delta; ids and records are sorted here, so callers may pass them in any order. */
export function encodeDenyListBinary(value: CompactDenyList): Uint8Array {
  if (value.kind === "snapshot") {
    assertUint32(value.version, "version");
    const cards = sortedUniqueCardIds(value.cards);
    const terminals = sortedRevocations(value.terminals);
    const writer = new Writer(
      SNAPSHOT_HEADER_BYTES + cards.length * CARD_ID_BYTES + terminals.length * TERMINAL_RECORD_BYTES,
    );
    writer.header(SNAPSHOT_KIND);
    writer.u32(value.version);
    writer.u32(cards.length);
    writer.u32(terminals.length);
    writer.ids(cards);
    writer.revocations(terminals);
    return writer.done();
  }
  assertUint32(value.from, "from");
  assertUint32(value.to, "to");
  if (value.to < value.from) throw new RangeError("a delta's to must not be below its from");
  const addCards = sortedUniqueCardIds(value.add.cards);
  const addTerminals = sortedRevocations(value.add.terminals);
  const removeCards = sortedUniqueCardIds(value.remove.cards);
  const removeTerminals = [...new Set(value.remove.terminals)].sort((a, b) => a - b);
  for (const n of removeTerminals) assertUint32(n, "terminal number");
  if (!disjointIds(addCards, removeCards)) throw new RangeError("a card is both added and removed");
  const added = new Set(addTerminals.map((t) => t.terminalNumber));
  if (removeTerminals.some((n) => added.has(n))) throw new RangeError("a terminal is both added and removed");

  const writer = new Writer(
    DELTA_HEADER_BYTES +
      (addCards.length + removeCards.length) * CARD_ID_BYTES +
      addTerminals.length * TERMINAL_RECORD_BYTES +
      removeTerminals.length * TERMINAL_NUMBER_BYTES,
  );
  writer.header(DELTA_KIND);
  writer.u32(value.from);
  writer.u32(value.to);
  writer.u32(addCards.length);
  writer.u32(addTerminals.length);
  writer.u32(removeCards.length);
  writer.u32(removeTerminals.length);
  writer.ids(addCards);
  writer.revocations(addTerminals);
  writer.ids(removeCards);
  for (const n of removeTerminals) writer.u32(n);
  return writer.done();
}

/** Decodes a snapshot or delta; anything not exactly in the format throws `DenyListFormatError`. */
export function decodeDenyListBinary(bytes: Uint8Array): CompactDenyList {
  if (!(bytes instanceof Uint8Array)) throw new DenyListFormatError("deny-list binary must be a Uint8Array");
  const reader = new Reader(bytes);
  reader.need(8, "header");
  for (let i = 0; i < MAGIC_BYTES.length; i++) {
    if (bytes[i] !== MAGIC_BYTES[i]) throw new DenyListFormatError(`not a ${DENY_LIST_MAGIC} deny list`, i);
  }
  const kind = bytes[4]!;
  if (bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0)
    throw new DenyListFormatError("reserved bytes not zero", 5);
  reader.offset = 8;

  if (kind === SNAPSHOT_KIND) {
    reader.need(SNAPSHOT_HEADER_BYTES - 8, "snapshot header");
    const version = reader.u32();
    const cardCount = reader.u32();
    const terminalCount = reader.u32();
    reader.expectRemaining(cardCount * CARD_ID_BYTES + terminalCount * TERMINAL_RECORD_BYTES);
    const cards = reader.ids(cardCount, "card ids");
    const terminals = reader.revocations(terminalCount);
    return { kind: "snapshot", version, cards, terminals };
  }
  if (kind === DELTA_KIND) {
    reader.need(DELTA_HEADER_BYTES - 8, "delta header");
    const from = reader.u32();
    const to = reader.u32();
    if (to < from) throw new DenyListFormatError("delta ends before it starts", 12);
    const addCardCount = reader.u32();
    const addTerminalCount = reader.u32();
    const removeCardCount = reader.u32();
    const removeTerminalCount = reader.u32();
    reader.expectRemaining(
      (addCardCount + removeCardCount) * CARD_ID_BYTES +
        addTerminalCount * TERMINAL_RECORD_BYTES +
        removeTerminalCount * TERMINAL_NUMBER_BYTES,
    );
    const addCards = reader.ids(addCardCount, "added card ids");
    const addTerminals = reader.revocations(addTerminalCount);
    const removeStart = reader.offset;
    const removeCards = reader.ids(removeCardCount, "removed card ids");
    const removeTerminals = reader.terminalNumbers(removeTerminalCount);
    if (!disjointIds(addCards, removeCards))
      throw new DenyListFormatError("a card is both added and removed", removeStart);
    const added = new Set(addTerminals.map((t) => t.terminalNumber));
    if (removeTerminals.some((n) => added.has(n))) {
      throw new DenyListFormatError("a terminal is both added and removed", removeStart);
    }
    return {
      kind: "delta",
      from,
      to,
      add: { cards: addCards, terminals: addTerminals },
      remove: { cards: removeCards, terminals: removeTerminals },
    };
  }
  throw new DenyListFormatError(`unknown deny-list kind ${kind}`, 4);
}

function assertUint32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX)
    throw new RangeError(`${what} must be a uint32`);
}

/** Sorted by number; a terminal listed twice keeps its earliest `effectiveFrom`, the stricter one. */
export function sortedRevocations(revocations: Iterable<TerminalRevocation>): TerminalRevocation[] {
  const strictest = new Map<number, number>();
  for (const { terminalNumber, effectiveFrom } of revocations) {
    assertUint32(terminalNumber, "terminal number");
    assertUint32(effectiveFrom, "effectiveFrom");
    const known = strictest.get(terminalNumber);
    if (known === undefined || effectiveFrom < known) strictest.set(terminalNumber, effectiveFrom);
  }
  return [...strictest]
    .sort(([a], [b]) => a - b)
    .map(([terminalNumber, effectiveFrom]) => ({ terminalNumber, effectiveFrom }));
}

function disjointIds(a: BigUint64Array, b: BigUint64Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) return false;
    if (a[i]! < b[j]!) i++;
    else j++;
  }
  return true;
}

class Writer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  offset = 0;

  constructor(length: number) {
    this.bytes = new Uint8Array(length);
    this.view = new DataView(this.bytes.buffer);
  }

  header(kind: number): void {
    this.bytes.set(MAGIC_BYTES, 0);
    this.bytes[4] = kind;
    this.offset = 8;
  }

  u32(value: number): void {
    this.view.setUint32(this.offset, value);
    this.offset += 4;
  }

  ids(ids: BigUint64Array): void {
    for (const id of ids) {
      this.view.setBigUint64(this.offset, id);
      this.offset += CARD_ID_BYTES;
    }
  }

  revocations(revocations: readonly TerminalRevocation[]): void {
    for (const { terminalNumber, effectiveFrom } of revocations) {
      this.u32(terminalNumber);
      this.u32(effectiveFrom);
    }
  }

  done(): Uint8Array {
    if (this.offset !== this.bytes.length) throw new Error("deny-list encoder wrote the wrong length");
    return this.bytes;
  }
}

/** Reads only after `need`/`expectRemaining` proved the bytes are there, so it never reads out of bounds. */
class Reader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(length: number, what: string): void {
    if (this.bytes.length - this.offset < length)
      throw new DenyListFormatError(`truncated ${what}`, this.offset);
  }

  /** Counts come from the input, so the whole body length is checked before any list is read. */
  expectRemaining(length: number): void {
    const remaining = this.bytes.length - this.offset;
    if (remaining < length) throw new DenyListFormatError("truncated lists", this.bytes.length);
    if (remaining > length)
      throw new DenyListFormatError("trailing bytes after the last list", this.offset + length);
  }

  u32(): number {
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  ids(count: number, what: string): BigUint64Array {
    const ids = new BigUint64Array(count);
    for (let i = 0; i < count; i++) {
      const id = this.view.getBigUint64(this.offset);
      if (i > 0 && ids[i - 1]! >= id)
        throw new DenyListFormatError(`${what} not strictly ascending`, this.offset);
      ids[i] = id;
      this.offset += CARD_ID_BYTES;
    }
    return ids;
  }

  revocations(count: number): TerminalRevocation[] {
    const out: TerminalRevocation[] = [];
    for (let i = 0; i < count; i++) {
      const start = this.offset;
      const terminalNumber = this.u32();
      const effectiveFrom = this.u32();
      if (i > 0 && out[i - 1]!.terminalNumber >= terminalNumber) {
        throw new DenyListFormatError("terminal records not strictly ascending", start);
      }
      out.push({ terminalNumber, effectiveFrom });
    }
    return out;
  }

  terminalNumbers(count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = this.offset;
      const n = this.u32();
      if (i > 0 && out[i - 1]! >= n)
        throw new DenyListFormatError("removed terminals not strictly ascending", start);
      out.push(n);
    }
    return out;
  }
}
