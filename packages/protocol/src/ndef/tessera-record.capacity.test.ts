import { describe, expect, it } from "vitest";
import { utf8 } from "../encoding/bytes.ts";
import { encodeNdefMessage, TNF } from "./ndef-message.ts";
import {
  isTesseraRecord,
  maxTesseraPayload,
  NDEF_OVERHEAD_BYTES,
  TESSERA_RECORD_TYPE,
  tesseraRecord,
  tesseraTlvLength,
} from "./tessera-record.ts";
import { wrapTlv } from "./tlv.ts";

const wrappedLength = (payloadLength: number) =>
  wrapTlv(encodeNdefMessage([tesseraRecord(new Uint8Array(payloadLength))])).length;

describe("Tessera record and card capacity", () => {
  it("is an external-type record named tsr.io:c", () => {
    const record = tesseraRecord(new Uint8Array([1]));
    expect(record.tnf).toBe(TNF.external);
    expect(record.type).toEqual(utf8.encode(TESSERA_RECORD_TYPE));
    expect(isTesseraRecord(record)).toBe(true);
    expect(isTesseraRecord({ ...record, type: utf8.encode("tsr.io:d") })).toBe(false);
    expect(isTesseraRecord({ ...record, tnf: TNF.wellKnown })).toBe(false);
  });

  it("costs 19 bytes of overhead around a card-sized payload", () => {
    expect(NDEF_OVERHEAD_BYTES).toBe(19);
    expect(wrappedLength(400) - 400).toBe(NDEF_OVERHEAD_BYTES);
  });

  it("leaves 485 payload bytes on an NTAG215 and 869 on an NTAG216", () => {
    expect(maxTesseraPayload(504)).toBe(485);
    expect(maxTesseraPayload(888)).toBe(869);
  });

  it("gives, for every memory size, the largest payload that fits and no larger", () => {
    for (let memory = 14; memory <= 1000; memory++) {
      const max = maxTesseraPayload(memory);
      expect(wrappedLength(max), `memory ${memory}`).toBeLessThanOrEqual(memory);
      expect(wrappedLength(max + 1), `memory ${memory}`).toBeGreaterThan(memory);
      expect(tesseraTlvLength(max)).toBe(wrappedLength(max));
    }
  });

  it("refuses a memory too small for any record", () => {
    expect(() => maxTesseraPayload(13)).toThrow(RangeError);
  });
});
