import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex, utf8 } from "../encoding/bytes.ts";
import { decodeNdefMessage, encodeNdefMessage, type NdefRecord, TNF } from "./ndef-message.ts";
import { tesseraRecord } from "./tessera-record.ts";

const bytesOf = (length: number, seed = 1) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

/** Records that the strict encoder accepts: a type for TNF 1-4, none for 0 and 5, nothing at all for 0. */
const recordArbitrary: fc.Arbitrary<NdefRecord> = fc.oneof(
  fc
    .record({
      tnf: fc.constantFrom(TNF.wellKnown, TNF.media, TNF.absoluteUri, TNF.external),
      type: fc.uint8Array({ minLength: 1, maxLength: 40 }),
      id: fc.option(fc.uint8Array({ maxLength: 20 }), { nil: undefined }),
      payload: fc.uint8Array({ maxLength: 700 }),
    })
    .map(({ id, ...rest }) => (id ? { ...rest, id } : rest)),
  fc
    .record({ payload: fc.uint8Array({ maxLength: 300 }) })
    .map(({ payload }) => ({ tnf: TNF.unknown, type: new Uint8Array(0), payload })),
  fc.constant({ tnf: TNF.empty, type: new Uint8Array(0), payload: new Uint8Array(0) }),
);

describe("NDEF message encoding", () => {
  it("encodes a short Tessera record byte for byte (MB|ME|SR, external type)", () => {
    const encoded = encodeNdefMessage([tesseraRecord(fromHex("010203"))]);
    expect(toHex(encoded)).toBe(`d40803${toHex(utf8.encode("tsr.io:c"))}010203`);
  });

  it("uses the 4-byte payload length from 256 bytes on, and SR up to 255", () => {
    const at255 = encodeNdefMessage([tesseraRecord(bytesOf(255))]);
    expect(at255[0]).toBe(0xd4);
    expect(at255[2]).toBe(255);

    const at300 = encodeNdefMessage([tesseraRecord(bytesOf(300))]);
    expect(at300[0]).toBe(0xc4);
    expect(toHex(at300.subarray(1, 6))).toBe("080000012c");
    expect(decodeNdefMessage(at300)).toEqual([tesseraRecord(bytesOf(300))]);
  });

  it("sets MB on the first record only and ME on the last only", () => {
    const records = [tesseraRecord(bytesOf(3)), tesseraRecord(bytesOf(300, 2)), tesseraRecord(bytesOf(5, 3))];
    const encoded = encodeNdefMessage(records);
    const secondHeader = encoded[11 + 3]!;
    const thirdHeader = encoded[11 + 3 + 14 + 300]!;
    expect(encoded[0]! & 0xc0).toBe(0x80);
    expect(secondHeader & 0xc0).toBe(0x00);
    expect(thirdHeader & 0xc0).toBe(0x40);
    expect(decodeNdefMessage(encoded)).toEqual(records);
  });

  it("carries an id with the IL flag and its length byte", () => {
    const record = {
      tnf: TNF.wellKnown,
      type: utf8.encode("T"),
      id: utf8.encode("slot-a"),
      payload: bytesOf(4),
    };
    const encoded = encodeNdefMessage([record]);
    expect(encoded[0]).toBe(0xd9); // MB|ME|SR|IL|TNF 1
    expect(toHex(encoded.subarray(1, 4))).toBe("010406"); // type length, payload length, id length
    expect(decodeNdefMessage(encoded)).toEqual([record]);
  });

  it("round-trips a zero-length id as an id, not as no id", () => {
    const record = {
      tnf: TNF.external,
      type: utf8.encode("a:b"),
      id: new Uint8Array(0),
      payload: bytesOf(2),
    };
    expect(decodeNdefMessage(encodeNdefMessage([record]))).toEqual([record]);
  });

  it("accepts the long payload-length form for small payloads (SR is optional)", () => {
    const longForm = fromHex("c50000000002abcd"); // MB|ME, TNF unknown, no type, 4-byte length 2
    expect(decodeNdefMessage(longForm)).toEqual([
      { tnf: TNF.unknown, type: new Uint8Array(0), payload: fromHex("abcd") },
    ]);
  });

  it("round-trips any list of valid records (property)", () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { minLength: 1, maxLength: 6 }), (records) => {
        expect(decodeNdefMessage(encodeNdefMessage(records))).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses to encode what it could not decode", () => {
    expect(() => encodeNdefMessage([])).toThrowError(expect.objectContaining({ reason: "empty_message" }));
    expect(() => encodeNdefMessage([{ tnf: 7, type: utf8.encode("x"), payload: bytesOf(1) }])).toThrowError(
      expect.objectContaining({ reason: "invalid_tnf" }),
    );
    expect(() =>
      encodeNdefMessage([{ tnf: TNF.external, type: bytesOf(256), payload: bytesOf(1) }]),
    ).toThrowError(expect.objectContaining({ reason: "too_large" }));
    expect(() =>
      encodeNdefMessage([{ tnf: TNF.external, type: new Uint8Array(0), payload: bytesOf(1) }]),
    ).toThrowError(expect.objectContaining({ reason: "invalid_record" }));
    expect(() =>
      encodeNdefMessage([{ tnf: TNF.empty, type: new Uint8Array(0), payload: bytesOf(1) }]),
    ).toThrowError(expect.objectContaining({ reason: "invalid_record" }));
  });
});
