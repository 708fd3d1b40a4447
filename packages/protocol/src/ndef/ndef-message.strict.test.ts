import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, utf8 } from "../encoding/bytes.ts";
import { NdefError, type NdefErrorReason } from "./ndef-error.ts";
import { decodeNdefMessage, encodeNdefMessage, TNF } from "./ndef-message.ts";
import { tesseraRecord } from "./tessera-record.ts";

const bytesOf = (length: number, seed = 1) => Uint8Array.from({ length }, (_, i) => (i * 37 + seed) & 0xff);

function reasonOf(bytes: Uint8Array): NdefErrorReason | "decoded" | "other error" {
  try {
    decodeNdefMessage(bytes);
    return "decoded";
  } catch (error) {
    return error instanceof NdefError ? error.reason : "other error";
  }
}

const validMessages = {
  "one short record": encodeNdefMessage([tesseraRecord(bytesOf(20))]),
  "one long record": encodeNdefMessage([tesseraRecord(bytesOf(485))]),
  "records with ids, short and long": encodeNdefMessage([
    { tnf: TNF.wellKnown, type: utf8.encode("U"), id: utf8.encode("a"), payload: bytesOf(9) },
    tesseraRecord(bytesOf(300, 5)),
    { tnf: TNF.unknown, type: new Uint8Array(0), id: new Uint8Array(0), payload: bytesOf(1) },
  ]),
};

describe("strict NDEF decoding", () => {
  for (const [name, message] of Object.entries(validMessages)) {
    it(`throws NdefError, and only NdefError, for every truncation of ${name}`, () => {
      expect(reasonOf(message)).toBe("decoded");
      for (let length = 0; length < message.length; length++) {
        const reason = reasonOf(message.subarray(0, length));
        expect(reason, `prefix of ${length} bytes`).not.toBe("decoded");
        expect(reason, `prefix of ${length} bytes`).not.toBe("other error");
      }
    });
  }

  it("names what is wrong with a malformed message", () => {
    const cases: [string, NdefErrorReason][] = [
      ["", "empty_message"],
      ["f50000", "chunked_record"], // MB|ME|CF|SR, TNF unknown
      ["550000", "message_begin"], // ME|SR without MB
      ["150000d50000", "message_begin"], // second record carries MB
      ["950000", "message_end"], // MB only, then the bytes run out
      ["d5000000", "trailing_bytes"],
      ["d70000", "invalid_tnf"], // TNF 7 is reserved
      ["d60000", "invalid_tnf"], // TNF 6 only inside chunks
      ["d0000100", "invalid_record"], // TNF 0 with a payload
      ["d501000041", "invalid_record"], // TNF 5 with a type
      ["d10000", "invalid_record"], // TNF 1 without a type
      ["c401ffffffff41", "truncated"], // 4 GiB payload length on a 7-byte buffer
      ["d9010109", "truncated"], // id length byte missing
    ];
    for (const [hex, reason] of cases) expect(reasonOf(fromHex(hex)), hex).toBe(reason);
  });

  it("reads from the view it is given, not the whole underlying buffer", () => {
    const message = validMessages["one short record"];
    const padded = new Uint8Array(message.length + 8);
    padded.set(message, 4);
    expect(decodeNdefMessage(padded.subarray(4, 4 + message.length))).toEqual([tesseraRecord(bytesOf(20))]);
  });

  it("never throws anything but NdefError on arbitrary bytes, and what it accepts is stable (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const reason = reasonOf(bytes);
        expect(reason).not.toBe("other error");
        if (reason === "decoded") {
          const records = decodeNdefMessage(bytes);
          expect(decodeNdefMessage(encodeNdefMessage(records))).toEqual(records);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws anything but NdefError when bytes of a valid message are corrupted (fuzz)", () => {
    const message = validMessages["records with ids, short and long"];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.nat({ max: message.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        (edits) => {
          const corrupted = message.slice();
          for (const { at, value } of edits) corrupted[at] = value;
          expect(reasonOf(corrupted)).not.toBe("other error");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
