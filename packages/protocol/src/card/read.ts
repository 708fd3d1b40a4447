/** Turns what a card transport read into the card image verification works on. */
import { isTesseraRecord, type NdefRecord, tesseraRecord } from "../ndef/index.ts";
import type { CardImage } from "../verify/verify-card.ts";
import type { CardReadResult } from "../virtual-card/transport.ts";

export function cardImageFromRead(read: CardReadResult): CardImage {
  switch (read.kind) {
    case "empty":
      return { uid: read.uid, payload: null };
    case "unreadable":
      return { uid: read.uid, payload: null, unreadable: read.reason };
    case "ndef": {
      const ours = read.records.filter(isTesseraRecord);
      if (ours.length === 0) return { uid: read.uid, payload: null, foreign: read.records.length > 0 };
      // A Tessera card carries exactly one Tessera record; more than one is not something we wrote.
      if (ours.length > 1) return { uid: read.uid, payload: new Uint8Array(0) };
      return { uid: read.uid, payload: ours[0]!.payload };
    }
  }
}

/** The NDEF message a terminal writes for a payload. */
export function cardRecords(payload: Uint8Array): NdefRecord[] {
  return [tesseraRecord(payload)];
}
