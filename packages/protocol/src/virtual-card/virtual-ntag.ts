/**
 * VirtualNtag: an in-memory NTAG215/216 that stores 4-byte pages, writes NDEF the way a phone does (page by
 * page from page 4) and can be torn mid-write, for tests, demo mode and the fleet simulator.
 */
import { equalBytes } from "../encoding/bytes.ts";
import {
  decodeNdefMessage,
  encodeNdefMessage,
  type NdefRecord,
  parseTlvArea,
  wrapTlv,
} from "../ndef/index.ts";
import { mulberry32 } from "./mulberry32.ts";
import {
  CASCADE_TAG,
  NTAG_INTERNAL_BYTE,
  NTAG_LAYOUTS,
  NTAG_TRAILER_PAGES,
  type NtagLayout,
  type NtagModel,
  NXP_MANUFACTURER_CODE,
  PAGE_SIZE,
  UID_LENGTH,
} from "./ntag-model.ts";
import { type CardReadResult, serialNumberOf } from "./transport.ts";

/**
 * How the phone orders page writes.
 * - "page-order": every page of the TLV once, page 4 first (the model the trust design is written against).
 * - "length-last": Android's libnfc-nci Type 2 Tag writer (what Chrome's Web NFC runs on): page 4 first with
 *   the NDEF length zeroed, the remaining message pages, page 4 again with the real length, then the page
 *   holding the terminator. A tear in between leaves an NDEF TLV of length 0, so the card reads as empty.
 */
export type WriteOrder = "page-order" | "length-last";

/** Where and how a write is interrupted; `atPage` indexes the write sequence (0 = first page write). */
export interface Tear {
  atPage: number;
  /** "cut": the interrupted page keeps its old bytes. "garble": it holds bytes that are neither old nor new. */
  model: "cut" | "garble";
  /** Source of garbage for "garble", values in [0, 1); defaults to a fixed-seed mulberry32. */
  random?: () => number;
}

export interface WriteOptions {
  tear?: Tear | null;
  order?: WriteOrder;
}

export interface WriteOutcome {
  pagesWritten: number;
  torn: boolean;
}

export interface VirtualNtagOptions {
  model: NtagModel;
  /** 7 bytes; a fresh NXP-style UID (first byte 0x04) when absent. */
  uid?: Uint8Array;
  /** Factory-blank fill of user memory. */
  blank?: 0x00 | 0xff;
}

/** A full memory image; `restore` only accepts it back onto the same chip, because a UID is burnt in. */
export interface VirtualNtagSnapshot {
  model: NtagModel;
  uid: Uint8Array;
  memory: Uint8Array;
}

export class CardCapacityError extends Error {
  readonly requiredBytes: number;
  readonly availableBytes: number;

  constructor(requiredBytes: number, availableBytes: number) {
    super(`NDEF message needs ${requiredBytes} bytes of user memory, the card has ${availableBytes}`);
    this.name = "CardCapacityError";
    this.requiredBytes = requiredBytes;
    this.availableBytes = availableBytes;
  }
}

/** The write stopped because the card left the field; memory may hold a mix of old, new and garbled pages. */
export class CardTornError extends Error {
  /** Page writes that completed before the tear. */
  readonly pagesWritten: number;
  readonly model: Tear["model"];

  constructor(pagesWritten: number, model: Tear["model"]) {
    super(`card left the field after ${pagesWritten} page writes (${model})`);
    this.name = "CardTornError";
    this.pagesWritten = pagesWritten;
    this.model = model;
  }
}

interface PageWrite {
  page: number;
  bytes: Uint8Array;
}

const DEFAULT_TEAR_SEED = 0x7e55e7a;

export class VirtualNtag {
  readonly model: NtagModel;
  readonly uid: Uint8Array;
  readonly serialNumber: string;
  readonly pageCount: number;
  readonly userMemoryBytes: number;
  readonly #layout: NtagLayout;
  readonly #memory: Uint8Array;

