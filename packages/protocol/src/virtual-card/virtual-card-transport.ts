/** Adapts a VirtualNtag to the CardTransport interface, with one-shot tear injection for demos and tests. */
import type { NdefRecord } from "../ndef/index.ts";
import type { CardReadResult, CardTransport } from "./transport.ts";
import type { Tear, VirtualNtag, WriteOrder } from "./virtual-ntag.ts";

export class VirtualCardTransport implements CardTransport {
  /** The card currently "on the reader"; demo mode swaps it to present another card. */
  card: VirtualNtag;
  /** Applied to the next write only, then cleared, like a card pulled away once. */
  nextTear: Tear | null = null;
  writeOrder: WriteOrder;

  constructor(card: VirtualNtag, options: { writeOrder?: WriteOrder } = {}) {
    this.card = card;
    this.writeOrder = options.writeOrder ?? "page-order";
  }

  async read(): Promise<CardReadResult> {
    return this.card.read();
  }

  async write(records: NdefRecord[]): Promise<void> {
    const tear = this.nextTear;
    this.nextTear = null;
    this.card.write(records, { tear, order: this.writeOrder });
  }
}
