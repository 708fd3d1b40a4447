/** Sealing (terminal side) and opening (every reader) of one layout-1 slot. */

import { importPublicKeyRaw, sign, verify } from "../crypto/ed25519.ts";
import { concatBytes, equalBytes, tag, toHex } from "../encoding/bytes.ts";
import { CERTIFICATE_BYTES, decodeCertificate } from "./certificate.ts";
import { nextChainHead } from "./chain.ts";
import {
  certificateOffset,
  decodeSlotPrefix,
  encodeSlotPrefix,
  HISTORY_ENTRY_BYTES,
  historyEntriesForSlot,
  LAYOUT_V1,
  OFFSET,
  type SlotFields,
  SlotFormatError,
  signatureOffset,
  TERMINAL_SIGNATURE_BYTES,
  UID_BYTES,
} from "./layout-v1.ts";
import type { CardState } from "./state.ts";

const CARD_TAG = tag("tessera.card.v1");

export interface SealInput {
  fields: Omit<SlotFields, "chain">;
  /** Chain head of the state this one is written over (GENESIS_CHAIN for an issue). */
  previousChain: Uint8Array;
  historyEntries: number;
  certificate: Uint8Array;
  /** The chip's 7-byte UID: binding the signature to it makes a byte-for-byte copy to another chip fail. */
  uid: Uint8Array;
  deviceKey: CryptoKey;
}

/** Builds and signs a slot image with the terminal's device key. */
export async function sealSlot(input: SealInput): Promise<Uint8Array> {
  if (input.uid.length !== UID_BYTES) throw new RangeError("chip UID must be 7 bytes");
  if (input.certificate.length !== CERTIFICATE_BYTES)
    throw new RangeError(`certificate must be ${CERTIFICATE_BYTES} bytes`);
  const cert = decodeCertificate(input.certificate);
  const draft = encodeSlotPrefix({ ...input.fields, chain: new Uint8Array(16) }, input.historyEntries);
  const chain = await nextChainHead(
    input.previousChain,
    draft,
    draft.subarray(OFFSET.history, OFFSET.history + HISTORY_ENTRY_BYTES),
    cert.terminalNumber,
  );
  draft.set(chain, OFFSET.chain);
  const signed = concatBytes(draft, input.certificate);
  const signature = await sign(input.deviceKey, concatBytes(CARD_TAG, input.uid, signed));
  return concatBytes(signed, signature);
}

/** Structural decode of a slot; throws SlotFormatError when it is not a well-formed layout-1 slot. */
export function openSlot(slot: Uint8Array): CardState {
  if (slot[0] !== LAYOUT_V1) throw new SlotFormatError("not a layout 1 slot");
  const historyEntries = historyEntriesForSlot(slot.length);
  if (historyEntries === undefined) throw new SlotFormatError(`no layout 1 slot is ${slot.length} bytes`);
  const prefix = decodeSlotPrefix(slot, historyEntries);
  const certStart = certificateOffset(historyEntries);
  const certificate = decodeCertificate(slot.subarray(certStart, certStart + CERTIFICATE_BYTES));
  return {
    layout: LAYOUT_V1,
    ...prefix,
    chain: toHex(prefix.chain),
    certificate,
    bytes: slot.slice(),
  };
}

/**
 * Checks the writing terminal's signature over the slot and the chip UID. `certificateKey` is the
 * certificate's public key already imported, for a verifier that checks many slots of one terminal (the
 * caller must have compared it with `state.certificate.publicKey`).
 */
export async function verifySlotSignature(
  state: CardState,
  uid: Uint8Array,
  certificateKey?: CryptoKey,
): Promise<boolean> {
  const historyEntries = historyEntriesForSlot(state.bytes.length);
  if (historyEntries === undefined) return false;
  const sigAt = signatureOffset(historyEntries);
  let key: CryptoKey;
  try {
    key = certificateKey ?? (await importPublicKeyRaw(state.certificate.publicKey));
  } catch {
    return false;
  }
  return verify(
    key,
    state.bytes.subarray(sigAt, sigAt + TERMINAL_SIGNATURE_BYTES),
    concatBytes(CARD_TAG, uid, state.bytes.subarray(0, sigAt)),
  );
}

/** Recomputes a state's chain head from a parent head; true when the state really follows that parent. */
export async function chainFollows(state: CardState, previousChain: Uint8Array): Promise<boolean> {
  const expected = await nextChainHead(
    previousChain,
    state.bytes,
    state.bytes.subarray(OFFSET.history, OFFSET.history + HISTORY_ENTRY_BYTES),
    state.certificate.terminalNumber,
  );
  return equalBytes(expected, state.bytes.subarray(OFFSET.chain, OFFSET.chain + 16));
}
