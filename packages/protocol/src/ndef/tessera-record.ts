/** Tessera's one NDEF record (external type "tsr.io:c") and the card-capacity arithmetic that follows from it. */
import { equalBytes, utf8 } from "../encoding/bytes.ts";
import { encodedRecordLength, type NdefRecord, TNF } from "./ndef-message.ts";
import { wrappedTlvLength } from "./tlv.ts";

/** NFC Forum external type: short, because every byte of the type is a byte taken from the card image. */
export const TESSERA_RECORD_TYPE = "tsr.io:c";
const TESSERA_TYPE_BYTES = utf8.encode(TESSERA_RECORD_TYPE);

export function tesseraRecord(payload: Uint8Array): NdefRecord {
  return { tnf: TNF.external, type: TESSERA_TYPE_BYTES.slice(), payload };
}

export function isTesseraRecord(record: NdefRecord): boolean {
  return record.tnf === TNF.external && equalBytes(record.type, TESSERA_TYPE_BYTES);
}

/** User-memory bytes a Tessera message with this payload takes: TLV header, record, terminator. */
export function tesseraTlvLength(payloadLength: number): number {
  return wrappedTlvLength(encodedRecordLength(TESSERA_TYPE_BYTES.length, undefined, payloadLength));
}

/**
 * Overhead around a payload of 256 bytes or more (the only size a card image has): 4 TLV header, 1 record
 * header, 1 type length, 4 payload length, 8 type, 1 terminator = 19.
 */
export const NDEF_OVERHEAD_BYTES = tesseraTlvLength(256) - 256;

/**
 * The largest Tessera payload whose TLV-wrapped message (terminator included) fits in `userMemoryBytes`;
 * 485 for an NTAG215 (504 bytes), 869 for an NTAG216 (888 bytes). Exact for small areas too, where the
 * short record and 1-byte TLV length forms make the overhead smaller.
 */
export function maxTesseraPayload(userMemoryBytes: number): number {
  if (!Number.isInteger(userMemoryBytes) || userMemoryBytes < 0) {
    throw new RangeError("userMemoryBytes must be a non-negative integer");
  }
  const smallestOverhead = tesseraTlvLength(0);
  const largestMessage = 0xfffe;
  let payload = Math.min(userMemoryBytes, largestMessage) - smallestOverhead;
  while (payload >= 0 && tesseraTlvLength(payload) > userMemoryBytes) payload--;
  if (payload < 0) throw new RangeError(`no Tessera record fits in ${userMemoryBytes} bytes`);
  return payload;
}
