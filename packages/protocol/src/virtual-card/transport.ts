/** The card interface the terminal talks to, implemented by the Web NFC transport and the virtual card. */
import type { NdefRecord } from "../ndef/index.ts";

export interface CardIdentity {
  /** Web NFC style: lowercase hex bytes joined by colons, e.g. "04:a1:5c:22:9e:41:80". */
  serialNumber: string;
  uid: Uint8Array;
}

export type CardReadResult =
  | ({ kind: "ndef"; records: NdefRecord[] } & CardIdentity)
  | ({ kind: "empty" } & CardIdentity)
  | ({ kind: "unreadable"; reason: string } & CardIdentity);

export interface CardTransport {
  /** Resolves with what the card holds; a malformed card is a result ("unreadable"), not a rejection. */
  read(): Promise<CardReadResult>;
  /** Rejects when the write did not complete, for example CardTornError when the card left the field. */
  write(records: NdefRecord[]): Promise<void>;
}

export function serialNumberOf(uid: Uint8Array): string {
  return Array.from(uid, (b) => b.toString(16).padStart(2, "0")).join(":");
}
