import { describe, expect, it } from "vitest";
import { toHex } from "../encoding/bytes.ts";
import {
  encodeNdefMessage,
  maxTesseraPayload,
  type NdefRecord,
  TNF,
  tesseraRecord,
  wrapTlv,
} from "../ndef/index.ts";
import { CardCapacityError, VirtualNtag } from "./virtual-ntag.ts";

const payloadOf = (length: number, seed = 1) => Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);

describe("VirtualNtag writes", () => {
  it.each(["NTAG215", "NTAG216"] as const)(
    "reads back what was written on an %s, at full capacity too",
    (model) => {
      const card = new VirtualNtag({ model });
      for (const length of [1, 200, 300, maxTesseraPayload(card.userMemoryBytes)]) {
        const records = [tesseraRecord(payloadOf(length, length))];
        expect(card.write(records)).toEqual({ pagesWritten: card.writeSequenceLength(records), torn: false });
        expect(card.read()).toMatchObject({ kind: "ndef", records, serialNumber: card.serialNumber });
      }
    },
  );

  it("lays the TLV down from page 4, so a full NTAG215 image ends on the last user page", () => {
    const card = new VirtualNtag({ model: "NTAG215", blank: 0xff });
    const records = [tesseraRecord(payloadOf(485))];
    card.write(records);
    expect(toHex(card.readPage(4))).toBe("03ff01f3"); // 499-byte message
    expect(toHex(card.readPage(5))).toBe("c4080000"); // MB|ME external, type length 8, length 0x000001E5 …
    expect(card.readPage(129)[3]).toBe(0xfe); // terminator in the very last user byte
    expect(card.writeSequenceLength(records)).toBe(126);
  });

  it("writes several records as one message", () => {
    const card = new VirtualNtag({ model: "NTAG216" });
    const records: NdefRecord[] = [
      tesseraRecord(payloadOf(300)),
      {
        tnf: TNF.wellKnown,
        type: new TextEncoder().encode("U"),
        id: new Uint8Array([1]),
        payload: payloadOf(10),
      },
    ];
    card.write(records);
    expect(card.read()).toMatchObject({ kind: "ndef", records });
  });

  it.each(["NTAG215", "NTAG216"] as const)(
    "refuses an %s message one byte too large, leaving the card alone",
    (model) => {
      const card = new VirtualNtag({ model });
      const fits = [tesseraRecord(payloadOf(maxTesseraPayload(card.userMemoryBytes)))];
      card.write(fits);
      const before = card.snapshot();
      const tooLarge = [tesseraRecord(payloadOf(maxTesseraPayload(card.userMemoryBytes) + 1))];
      expect(() => card.write(tooLarge)).toThrow(CardCapacityError);
      expect(() => card.writeSequenceLength(tooLarge)).toThrow(CardCapacityError);
      expect(card.snapshot()).toEqual(before);
    },
  );

  it("keeps bytes after the terminator, as a phone writing a shorter message does", () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    card.write([tesseraRecord(payloadOf(400, 1))]);
    const long = card.readUserMemory();
    const shortRecords = [tesseraRecord(payloadOf(20, 2))];
    card.write(shortRecords);
    const tlvLength = wrapTlv(encodeNdefMessage(shortRecords)).length;
    const after = card.readUserMemory();
    // The terminator's page is rewritten in full, keeping its old bytes beyond the terminator.
    expect(after.subarray(tlvLength)).toEqual(long.subarray(tlvLength));
    expect(card.read()).toMatchObject({ kind: "ndef", records: shortRecords });
  });

  it("touches every page of the message plus the terminator's page, and no others", () => {
    const card = new VirtualNtag({ model: "NTAG215", blank: 0xff });
    const records = [tesseraRecord(payloadOf(3))]; // 2 + 14 + 1 = 17 bytes: pages 4-8
    expect(card.writeSequenceLength(records)).toBe(5);
    card.write(records);
    expect(card.readPage(8)).toEqual(new Uint8Array([0xfe, 0xff, 0xff, 0xff]));
    expect(card.readPage(9)).toEqual(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
  });

  it("ends in the same image whichever write order the phone uses", () => {
    const records = [tesseraRecord(payloadOf(300))];
    const pageOrder = new VirtualNtag({ model: "NTAG215", blank: 0xff });
    const lengthLast = VirtualNtag.fromSnapshot(pageOrder.snapshot());
    pageOrder.write(records, { order: "page-order" });
    lengthLast.write(records, { order: "length-last" });
    expect(lengthLast.snapshot()).toEqual(pageOrder.snapshot());
    // The message pages, page 4 once more with the length, then the terminator's page.
    expect(lengthLast.writeSequenceLength(records, "length-last")).toBe(
      pageOrder.writeSequenceLength(records, "page-order") + 2,
    );
  });

  it("lets a raw page write tamper with user pages only", () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    card.write([tesseraRecord(payloadOf(40))]);
    card.writePage(10, new Uint8Array([1, 2, 3, 4]));
    expect(toHex(card.readPage(10))).toBe("01020304");
    expect(() => card.writePage(3, new Uint8Array(4))).toThrow(RangeError);
    expect(() => card.writePage(130, new Uint8Array(4))).toThrow(RangeError);
    expect(() => card.writePage(10, new Uint8Array(3))).toThrow(RangeError);
  });
});
