/**
 * Card layout version 1: the byte layout of one self-contained, individually signed slot. A card holds
 * two slots back to back; see docs/protocol.md for the budget and the reasons behind every field.
 *
 *   off  size  field
 *     0     1  layout version (1)
 *     1     1  status (bits 0-2: 0 active, 1..5 blocked: tamper, fraud, expiry, admin, lost) and flags
 *              (bit 3 recovered, bit 4 restored, bit 5 issued); bits 6-7 must be zero
 *     2     8  card id
 *    10     4  counter (uint32, big-endian, monotonic)
 *    14     4  balance (uint32, minor units)
 *    18     2  session age in minutes before writtenAt (0xFFFF: no session)
 *    20     1  session zone (0 when no session)
 *    21     4  writtenAt (uint32 epoch seconds, terminal clock)
 *    25     2  grant sequence of the writing terminal (uint16, wraps)
 *    27    16  history chain head (truncated SHA-256)
 *    43   6*H  history, newest first: op (1), amount (uint24), age in minutes before writtenAt (uint16)
 *  43+6H  107  terminal certificate (see certificate.ts)
 * 150+6H   64  Ed25519 signature of the writing terminal over tag | chip UID | bytes [0, 150+6H)
 *
 * H is even, so that behind the 18-byte NDEF header the boundary between the two slots falls on a 4-byte page
 * boundary and no page ever holds bytes of both slots (one garbled page can then damage at most one slot). H is 4 on an
 * NTAG215 (238-byte slots, 476-byte payload) and 34 on an NTAG216 (418-byte slots).
 */

import { OPERATION_CODE, type Operation, operationFromCode } from "../domain/operation.ts";
import { fromHex, toHex } from "../encoding/bytes.ts";
import { CERTIFICATE_BYTES } from "./certificate.ts";
import {
  CARD_STATUSES,
  type CardSession,
  type CardStatus,
  type HistoryEntry,
  type SlotFlags,
} from "./state.ts";

export const LAYOUT_V1 = 1;
export const CARD_ID_BYTES = 8;
export const CHAIN_BYTES = 16;
export const HISTORY_ENTRY_BYTES = 6;
export const TERMINAL_SIGNATURE_BYTES = 64;
export const UID_BYTES = 7;

export const OFFSET = {
  layout: 0,
  statusFlags: 1,
  cardId: 2,
  counter: 10,
  balance: 14,
  sessionAge: 18,
  sessionZone: 20,
  writtenAt: 21,
  grantSeq: 25,
  chain: 27,
  history: 43,
} as const;

/** Bytes of everything before the history: header, wallet, session and chain head. */
export const FIXED_PREFIX_BYTES = OFFSET.history;
export const MIN_HISTORY = 2;
export const MAX_HISTORY = 34;
export const NO_SESSION = 0xffff;
export const MAX_AGE_MINUTES = 0xfffe;
export const MAX_UINT16 = 0xffff;
export const MAX_UINT24 = 0xffffff;
export const MAX_UINT32 = 0xffffffff;

const STATUS_MASK = 0x07;
const FLAG_RECOVERED = 0x08;
const FLAG_RESTORED = 0x10;
const FLAG_ISSUED = 0x20;
const FLAG_RESERVED = 0xc0;

export function slotBytes(historyEntries: number): number {
  return (
    FIXED_PREFIX_BYTES + HISTORY_ENTRY_BYTES * historyEntries + CERTIFICATE_BYTES + TERMINAL_SIGNATURE_BYTES
  );
}

/** The history length a slot of this size holds, or undefined when no v1 slot has this size. */
export function historyEntriesForSlot(size: number): number | undefined {
  const rest = size - slotBytes(0);
  if (rest <= 0 || rest % HISTORY_ENTRY_BYTES !== 0) return undefined;
  const entries = rest / HISTORY_ENTRY_BYTES;
  return entries >= MIN_HISTORY && entries <= MAX_HISTORY && entries % 2 === 0 ? entries : undefined;
}

