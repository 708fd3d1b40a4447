/** NFC Forum Type 2 Tag TLV framing of the NDEF message inside a tag's user memory. */
import { NdefError } from "./ndef-error.ts";

export const TLV_NULL = 0x00;
export const TLV_LOCK_CONTROL = 0x01;
export const TLV_MEMORY_CONTROL = 0x02;
export const TLV_NDEF = 0x03;
export const TLV_PROPRIETARY = 0xfd;
export const TLV_TERMINATOR = 0xfe;

/** 0xFF opens the 3-byte length form, so the 1-byte form stops at 254; 0xFFFF is reserved. */
const MAX_SHORT_LENGTH = 0xfe;
const MAX_LONG_LENGTH = 0xfffe;

/** Bytes of an NDEF TLV carrying `messageLength` bytes, including the terminator TLV after it. */
export function wrappedTlvLength(messageLength: number): number {
  if (messageLength > MAX_LONG_LENGTH)
    throw new NdefError("too_large", "NDEF message longer than 65534 bytes");
  return (messageLength <= MAX_SHORT_LENGTH ? 2 : 4) + messageLength + 1;
}

/** Frames an NDEF message as an NDEF TLV (1- or 3-byte length) followed by a terminator TLV. */
export function wrapTlv(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(wrappedTlvLength(message.length));
  out[0] = TLV_NDEF;
  let offset: number;
  if (message.length <= MAX_SHORT_LENGTH) {
    out[1] = message.length;
    offset = 2;
  } else {
    out[1] = 0xff;
    out[2] = message.length >> 8;
    out[3] = message.length & 0xff;
    offset = 4;
  }
  out.set(message, offset);
  out[offset + message.length] = TLV_TERMINATOR;
  return out;
}

export type TlvArea =
  | { kind: "ndef"; message: Uint8Array }
  | { kind: "empty" }
  | { kind: "invalid"; reason: string };

/**
 * Finds the NDEF message in a Type 2 Tag's user memory (from page 4). Never throws: a factory-blank area
 * (all 0x00 or all 0xFF) or an NDEF TLV of length 0 is "empty"; anything that breaks the TLV rules is
 * "invalid" with a reason, so a torn or tampered card is never mistaken for a fresh one by accident.
 */
export function parseTlvArea(userMemory: Uint8Array): TlvArea {
  if (userMemory.every((b) => b === 0x00) || userMemory.every((b) => b === 0xff)) return { kind: "empty" };

  let offset = 0;
  const readLength = (): number | string => {
    if (offset >= userMemory.length) return "memory ends inside a TLV length";
    const first = userMemory[offset++]!;
    if (first !== 0xff) return first;
    if (userMemory.length - offset < 2) return "memory ends inside a 3-byte TLV length";
    const length = (userMemory[offset]! << 8) | userMemory[offset + 1]!;
    offset += 2;
    if (length === 0xffff) return "TLV length 0xFFFF is reserved";
    return length;
  };

  while (offset < userMemory.length) {
    const tlvStart = offset;
    const tag = userMemory[offset++]!;
    switch (tag) {
      case TLV_NULL:
        continue;
      case TLV_LOCK_CONTROL:
      case TLV_MEMORY_CONTROL:
      case TLV_PROPRIETARY: {
        const length = readLength();
        if (typeof length === "string") return { kind: "invalid", reason: length };
        if (userMemory.length - offset < length) {
          return {
            kind: "invalid",
            reason: `TLV 0x${hex(tag)} at byte ${tlvStart} runs past the end of memory`,
          };
        }
        offset += length;
        continue;
      }
      case TLV_NDEF: {
        const length = readLength();
        if (typeof length === "string") return { kind: "invalid", reason: length };
        if (length === 0) return { kind: "empty" };
        if (userMemory.length - offset < length) {
          return { kind: "invalid", reason: `NDEF TLV at byte ${tlvStart} runs past the end of memory` };
        }
        return { kind: "ndef", message: userMemory.slice(offset, offset + length) };
      }
      case TLV_TERMINATOR:
        return { kind: "invalid", reason: `terminator TLV at byte ${tlvStart} before any NDEF TLV` };
      default:
        return { kind: "invalid", reason: `unknown TLV tag 0x${hex(tag)} at byte ${tlvStart}` };
    }
  }
  return { kind: "invalid", reason: "no NDEF TLV in user memory" };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
