import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalBytes, toHex } from "../encoding/bytes.ts";
import { type NdefRecord, tesseraRecord } from "../ndef/index.ts";
import { mulberry32 } from "./mulberry32.ts";
import { CardTornError, type Tear, VirtualNtag, type VirtualNtagSnapshot } from "./virtual-ntag.ts";

const payloadOf = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 29 + seed) & 0xff);
const pages = (snapshot: VirtualNtagSnapshot) =>
  Array.from({ length: snapshot.memory.length / 4 }, (_, p) => snapshot.memory.slice(p * 4, p * 4 + 4));

/** A card holding `oldRecords`, and the image the untorn write of `newRecords` would leave on it. */
function scenario(model: "NTAG215" | "NTAG216", oldRecords: NdefRecord[], newRecords: NdefRecord[]) {
  const card = new VirtualNtag({ model });
  card.write(oldRecords);
  const before = card.snapshot();
  const complete = VirtualNtag.fromSnapshot(before);
  complete.write(newRecords);
  return { card, before, after: complete.snapshot() };
}

function tornWrite(
  card: VirtualNtag,
  records: NdefRecord[],
  tear: Tear,
  order?: "page-order" | "length-last",
) {
  try {
    card.write(records, { tear, order });
  } catch (error) {
    return error;
  }
  throw new Error("write was expected to tear");
}

const cases = [
  { model: "NTAG215", old: [tesseraRecord(payloadOf(470, 1))], next: [tesseraRecord(payloadOf(485, 2))] },
  { model: "NTAG216", old: [tesseraRecord(payloadOf(600, 3))], next: [tesseraRecord(payloadOf(500, 4))] },
] as const;

describe("tearing a page-order write", () => {
  for (const { model, old, next } of cases) {
    for (const tearModel of ["cut", "garble"] as const) {
      it(`leaves exactly the ${tearModel} image on an ${model} at every page of the write`, () => {
        const { card, before, after } = scenario(model, [...old], [...next]);
        const sequenceLength = card.writeSequenceLength([...next]);
        expect(sequenceLength).toBeGreaterThan(100);
        const oldPages = pages(before);
        const newPages = pages(after);

        for (let atPage = 0; atPage < sequenceLength; atPage++) {
          card.restore(before);
          const error = tornWrite(card, [...next], { atPage, model: tearModel });
          expect(error).toBeInstanceOf(CardTornError);
          expect((error as CardTornError).pagesWritten).toBe(atPage);

          const torn = pages(card.snapshot());
          const tornPage = 4 + atPage;
          torn.forEach((bytes, page) => {
            const where = `tear at ${atPage}, page ${page}`;
            if (page >= 4 && page < tornPage) expect(bytes, where).toEqual(newPages[page]);
            else if (page === tornPage && tearModel === "garble") {
              expect(equalBytes(bytes, oldPages[page]!), where).toBe(false);
              expect(equalBytes(bytes, newPages[page]!), where).toBe(false);
            } else expect(bytes, where).toEqual(oldPages[page]);
          });
          expect(() => card.read()).not.toThrow();
        }
      });
    }
  }

  it("reads a garbled header page as unreadable, never as a card and never by throwing", () => {
    const next = [tesseraRecord(payloadOf(300, 2))];
    const { card, before } = scenario("NTAG215", [tesseraRecord(payloadOf(300, 1))], next);
    tornWrite(card, next, { atPage: 0, model: "garble" });
    expect(toHex(card.readPage(4))).not.toBe(toHex(before.memory.subarray(16, 20)));
    expect(card.read().kind).toBe("unreadable");

    card.restore(before);
    tornWrite(card, next, { atPage: 0, model: "garble", random: () => 0.33 }); // 0x54 is no TLV tag
    expect(toHex(card.readPage(4))).toBe("54545454");
    expect(card.read()).toMatchObject({ kind: "unreadable", reason: expect.stringContaining("0x54") });
  });

  it("never reads a garbled header page as the new card, whatever the garbage (property)", () => {
    const next = [tesseraRecord(payloadOf(300, 2))];
    const { card, before } = scenario("NTAG215", [tesseraRecord(payloadOf(300, 1))], next);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        card.restore(before);
        const random = mulberry32(seed);
        tornWrite(card, next, { atPage: 0, model: "garble", random });
        const result = card.read();
        if (result.kind === "ndef") expect(result.records).not.toEqual(next);
      }),
      { numRuns: 300 },
    );
  });

  it("rewrites, and so can garble, pages whose bytes do not change", () => {
    const shared = payloadOf(300, 1);
    const changedTail = shared.slice();
    changedTail[299] = changedTail[299]! ^ 0xff; // same message but for its last byte
    const next = [tesseraRecord(changedTail)];
    const { card, before } = scenario("NTAG215", [tesseraRecord(shared)], next);
    expect(card.writeSequenceLength(next)).toBe(80); // 4 + 314 + 1 = 319 bytes

    tornWrite(card, next, { atPage: 40, model: "garble" });
    expect(card.readPage(44)).not.toEqual(before.memory.slice(44 * 4, 45 * 4));
    // Garbage inside the payload still parses as NDEF: only the card image's own signature can catch it.
    const read = card.read();
    expect(read.kind).toBe("ndef");
    if (read.kind === "ndef") {
      expect(read.records[0]!.payload).not.toEqual(shared);
      expect(read.records[0]!.payload).not.toEqual(changedTail);
    }
  });

  it("garbles a page even when the random source would repeat the old bytes", () => {
    const card = new VirtualNtag({ model: "NTAG215", blank: 0x00 });
    tornWrite(card, [tesseraRecord(payloadOf(300, 1))], { atPage: 6, model: "garble", random: () => 0 });
    expect(toHex(card.readPage(10))).not.toBe("00000000");
    expect(toHex(card.readPage(11))).toBe("00000000");
  });

  it("completes a write whose tear comes after its last page, and refuses a negative tear", () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    const records = [tesseraRecord(payloadOf(40, 1))];
    const length = card.writeSequenceLength(records);
    expect(card.write(records, { tear: { atPage: length, model: "cut" } })).toEqual({
      pagesWritten: length,
      torn: false,
    });
    expect(card.read()).toMatchObject({ kind: "ndef", records });
    expect(() => card.write(records, { tear: { atPage: -1, model: "cut" } })).toThrow(RangeError);
  });
});