/** The largest history that lets two slots fit in a payload budget. */
export function historyEntriesForPayload(maxPayloadBytes: number): number {
  const perSlot = Math.floor(maxPayloadBytes / 2);
  const fitting = Math.floor((perSlot - slotBytes(0)) / HISTORY_ENTRY_BYTES);
  const entries = Math.min(fitting - (fitting % 2), MAX_HISTORY);
  if (entries < MIN_HISTORY)
    throw new RangeError(`a payload of ${maxPayloadBytes} bytes cannot hold two slots`);
  return entries;
}

export function certificateOffset(historyEntries: number): number {
  return FIXED_PREFIX_BYTES + HISTORY_ENTRY_BYTES * historyEntries;
}

export function signatureOffset(historyEntries: number): number {
  return certificateOffset(historyEntries) + CERTIFICATE_BYTES;
}

/** The unsigned content of a slot, as the writing terminal assembles it. */
export interface SlotFields {
  flags: SlotFlags;
  status: CardStatus;
  cardId: string;
  counter: number;
  balance: number;
  session: CardSession | null;
  writtenAt: number;
  grantSeq: number;
  chain: Uint8Array;
  /** Newest first; at most H entries, padded with empty entries. */
  history: { op: Operation; amount: number; at: number }[];
}

export class SlotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlotFormatError";
  }
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw new RangeError(`${name} must be 0..${max}, got ${value}`);
}

function ageMinutes(writtenAt: number, at: number): number {
  return Math.min(MAX_AGE_MINUTES, Math.max(0, Math.floor((writtenAt - at) / 60)));
}

/** Writes the signed-over prefix of a slot (everything before the certificate). */
export function encodeSlotPrefix(fields: SlotFields, historyEntries: number): Uint8Array {
  checkUint("counter", fields.counter, MAX_UINT32);
  checkUint("balance", fields.balance, MAX_UINT32);
  checkUint("writtenAt", fields.writtenAt, MAX_UINT32);
  checkUint("grantSeq", fields.grantSeq, MAX_UINT16);
  if (fields.chain.length !== CHAIN_BYTES) throw new RangeError("chain head must be 16 bytes");
  if (fields.history.length < 1 || fields.history.length > historyEntries) {
    throw new RangeError(`history must hold 1..${historyEntries} entries`);
  }
  const cardId = fromHex(fields.cardId);
  if (cardId.length !== CARD_ID_BYTES) throw new RangeError("card id must be 8 bytes");

  const out = new Uint8Array(certificateOffset(historyEntries));
  const view = new DataView(out.buffer);
  out[OFFSET.layout] = LAYOUT_V1;
  out[OFFSET.statusFlags] =
    CARD_STATUSES.indexOf(fields.status) |
    (fields.flags.recovered ? FLAG_RECOVERED : 0) |
    (fields.flags.restored ? FLAG_RESTORED : 0) |
    (fields.flags.issued ? FLAG_ISSUED : 0);
  out.set(cardId, OFFSET.cardId);
  view.setUint32(OFFSET.counter, fields.counter);
  view.setUint32(OFFSET.balance, fields.balance);
  if (fields.session) {
    checkUint("session zone", fields.session.zone, 0xff);
    if (fields.session.zone === 0) throw new RangeError("session zone must be 1..255");
    view.setUint16(OFFSET.sessionAge, ageMinutes(fields.writtenAt, fields.session.startedAt));
    out[OFFSET.sessionZone] = fields.session.zone;
  } else {
    view.setUint16(OFFSET.sessionAge, NO_SESSION);
  }
  view.setUint32(OFFSET.writtenAt, fields.writtenAt);
  view.setUint16(OFFSET.grantSeq, fields.grantSeq);
  out.set(fields.chain, OFFSET.chain);
  fields.history.forEach((entry, i) => {
    checkUint("history amount", entry.amount, MAX_UINT24);
    const at = OFFSET.history + i * HISTORY_ENTRY_BYTES;
    out[at] = OPERATION_CODE[entry.op];
    out[at + 1] = (entry.amount >>> 16) & 0xff;
    view.setUint16(at + 2, entry.amount & 0xffff);
    view.setUint16(at + 4, ageMinutes(fields.writtenAt, entry.at));
  });
  return out;
}