  constructor(options: VirtualNtagOptions) {
    this.model = options.model;
    this.#layout = NTAG_LAYOUTS[options.model];
    if (options.uid && options.uid.length !== UID_LENGTH) {
      throw new RangeError(`an NTAG UID is ${UID_LENGTH} bytes, got ${options.uid.length}`);
    }
    this.uid = options.uid ? options.uid.slice() : randomUid();
    this.serialNumber = serialNumberOf(this.uid);
    this.pageCount = this.#layout.pageCount;
    this.userMemoryBytes = (this.#layout.lastUserPage - this.#layout.firstUserPage + 1) * PAGE_SIZE;
    this.#memory = factoryImage(this.#layout, this.uid, options.blank ?? 0x00);
  }

  static fromSnapshot(snapshot: VirtualNtagSnapshot): VirtualNtag {
    const card = new VirtualNtag({ model: snapshot.model, uid: snapshot.uid });
    card.restore(snapshot);
    return card;
  }

  readPage(page: number): Uint8Array {
    if (!Number.isInteger(page) || page < 0 || page >= this.pageCount) {
      throw new RangeError(`page ${page} is outside 0..${this.pageCount - 1}`);
    }
    return this.#memory.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  }

  readUserMemory(): Uint8Array {
    const start = this.#layout.firstUserPage * PAGE_SIZE;
    return this.#memory.slice(start, start + this.userMemoryBytes);
  }

  /** A raw page WRITE as an NFC tool (not Web NFC) sends it: for tamper and attack simulations. */
  writePage(page: number, bytes: Uint8Array): void {
    if (!Number.isInteger(page) || page < this.#layout.firstUserPage || page > this.#layout.lastUserPage) {
      throw new RangeError(`page ${page} is not a user page`);
    }
    if (bytes.length !== PAGE_SIZE) throw new RangeError(`a page is ${PAGE_SIZE} bytes`);
    this.#memory.set(bytes, page * PAGE_SIZE);
  }

  snapshot(): VirtualNtagSnapshot {
    return { model: this.model, uid: this.uid.slice(), memory: this.#memory.slice() };
  }

  /** Puts back an earlier image of this very chip (the rollback attack); other chips need `cloneTo`. */
  restore(snapshot: VirtualNtagSnapshot): void {
    if (snapshot.model !== this.model || !equalBytes(snapshot.uid, this.uid)) {
      throw new RangeError("snapshot belongs to a different chip");
    }
    if (snapshot.memory.length !== this.#memory.length) throw new RangeError("snapshot has the wrong size");
    if (!equalBytes(snapshot.memory.subarray(0, 3 * PAGE_SIZE), this.#memory.subarray(0, 3 * PAGE_SIZE))) {
      throw new RangeError("snapshot changes the read-only UID pages");
    }
    this.#memory.set(snapshot.memory);
  }

  /**
   * The clone attack: user memory copied byte for byte onto another chip of the same model. Without `uid`
   * the copy gets a fresh UID; pass one to model a "magic" chip that fakes any serial, even this one.
   */
  cloneTo(uid?: Uint8Array): VirtualNtag {
    let cloneUid = uid;
    while (!cloneUid || (uid === undefined && equalBytes(cloneUid, this.uid))) cloneUid = randomUid();
    const clone = new VirtualNtag({ model: this.model, uid: cloneUid });
    clone.#memory.set(this.readUserMemory(), this.#layout.firstUserPage * PAGE_SIZE);
    return clone;
  }

  /** What Web NFC would report for this card now. Never throws: anything malformed is "unreadable". */
  read(): CardReadResult {
    const identity = { serialNumber: this.serialNumber, uid: this.uid.slice() };
    const area = parseTlvArea(this.readUserMemory());
    if (area.kind === "empty") return { kind: "empty", ...identity };
    if (area.kind === "invalid") return { kind: "unreadable", reason: area.reason, ...identity };
    try {
      return { kind: "ndef", records: decodeNdefMessage(area.message), ...identity };
    } catch (error) {
      return {
        kind: "unreadable",
        reason: error instanceof Error ? error.message : String(error),
        ...identity,
      };
    }
  }

  /** How many page writes `write(records)` performs; tear tests iterate 0..length-1. */
  writeSequenceLength(records: NdefRecord[], order: WriteOrder = "page-order"): number {
    return this.#planWrite(records, order).length;
  }

  /**
   * Writes the TLV-wrapped NDEF message from page 4, rewriting every page of it even where bytes do not
   * change. On a tear, memory is left as the tear model says and CardTornError is thrown, as a phone
   * rejects the write when the tag leaves the field. Bytes after the terminator keep their old values.
   */
  write(records: NdefRecord[], options: WriteOptions = {}): WriteOutcome {
    const sequence = this.#planWrite(records, options.order ?? "page-order");
    const tear = options.tear;
    if (tear && (!Number.isInteger(tear.atPage) || tear.atPage < 0)) {
      throw new RangeError(`tear.atPage must be a non-negative integer, got ${tear.atPage}`);
    }
    // A tear scheduled after the last page write never happens: the write had already completed.
    const stopAt = tear && tear.atPage < sequence.length ? tear.atPage : sequence.length;

    for (let step = 0; step < stopAt; step++) {
      const { page, bytes } = sequence[step]!;
      this.#memory.set(bytes, page * PAGE_SIZE);
    }
    if (!tear || stopAt === sequence.length) return { pagesWritten: sequence.length, torn: false };

    if (tear.model === "garble") {
      const { page, bytes } = sequence[stopAt]!;
      const garbage = garbagePage(this.readPage(page), bytes, tear.random ?? mulberry32(DEFAULT_TEAR_SEED));
      this.#memory.set(garbage, page * PAGE_SIZE);
    }
    throw new CardTornError(stopAt, tear.model);
  }

  #planWrite(records: NdefRecord[], order: WriteOrder): PageWrite[] {
    const tlv = wrapTlv(encodeNdefMessage(records));
    if (tlv.length > this.userMemoryBytes) throw new CardCapacityError(tlv.length, this.userMemoryBytes);

    const oldUser = this.readUserMemory();
    const newUser = oldUser.slice();
    newUser.set(tlv);
    const first = this.#layout.firstUserPage;
    const pageOf = (image: Uint8Array, index: number): PageWrite => ({
      page: first + index,
      bytes: image.slice(index * PAGE_SIZE, (index + 1) * PAGE_SIZE),
    });

    const terminatorIndex = tlv.length - 1;
    const terminatorPage = Math.floor(terminatorIndex / PAGE_SIZE);
    if (order === "page-order") {
      return Array.from({ length: terminatorPage + 1 }, (_, i) => pageOf(newUser, i));
    }

    // length-last: the message goes down behind a zero length, the terminator only after the length.
    const lengthFieldBytes = tlv[1] === 0xff ? 3 : 1;
    const hidden = newUser.slice();
    hidden.fill(0x00, 1, 1 + lengthFieldBytes);
    hidden[terminatorIndex] = oldUser[terminatorIndex]!;
    const lastMessagePage = Math.floor((terminatorIndex - 1) / PAGE_SIZE);
    return [
      ...Array.from({ length: lastMessagePage + 1 }, (_, i) => pageOf(hidden, i)),
      pageOf(newUser, 0),
      pageOf(newUser, terminatorPage),
    ];
  }
}

function randomUid(): Uint8Array {
  const uid = new Uint8Array(UID_LENGTH);
  crypto.getRandomValues(uid.subarray(1));
  uid[0] = NXP_MANUFACTURER_CODE;
  return uid;
}

/** Pages 0-2 carry the UID split around two check bytes (BCC0 includes the cascade tag), then the CC. */
function factoryImage(layout: NtagLayout, uid: Uint8Array, blank: number): Uint8Array {
  const memory = new Uint8Array(layout.pageCount * PAGE_SIZE);
  const u = (i: number) => uid[i]!;
  memory.set([u(0), u(1), u(2), CASCADE_TAG ^ u(0) ^ u(1) ^ u(2)], 0);
  memory.set([u(3), u(4), u(5), u(6)], 4);
  memory.set([u(3) ^ u(4) ^ u(5) ^ u(6), NTAG_INTERNAL_BYTE, 0x00, 0x00], 8); // BCC1, internal, static lock bytes
  memory.set(layout.capabilityContainer, 12);
  memory.fill(blank, layout.firstUserPage * PAGE_SIZE, (layout.lastUserPage + 1) * PAGE_SIZE);
  NTAG_TRAILER_PAGES.forEach((page, i) => {
    memory.set(page, (layout.lastUserPage + 1 + i) * PAGE_SIZE);
  });
  return memory;
}

/** Four random bytes guaranteed to differ from both the page's old and intended new contents. */
function garbagePage(oldBytes: Uint8Array, newBytes: Uint8Array, random: () => number): Uint8Array {
  const garbage = new Uint8Array(PAGE_SIZE);
  for (let attempt = 0; attempt < 8; attempt++) {
    for (let i = 0; i < PAGE_SIZE; i++) garbage[i] = Math.floor(random() * 256) & 0xff;
    if (!equalBytes(garbage, oldBytes) && !equalBytes(garbage, newBytes)) return garbage;
  }
  // A degenerate `random` (say, constant) could keep matching; one byte that differs from both suffices.
  let b = 0;
  while (b === oldBytes[0] || b === newBytes[0]) b++;
  garbage[0] = b;
  return garbage;
}
