import { describe, expect, it } from "vitest";
import { fromHex } from "../encoding/bytes.ts";
import { tesseraRecord } from "../ndef/index.ts";
import { VirtualNtag } from "./virtual-ntag.ts";

const payloadOf = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

describe("clones and snapshots", () => {
  it("copies user memory byte for byte onto a chip with another UID", () => {
    const original = new VirtualNtag({ model: "NTAG215" });
    original.write([tesseraRecord(payloadOf(400, 1))]);
    const clone = original.cloneTo();

    expect(clone.readUserMemory()).toEqual(original.readUserMemory());
    expect(clone.uid).not.toEqual(original.uid);
    expect(clone.serialNumber).not.toBe(original.serialNumber);
    expect(clone.readPage(0)).not.toEqual(original.readPage(0));
    expect(clone.read()).toMatchObject({ kind: "ndef", records: [tesseraRecord(payloadOf(400, 1))] });
    expect(clone.read().serialNumber).toBe(clone.serialNumber);
  });

  it("takes a chosen UID, even the original's, for a chip that fakes its serial", () => {
    const original = new VirtualNtag({ model: "NTAG216" });
    original.write([tesseraRecord(payloadOf(700, 1))]);
    const chosen = original.cloneTo(fromHex("04deadbeef0102"));
    expect(chosen.serialNumber).toBe("04:de:ad:be:ef:01:02");
    expect(chosen.model).toBe("NTAG216");

    const perfect = original.cloneTo(original.uid);
    expect(perfect.snapshot()).toEqual(original.snapshot());
  });

  it("keeps the clone independent of the original", () => {
    const original = new VirtualNtag({ model: "NTAG215" });
    original.write([tesseraRecord(payloadOf(10, 1))]);
    const clone = original.cloneTo();
    clone.write([tesseraRecord(payloadOf(10, 2))]);
    expect(original.read()).toMatchObject({ records: [tesseraRecord(payloadOf(10, 1))] });
  });

  it("rolls a card back to an earlier snapshot of the same chip", () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    card.write([tesseraRecord(payloadOf(300, 1))]);
    const earlier = card.snapshot();
    card.write([tesseraRecord(payloadOf(300, 2))]);
    card.restore(earlier);
    expect(card.read()).toMatchObject({ records: [tesseraRecord(payloadOf(300, 1))] });
  });

  it("refuses to restore another chip's snapshot, and one that rewrites the UID pages", () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    expect(() => card.restore(new VirtualNtag({ model: "NTAG215" }).snapshot())).toThrow(RangeError);
    expect(() => card.restore({ ...card.snapshot(), model: "NTAG216" })).toThrow(RangeError);
    const forged = card.snapshot();
    forged.memory[9] = 0x00; // page 2 internal byte
    expect(() => card.restore(forged)).toThrow(RangeError);
  });

  it("snapshots are copies: changing one changes neither the card nor later snapshots", () => {
    const card = new VirtualNtag({ model: "NTAG215" });
    const snapshot = card.snapshot();
    snapshot.memory.fill(0x42, 16);
    expect(card.read().kind).toBe("empty");
    expect(VirtualNtag.fromSnapshot(card.snapshot()).snapshot()).toEqual(card.snapshot());
  });
});
