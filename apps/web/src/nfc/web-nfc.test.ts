import { cardImageFromRead, cardRecords, equalBytes } from "@tessera/protocol";
import { describe, expect, it } from "vitest";
import { readResultFromEvent } from "./web-nfc.ts";

/** A Web NFC "reading" event as Chrome delivers it for a Tessera card. */
function readingEvent(records: { recordType: string; data?: DataView; mediaType?: string }[]) {
  return Object.assign(new Event("reading"), {
    serialNumber: "04:a1:5c:22:9e:41:80",
    message: { records },
  });
}

describe("reading a card through Web NFC", () => {
  it("turns the external-type Tessera record back into the codec's record, with the chip UID", () => {
    const [record] = cardRecords(Uint8Array.from([1, 2, 3, 250]));
    const type = new TextDecoder().decode(record!.type);
    const data = new DataView(new Uint8Array([9, 9, ...record!.payload]).buffer, 2);
    const read = readResultFromEvent(readingEvent([{ recordType: type, data }]) as never);
    expect(read.kind).toBe("ndef");
    expect(equalBytes(read.uid, Uint8Array.from([0x04, 0xa1, 0x5c, 0x22, 0x9e, 0x41, 0x80]))).toBe(true);
    const image = cardImageFromRead(read);
    expect(image.payload && equalBytes(image.payload, record!.payload)).toBe(true);
  });

  it("reads a chip with no records as empty and someone else's record as foreign", () => {
    expect(readResultFromEvent(readingEvent([]) as never).kind).toBe("empty");
    const other = readResultFromEvent(
      readingEvent([
        { recordType: "url", data: new DataView(new TextEncoder().encode("https://x").buffer) },
      ]) as never,
    );
    expect(cardImageFromRead(other).foreign).toBe(true);
  });
});
