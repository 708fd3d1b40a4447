/**
 * The deny list as terminals and Workers enforce it, offline and at a million entries: card ids in a
 * sorted `BigUint64Array` (8 bytes each, binary search) and revoked terminals in a Map. Instances are
 * never changed; a delta yields a new list, so a reader holding the old one is never half-updated.
 */
import {
  type CompactDenyListDelta,
  type CompactDenyListSnapshot,
  decodeDenyListBinary,
  encodeDenyListBinary,
  sortedRevocations,
  type TerminalRevocation,
} from "./binary.ts";
import {
  cardIdsFromHex,
  cardIdToBigInt,
  cardIdToHex,
  containsCardId,
  sortedUniqueCardIds,
} from "./card-id.ts";
import type { DenyListDelta, DenyListSnapshotChunk } from "./entries.ts";
import { DenyListFormatError, DenyListVersionError } from "./errors.ts";

const UINT32_MAX = 0xffff_ffff;

export class DenyList {
  readonly version: number;
  readonly #cards: BigUint64Array;
  readonly #terminals: ReadonlyMap<number, number>;

  private constructor(version: number, cards: BigUint64Array, terminals: ReadonlyMap<number, number>) {
    if (!Number.isInteger(version) || version < 0 || version > UINT32_MAX) {
      throw new RangeError("a deny-list version is a uint32");
    }
    this.version = version;
    this.#cards = cards;
    this.#terminals = terminals;
  }

  static empty(): DenyList {
    return new DenyList(0, new BigUint64Array(0), new Map());
  }

  /**
   * Builds a list from wire entries or bare ids (either case). Repeated cards collapse into one; a
   * terminal listed twice keeps its earliest `effectiveFrom`, because refusing more is the safe side.
   */
  static fromEntries(
    version: number,
    cards: Iterable<string | { id: string }>,
    terminals: Iterable<TerminalRevocation> = [],
  ): DenyList {
    const ids = cardIdsFromHex(mapIterable(cards, (card) => (typeof card === "string" ? card : card.id)));
    return new DenyList(version, ids, revocationMap(terminals));
  }

  /** Builds a list from a decoded snapshot; the ids are copied so the caller's array stays theirs. */
  static fromCompact(snapshot: CompactDenyListSnapshot): DenyList {
    const ids = sortedUniqueCardIds(snapshot.cards);
    return new DenyList(
      snapshot.version,
      ids === snapshot.cards ? ids.slice() : ids,
      revocationMap(snapshot.terminals),
    );
  }

  /** Reads a list stored with `toBinary()`; a delta or malformed bytes throw `DenyListFormatError`. */
  static fromBinary(bytes: Uint8Array): DenyList {
    const decoded = decodeDenyListBinary(bytes);
    if (decoded.kind !== "snapshot")
      throw new DenyListFormatError("expected a deny-list snapshot, got a delta", 4);
    return new DenyList(decoded.version, decoded.cards, revocationMap(decoded.terminals));
  }

  /** Assembles a JSON snapshot; the chunks may arrive in any order but must all be there, from one version. */
  static fromSnapshotChunks(chunks: readonly DenyListSnapshotChunk[]): DenyList {
    const first = chunks[0];
    if (first === undefined) throw new DenyListFormatError("a snapshot has at least one chunk");
    if (chunks.length !== first.chunks) {
      throw new DenyListFormatError(`snapshot has ${first.chunks} chunks, got ${chunks.length}`);
    }
    const seen = new Set<number>();
    for (const chunk of chunks) {
      if (chunk.version !== first.version || chunk.chunks !== first.chunks) {
        throw new DenyListFormatError("chunks come from different snapshots");
      }
      if (chunk.chunk >= first.chunks || seen.has(chunk.chunk)) {
        throw new DenyListFormatError(`chunk ${chunk.chunk} is repeated or out of range`);
      }
      seen.add(chunk.chunk);
    }
    return DenyList.fromEntries(
      first.version,
      chunks.flatMap((chunk) => chunk.cards),
      chunks.flatMap((chunk) => chunk.terminals),
    );
  }

  get cardCount(): number {
    return this.#cards.length;
  }

  get terminalCount(): number {
    return this.#terminals.size;
  }

