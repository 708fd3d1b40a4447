/**
 * Signing and verifying terminal events. The signature covers the canonical JSON of every field but
 * `sig`, unknown ones included, under the tag `tessera.event.v1`, so an event signature can never be
 * replayed as a signature over anything else.
 */

import { sign, verify } from "../crypto/ed25519.ts";
import { concatBytes, fromBase64Url, tag, toBase64Url, utf8 } from "../encoding/bytes.ts";
import { canonicalJson } from "../encoding/canonical-json.ts";
import { type TerminalEvent, UnsignedTerminalEvent } from "./terminal-event.ts";

export const EVENT_SIGNING_TAG = "tessera.event.v1";

/** The exact bytes an event's signature covers; any `sig` on the input is left out. */
export function eventSigningBytes(event: UnsignedTerminalEvent | TerminalEvent): Uint8Array {
  const { sig: _sig, ...fields } = event as Record<string, unknown>;
  return concatBytes(tag(EVENT_SIGNING_TAG), utf8.encode(canonicalJson(fields)));
}

/**
 * Validates and signs an event with the terminal's device key. A terminal never signs what the
 * schema refuses, so a malformed event throws here rather than reaching the outbox.
 */
export async function signEvent(
  unsigned: UnsignedTerminalEvent,
  privateKey: CryptoKey,
): Promise<TerminalEvent> {
  const { sig: _previous, ...fields } = unsigned as Record<string, unknown>;
  const event = UnsignedTerminalEvent.parse(fields);
  const signature = await sign(privateKey, eventSigningBytes(event));
  return { ...event, sig: toBase64Url(signature) };
}

/**
 * Whether `sig` is the terminal's signature over the event. Anything malformed (not an object, a
 * `sig` that is not canonical base64url of 64 bytes, a value canonical JSON cannot encode) is simply
 * not valid: this never throws. It checks the signature only; parse the event with `TerminalEvent`
 * for its shape.
 */
export async function verifyEventSignature(event: unknown, publicKey: CryptoKey): Promise<boolean> {
  try {
    if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
    const { sig } = event as { sig?: unknown };
    if (typeof sig !== "string") return false;
    const signature = fromBase64Url(sig);
    // Only one spelling of a signature is accepted, so an event has exactly one valid `sig`.
    if (toBase64Url(signature) !== sig) return false;
    return await verify(publicKey, signature, eventSigningBytes(event as TerminalEvent));
  } catch {
    return false;
  }
}
