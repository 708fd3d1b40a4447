import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../encoding/bytes.ts";
import { VirtualNtag } from "./virtual-ntag.ts";

const UID = fromHex("04112233445566");

describe("VirtualNtag memory layout", () => {
  it.each([
    ["NTAG215", 135, 504, "e1103e00", 130],
    ["NTAG216", 231, 888, "e1106d00", 226],
  ] as const)(
    "models an %s: %i pages, %i user bytes, CC %s",
    (model, pages, userBytes, cc, dynamicLockPage) => {
      const card = new VirtualNtag({ model, uid: UID });
      expect(card.pageCount).toBe(pages);
      expect(card.userMemoryBytes).toBe(userBytes);
      expect(card.readUserMemory().length).toBe(userBytes);
      expect(toHex(card.readPage(3))).toBe(cc);
      expect(toHex(card.readPage(dynamicLockPage))).toBe("000000bd");
      expect(toHex(card.readPage(dynamicLockPage + 1))).toBe("040000ff"); // CFG0: no password (AUTH0 = 0xFF)
      expect(() => card.readPage(pages)).toThrow(RangeError);
      expect(() => card.readPage(-1)).toThrow(RangeError);
    },
  );

  it("spreads the UID over pages 0-2 with both check bytes (BCC0 includes the cascade tag 0x88)", () => {
    const card = new VirtualNtag({ model: "NTAG215", uid: UID });
    expect(toHex(card.readPage(0))).toBe("041122bf"); // 0x88 ^ 04 ^ 11 ^ 22 = 0xBF
    expect(toHex(card.readPage(1))).toBe("33445566");
    expect(toHex(card.readPage(2))).toBe("44480000"); // 33 ^ 44 ^ 55 ^ 66 = 0x44, internal 0x48, lock bytes
  });

  it("reports the serial number as Web NFC does: lowercase hex bytes joined by colons", () => {
    const card = new VirtualNtag({ model: "NTAG216", uid: fromHex("04A1B2C3D4E5F6") });
    expect(card.serialNumber).toBe("04:a1:b2:c3:d4:e5:f6");
    expect(card.read().serialNumber).toBe("04:a1:b2:c3:d4:e5:f6");
  });

  it("gives each new card a random NXP UID whose check bytes hold", () => {
    const a = new VirtualNtag({ model: "NTAG215" });
    const b = new VirtualNtag({ model: "NTAG215" });
    expect(a.uid.length).toBe(7);
    expect(a.uid[0]).toBe(0x04);
    expect(a.uid).not.toEqual(b.uid);
    const [p0, p1, p2] = [a.readPage(0), a.readPage(1), a.readPage(2)];
    expect(p0[3]).toBe(0x88 ^ p0[0]! ^ p0[1]! ^ p0[2]!);
    expect(p2[0]).toBe(p1[0]! ^ p1[1]! ^ p1[2]! ^ p1[3]!);
  });

  it("refuses a UID that is not 7 bytes", () => {
    expect(() => new VirtualNtag({ model: "NTAG215", uid: fromHex("04112233") })).toThrow(RangeError);
  });

  it.each([0x00, 0xff] as const)("reads a factory-blank card (user memory all 0x%s) as empty", (blank) => {
    const card = new VirtualNtag({ model: "NTAG215", uid: UID, blank });
    expect(card.readUserMemory().every((b) => b === blank)).toBe(true);
    expect(card.read()).toEqual({ kind: "empty", serialNumber: "04:11:22:33:44:55:66", uid: UID });
  });

  it("hands out copies, so callers cannot change the card behind its back", () => {
    const card = new VirtualNtag({ model: "NTAG215", uid: UID });
    card.readPage(4).fill(0x42);
    card.readUserMemory().fill(0x42);
    card.uid.fill(0x42); // `uid` is the card's own copy, but read() reports a fresh one
    expect(card.read().kind).toBe("empty");
  });
});