describe("tearing a length-last write (Android's Type 2 Tag writer)", () => {
  it("reads as the old card, then as empty, then as the new card, depending on where it tears", () => {
    const old = [tesseraRecord(payloadOf(470, 1))];
    const next = [tesseraRecord(payloadOf(485, 2))];
    const { card, before, after } = scenario("NTAG215", old, next);
    const length = card.writeSequenceLength(next, "length-last");
    expect(length).toBe(126 + 2);

    for (let atPage = 0; atPage < length; atPage++) {
      card.restore(before);
      const error = tornWrite(card, next, { atPage, model: "cut" }, "length-last");
      expect((error as CardTornError).pagesWritten).toBe(atPage);
      const read = card.read();
      if (atPage === 0) expect(read, `tear at ${atPage}`).toMatchObject({ kind: "ndef", records: old });
      else if (atPage < length - 1) {
        expect(read.kind, `tear at ${atPage}`).toBe("empty");
        expect(toHex(card.readPage(4))).toBe("03000000");
      } else expect(read, `tear at ${atPage}`).toMatchObject({ kind: "ndef", records: next });
    }
    // Only the terminator write was missing at the last tear point; the old byte is still there.
    expect(card.readPage(129)).not.toEqual(pages(after)[129]);
  });

  it("garbles page 4 itself when the tear hits the length update", () => {
    const next = [tesseraRecord(payloadOf(300, 2))];
    const { card, before } = scenario("NTAG215", [tesseraRecord(payloadOf(300, 1))], next);
    const lengthUpdate = card.writeSequenceLength(next, "length-last") - 2;
    tornWrite(card, next, { atPage: lengthUpdate, model: "garble", random: () => 0.33 }, "length-last");
    expect(toHex(card.readPage(4))).toBe("54545454");
    expect(pages(card.snapshot()).slice(0, 4)).toEqual(pages(before).slice(0, 4));
    expect(card.read().kind).toBe("unreadable");
  });
});