  /** Whether the card is refused; takes the 16-hex wire id or the 8 id bytes read from the card. */
  hasCard(id: string | Uint8Array): boolean {
    return containsCardId(this.#cards, cardIdToBigInt(id));
  }

  /** When the terminal's writes stop being valid (epoch seconds), or undefined if it is not listed. */
  terminalRevokedFrom(terminalNumber: number): number | undefined {
    return this.#terminals.get(terminalNumber);
  }

  /** Whether a card write the terminal signed at `signedAt` must be refused. */
  refusesTerminalWrite(terminalNumber: number, signedAt: number): boolean {
    const from = this.#terminals.get(terminalNumber);
    return from !== undefined && signedAt >= from;
  }

  /**
   * The list after a delta. Removals apply before additions, and the card merge is one linear pass
   * over the current ids (sorting only the delta), so a 10,000-change delta on a million entries stays
   * cheap. A delta from another version throws `DenyListVersionError`: the holder needs a snapshot.
   */
  applyDelta(delta: DenyListDelta | CompactDenyListDelta): DenyList {
    const compact =
      delta.add.cards instanceof BigUint64Array
        ? (delta as CompactDenyListDelta)
        : compactDenyListDelta(delta as DenyListDelta);
    if (compact.from !== this.version) throw new DenyListVersionError(this.version, compact.from);
    if (compact.to < compact.from) {
      throw new DenyListVersionError(
        this.version,
        compact.from,
        "a deny-list delta must not lower the version",
      );
    }
    const cards = mergeCardIds(
      this.#cards,
      sortedUniqueCardIds(compact.add.cards),
      sortedUniqueCardIds(compact.remove.cards),
    );
    const terminals = new Map(this.#terminals);
    for (const n of compact.remove.terminals) terminals.delete(n);
    for (const { terminalNumber, effectiveFrom } of sortedRevocations(compact.add.terminals)) {
      terminals.set(terminalNumber, effectiveFrom);
    }
    return new DenyList(compact.to, cards, terminals);
  }

  /** The list's content as a compact snapshot; the id array is a copy. */
  toCompact(): CompactDenyListSnapshot {
    return {
      kind: "snapshot",
      version: this.version,
      cards: this.#cards.slice(),
      terminals: this.terminals(),
    };
  }

  /** The `TDL1` snapshot bytes, for IndexedDB or KV. */
  toBinary(): Uint8Array {
    return encodeDenyListBinary({
      kind: "snapshot",
      version: this.version,
      cards: this.#cards,
      terminals: this.terminals(),
    });
  }

  /** Card ids in ascending order, as wire hex. */
  *cardIds(): Generator<string> {
    for (const id of this.#cards) yield cardIdToHex(id);
  }

  /** Listed terminals in ascending number order. */
  terminals(): TerminalRevocation[] {
    return sortedRevocations(
      [...this.#terminals].map(([terminalNumber, effectiveFrom]) => ({ terminalNumber, effectiveFrom })),
    );
  }

  /** Same version and same content. */
  equals(other: DenyList): boolean {
    if (this.version !== other.version || this.#cards.length !== other.#cards.length) return false;
    if (this.#terminals.size !== other.#terminals.size) return false;
    for (let i = 0; i < this.#cards.length; i++) if (this.#cards[i] !== other.#cards[i]) return false;
    for (const [n, from] of this.#terminals) if (other.#terminals.get(n) !== from) return false;
    return true;
  }
}

/** The wire delta in the form `applyDelta` and the binary encoding use (ids parsed and sorted). */
export function compactDenyListDelta(delta: DenyListDelta): CompactDenyListDelta {
  return {
    kind: "delta",
    from: delta.from,
    to: delta.to,
    add: {
      cards: cardIdsFromHex(delta.add.cards.map((c) => c.id)),
      terminals: sortedRevocations(delta.add.terminals),
    },
    remove: {
      cards: cardIdsFromHex(delta.remove.cards),
      terminals: [...new Set(delta.remove.terminals)].sort((a, b) => a - b),
    },
  };
}

/** The compact delta that turns `older` into `newer`, in one pass over both id arrays. */
export function diffCompactDenyLists(older: DenyList, newer: DenyList): CompactDenyListDelta {
  if (newer.version < older.version) {
    throw new DenyListVersionError(older.version, newer.version, "the newer list has a lower version");
  }
  const before = older.toCompact().cards;
  const after = newer.toCompact().cards;
  const added: bigint[] = [];
  const removed: bigint[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (j >= after.length || (i < before.length && before[i]! < after[j]!)) removed.push(before[i++]!);
    else if (i >= before.length || after[j]! < before[i]!) added.push(after[j++]!);
    else {
      i++;
      j++;
    }
  }
  const addTerminals = newer
    .terminals()
    .filter((t) => older.terminalRevokedFrom(t.terminalNumber) !== t.effectiveFrom);
  const removeTerminals = older
    .terminals()
    .filter((t) => newer.terminalRevokedFrom(t.terminalNumber) === undefined)
    .map((t) => t.terminalNumber);
  return {
    kind: "delta",
    from: older.version,
    to: newer.version,
    add: { cards: BigUint64Array.from(added), terminals: addTerminals },
    remove: { cards: BigUint64Array.from(removed), terminals: removeTerminals },
  };
}

/** `(current − remove) ∪ add` over strictly ascending arrays, in one pass. */
function mergeCardIds(current: BigUint64Array, add: BigUint64Array, remove: BigUint64Array): BigUint64Array {
  if (add.length === 0 && remove.length === 0) return current;
  const out = new BigUint64Array(current.length + add.length);
  let written = 0;
  let i = 0;
  let j = 0;
  let r = 0;
  while (i < current.length || j < add.length) {
    if (j >= add.length || (i < current.length && current[i]! < add[j]!)) {
      const id = current[i++]!;
      while (r < remove.length && remove[r]! < id) r++;
      if (r < remove.length && remove[r] === id) continue;
      out[written++] = id;
    } else if (i >= current.length || add[j]! < current[i]!) {
      out[written++] = add[j++]!;
    } else {
      out[written++] = current[i++]!;
      j++;
    }
  }
  return written === out.length ? out : out.slice(0, written);
}

function revocationMap(revocations: Iterable<TerminalRevocation>): Map<number, number> {
  return new Map(sortedRevocations(revocations).map((t) => [t.terminalNumber, t.effectiveFrom]));
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}
