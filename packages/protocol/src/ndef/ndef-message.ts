/** Strict NDEF message encoding and decoding (NFC Forum NDEF 1.0), short and long records, no chunking. */
import { NdefError } from "./ndef-error.ts";

export interface NdefRecord {
  /** Type Name Format, 0..6 (the 3 low bits of the record header). */
  tnf: number;
  type: Uint8Array;
  id?: Uint8Array;
  payload: Uint8Array;
}

/** Type Name Format values; 0x06 "unchanged" only appears in chunked records, which we refuse. */
export const TNF = {
  empty: 0x00,
  wellKnown: 0x01,
  media: 0x02,
  absoluteUri: 0x03,
  external: 0x04,
  unknown: 0x05,
  unchanged: 0x06,
} as const;

const FLAG_MB = 0x80;
const FLAG_ME = 0x40;
const FLAG_CF = 0x20;
const FLAG_SR = 0x10;
const FLAG_IL = 0x08;
const TNF_MASK = 0x07;

const MAX_PAYLOAD_LENGTH = 0xffff_ffff;

/** Bytes one record takes on the wire; the encoder and the capacity arithmetic share it so they cannot drift. */
export function encodedRecordLength(typeLength: number, idLength: number | undefined, payloadLength: number) {
  const shortRecord = payloadLength < 256;
  return (
    1 + // header
    1 + // type length
    (shortRecord ? 1 : 4) +
    (idLength === undefined ? 0 : 1 + idLength) +
    typeLength +
    payloadLength
  );
}

/**
 * Refuses records whose header would contradict their fields, so that whatever we encode also decodes,
 * and a decoded record always re-encodes to an equivalent one.
 */
function checkRecordShape(
  tnf: number,
  typeLength: number,
  idLength: number,
  payloadLength: number,
  offset?: number,
) {
  if (!Number.isInteger(tnf) || tnf < TNF.empty || tnf > TNF.unchanged) {
    throw new NdefError("invalid_tnf", `TNF ${tnf} is reserved or out of range`, offset);
  }
  if (tnf === TNF.unchanged) {
    throw new NdefError("invalid_tnf", "TNF 0x06 (unchanged) is only valid inside chunked records", offset);
  }
  if (tnf === TNF.empty && (typeLength !== 0 || idLength !== 0 || payloadLength !== 0)) {
    throw new NdefError("invalid_record", "an empty (TNF 0) record must have no type, id or payload", offset);
  }
  if (tnf === TNF.unknown && typeLength !== 0) {
    throw new NdefError("invalid_record", "an unknown-type (TNF 5) record must have no type", offset);
  }
  if (tnf >= TNF.wellKnown && tnf <= TNF.external && typeLength === 0) {
    throw new NdefError("invalid_record", `a TNF ${tnf} record needs a type`, offset);
  }
}

/** Encodes records as one NDEF message: MB on the first, ME on the last, SR below 256 bytes, IL when an id is given. */
export function encodeNdefMessage(records: readonly NdefRecord[]): Uint8Array {
  if (records.length === 0) throw new NdefError("empty_message", "an NDEF message holds at least one record");
  for (const record of records) {
    if (record.type.length > 0xff) throw new NdefError("too_large", "record type longer than 255 bytes");
    if (record.id && record.id.length > 0xff)
      throw new NdefError("too_large", "record id longer than 255 bytes");
    if (record.payload.length > MAX_PAYLOAD_LENGTH)
      throw new NdefError("too_large", "record payload too long");
    checkRecordShape(record.tnf, record.type.length, record.id?.length ?? 0, record.payload.length);
  }

  const total = records.reduce(
    (n, r) => n + encodedRecordLength(r.type.length, r.id?.length, r.payload.length),
    0,
  );
  const out = new Uint8Array(total);
  let offset = 0;
  records.forEach((record, index) => {
    const shortRecord = record.payload.length < 256;
    out[offset++] =
      (index === 0 ? FLAG_MB : 0) |
      (index === records.length - 1 ? FLAG_ME : 0) |
      (shortRecord ? FLAG_SR : 0) |
      (record.id ? FLAG_IL : 0) |
      record.tnf;
    out[offset++] = record.type.length;
    if (shortRecord) {
      out[offset++] = record.payload.length;
    } else {
      new DataView(out.buffer, out.byteOffset).setUint32(offset, record.payload.length);
      offset += 4;
    }
    if (record.id) out[offset++] = record.id.length;
    out.set(record.type, offset);
    offset += record.type.length;
    if (record.id) {
      out.set(record.id, offset);
      offset += record.id.length;
    }
    out.set(record.payload, offset);
    offset += record.payload.length;
  });
  return out;
}

/**
 * Decodes one complete NDEF message. Strict: every length is checked against the bytes actually present,
 * chunked records are refused, MB/ME must frame the message exactly and nothing may follow the ME record.
 * Throws NdefError and nothing else, whatever the input.
 */
export function decodeNdefMessage(bytes: Uint8Array): NdefRecord[] {
  if (bytes.length === 0) throw new NdefError("empty_message", "no bytes to decode", 0);
  const records: NdefRecord[] = [];
  let offset = 0;

  const need = (count: number, what: string) => {
    if (bytes.length - offset < count)
      throw new NdefError("truncated", `message ends inside the ${what}`, offset);
  };

  for (;;) {
    const recordStart = offset;
    need(2, "record header");
    const header = bytes[offset++]!;
    const typeLength = bytes[offset++]!;
    const first = records.length === 0;

    if (header & FLAG_CF)
      throw new NdefError("chunked_record", "chunked records are not supported", recordStart);
    if (first && !(header & FLAG_MB)) {
      throw new NdefError("message_begin", "first record lacks the MB flag", recordStart);
    }
    if (!first && header & FLAG_MB) {
      throw new NdefError("message_begin", "MB flag on a record after the first", recordStart);
    }
    const tnf = header & TNF_MASK;
    if (tnf > TNF.unchanged) throw new NdefError("invalid_tnf", "TNF 0x07 is reserved", recordStart);

    let payloadLength: number;
    if (header & FLAG_SR) {
      need(1, "payload length");
      payloadLength = bytes[offset++]!;
    } else {
      need(4, "payload length");
      payloadLength = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0);
      offset += 4;
    }
    let idLength = 0;
    const hasId = (header & FLAG_IL) !== 0;
    if (hasId) {
      need(1, "id length");
      idLength = bytes[offset++]!;
    }
    checkRecordShape(tnf, typeLength, idLength, payloadLength, recordStart);

    need(typeLength, "record type");
    const type = bytes.slice(offset, offset + typeLength);
    offset += typeLength;
    need(idLength, "record id");
    const id = hasId ? bytes.slice(offset, offset + idLength) : undefined;
    offset += idLength;
    need(payloadLength, "record payload");
    const payload = bytes.slice(offset, offset + payloadLength);
    offset += payloadLength;

    records.push(id ? { tnf, type, id, payload } : { tnf, type, payload });

    if (header & FLAG_ME) {
      if (offset !== bytes.length) {
        throw new NdefError("trailing_bytes", `${bytes.length - offset} bytes after the ME record`, offset);
      }
      return records;
    }
    if (offset === bytes.length) {
      throw new NdefError("message_end", "message ends without a record carrying the ME flag", offset);
    }
  }
}