/** The structural content of a slot prefix; throws SlotFormatError on anything a writer never produces. */
export interface DecodedPrefix {
  flags: SlotFlags;
  status: CardStatus;
  cardId: string;
  counter: number;
  balance: number;
  session: CardSession | null;
  writtenAt: number;
  grantSeq: number;
  chain: Uint8Array;
  history: HistoryEntry[];
}

export function decodeSlotPrefix(slot: Uint8Array, historyEntries: number): DecodedPrefix {
  if (slot.length < certificateOffset(historyEntries)) throw new SlotFormatError("slot too short");
  const view = new DataView(slot.buffer, slot.byteOffset, slot.byteLength);
  if (slot[OFFSET.layout] !== LAYOUT_V1) throw new SlotFormatError("not a layout 1 slot");
  const flagByte = slot[OFFSET.statusFlags]!;
  if ((flagByte & FLAG_RESERVED) !== 0) throw new SlotFormatError("reserved flag bits set");
  const status = CARD_STATUSES[flagByte & STATUS_MASK];
  if (!status) throw new SlotFormatError("unknown card status");
  const writtenAt = view.getUint32(OFFSET.writtenAt);
  const sessionAge = view.getUint16(OFFSET.sessionAge);
  const sessionZone = slot[OFFSET.sessionZone]!;
  let session: CardSession | null = null;
  if (sessionAge === NO_SESSION) {
    if (sessionZone !== 0) throw new SlotFormatError("session zone without a session");
  } else {
    if (sessionZone === 0) throw new SlotFormatError("session without a zone");
    session = { startedAt: writtenAt - sessionAge * 60, zone: sessionZone };
  }
  const history: HistoryEntry[] = [];
  let ended = false;
  for (let i = 0; i < historyEntries; i++) {
    const at = OFFSET.history + i * HISTORY_ENTRY_BYTES;
    const code = slot[at]!;
    const amount = (slot[at + 1]! << 16) | view.getUint16(at + 2);
    const age = view.getUint16(at + 4);
    if (code === 0) {
      if (amount !== 0 || age !== 0) throw new SlotFormatError("empty history entry with content");
      ended = true;
      continue;
    }
    const op = operationFromCode(code);
    if (!op) throw new SlotFormatError("unknown operation in history");
    if (ended) throw new SlotFormatError("history entry after an empty one");
    if (age === 0xffff) throw new SlotFormatError("history age out of range");
    history.push({ op, amount, at: writtenAt - age * 60, atSaturated: age === MAX_AGE_MINUTES });
  }
  if (history.length === 0) throw new SlotFormatError("a slot records at least the operation that wrote it");
  if (view.getUint16(OFFSET.history + 4) !== 0) {
    throw new SlotFormatError("the newest history entry is the write itself and has age 0");
  }
  return {
    flags: {
      recovered: (flagByte & FLAG_RECOVERED) !== 0,
      restored: (flagByte & FLAG_RESTORED) !== 0,
      issued: (flagByte & FLAG_ISSUED) !== 0,
    },
    status,
    cardId: toHex(slot.subarray(OFFSET.cardId, OFFSET.cardId + CARD_ID_BYTES)),
    counter: view.getUint32(OFFSET.counter),
    balance: view.getUint32(OFFSET.balance),
    session,
    writtenAt,
    grantSeq: view.getUint16(OFFSET.grantSeq),
    chain: slot.slice(OFFSET.chain, OFFSET.chain + CHAIN_BYTES),
    history,
  };
}
