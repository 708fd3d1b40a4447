import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../encoding/bytes.ts";
import { NdefError } from "./ndef-error.ts";
import { encodeNdefMessage } from "./ndef-message.ts";
import { tesseraRecord } from "./tessera-record.ts";
import { parseTlvArea, wrapTlv } from "./tlv.ts";

const NTAG215_USER_BYTES = 504;

/** User memory holding `prefix` then filled with `fill`. */
function memory(prefixHex: string, fill = 0x00, size = NTAG215_USER_BYTES): Uint8Array {
  const bytes = new Uint8Array(size).fill(fill);
  bytes.set(fromHex(prefixHex));
  return bytes;
}

describe("NDEF TLV framing", () => {
  it("uses the 1-byte length up to 254 bytes and the 3-byte form from 255", () => {
    const at254 = wrapTlv(new Uint8Array(254).fill(0xaa));
    expect(toHex(at254.subarray(0, 2))).toBe("03fe");
    expect(at254.length).toBe(2 + 254 + 1);
    expect(at254.at(-1)).toBe(0xfe);

    const at255 = wrapTlv(new Uint8Array(255).fill(0xaa));
    expect(toHex(at255.subarray(0, 4))).toBe("03ff00ff");
    expect(at255.length).toBe(4 + 255 + 1);
    expect(at255.at(-1)).toBe(0xfe);
  });

  it("refuses a message longer than the 3-byte length can say", () => {
    expect(() => wrapTlv(new Uint8Array(0xffff))).toThrow(NdefError);
  });

  it("finds the message it wrapped, whatever follows the terminator (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 480 }),
        fc.integer({ min: 0, max: 255 }),
        (msg, fill) => {
          const area = memory("", fill);
          area.set(wrapTlv(msg));
          expect(parseTlvArea(area)).toEqual({ kind: "ndef", message: msg });
        },
      ),
    );
  });
});

describe("TLV area parsing", () => {
  const message = encodeNdefMessage([tesseraRecord(fromHex("0102030405"))]);

  it("reads factory-blank memory (all 0x00 or all 0xFF) as empty", () => {
    expect(parseTlvArea(memory("", 0x00))).toEqual({ kind: "empty" });
    expect(parseTlvArea(memory("", 0xff))).toEqual({ kind: "empty" });
  });

  it("reads an NDEF TLV of length 0 as empty, in either length form", () => {
    expect(parseTlvArea(memory("0300fe"))).toEqual({ kind: "empty" });
    expect(parseTlvArea(memory("03ff0000fe"))).toEqual({ kind: "empty" });
  });

  it("skips NULL padding before the NDEF TLV", () => {
    const area = memory("000000");
    area.set(wrapTlv(message), 3);
    expect(parseTlvArea(area)).toEqual({ kind: "ndef", message });
  });

  it("skips lock control, memory control and proprietary TLVs by their length", () => {
    const area = memory("0103a01044" + "0203d00301" + "fd02eeee" + "00");
    area.set(wrapTlv(message), 15);
    expect(parseTlvArea(area)).toEqual({ kind: "ndef", message });
  });

  it("reads a 3-byte NDEF length", () => {
    const long = encodeNdefMessage([tesseraRecord(new Uint8Array(400).fill(7))]);
    const area = memory("");
    area.set(wrapTlv(long));
    expect(toHex(area.subarray(0, 4))).toBe("03ff019e");
    expect(parseTlvArea(area)).toEqual({ kind: "ndef", message: long });
  });

  it("needs no terminator when the message fills memory to the last byte", () => {
    const area = memory(`0306${toHex(fromHex("d50003abcdef"))}`, 0, 8);
    expect(parseTlvArea(area)).toEqual({ kind: "ndef", message: fromHex("d50003abcdef") });
  });

  it.each([
    ["an unknown TLV tag", "42"],
    ["a terminator before any NDEF TLV", "fe"],
    ["a lock TLV longer than memory", "01ff0fff"],
    ["a reserved 0xFFFF length", "03ffffff"],
  ])("reports %s as invalid", (_, prefix) => {
    expect(parseTlvArea(memory(prefix)).kind).toBe("invalid");
  });

  it("reports an NDEF TLV that runs past the end of memory as invalid", () => {
    expect(parseTlvArea(memory("03ff01f8", 0x11)).kind).toBe("invalid"); // 504 bytes claimed, 500 present
    expect(parseTlvArea(memory("030a", 0x11, 6)).kind).toBe("invalid");
  });

  it("reports memory with no NDEF TLV (only NULLs and a trailing lock TLV) as invalid", () => {
    expect(parseTlvArea(memory("", 0x00, 16).fill(0x01, 15)).kind).toBe("invalid");
  });

  it("never throws on arbitrary memory (fuzz)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 900 }), (bytes) => {
        const area = parseTlvArea(bytes);
        expect(["ndef", "empty", "invalid"]).toContain(area.kind);
        if (area.kind === "ndef") expect(area.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});
