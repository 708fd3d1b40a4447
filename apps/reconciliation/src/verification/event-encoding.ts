/**
 * An uploaded event's canonical JSON, built once and used twice: whole, its SHA-256 is the fingerprint that
 * tells a duplicate from a conflict; without `sig`, it is what the terminal signed (`eventSigningBytes`). The
 * two differ by one top-level member, so both come from one pass over the event's members, each encoded by
 * the protocol's `canonicalJson`, giving byte for byte what `canonicalJson(event)` and `eventSigningBytes`
 * give (src/verification/event-encoding.test.ts checks it on hostile input too).
 */
import {
  canonicalJson,
  concatBytes,
  EVENT_SIGNING_TAG,
  fromBase64Url,
  tag,
  toBase64Url,
  utf8,
  verify,
} from "@tessera/protocol";

export interface EventEncoding {
  /** `canonicalJson(event)`, or the event's plain JSON when canonical JSON cannot encode it. */
  canonical: string;
  /** The canonical JSON of every member but `sig`, when the event is an object canonical JSON encodes. */
  unsigned: string | null;
}

const SIGNING_TAG = tag(EVENT_SIGNING_TAG);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function encodeEvent(raw: unknown): EventEncoding {
  if (!isRecord(raw)) return { canonical: plainOrCanonical(raw), unsigned: null };
  // Sorted as canonicalJson sorts (UTF-16 code units), undefined members left out as it leaves them.
  const keys = Object.keys(raw)
    .filter((k) => raw[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const all: string[] = [];
  const unsigned: string[] = [];
  let encodable = true;
  let signedEncodable = true;
  for (const key of keys) {
    let member: string;
    try {
      member = `${JSON.stringify(key)}:${canonicalJson(raw[key])}`;
    } catch {
      encodable = false;
      if (key !== "sig") signedEncodable = false;
      continue;
    }
    all.push(member);
    if (key !== "sig") unsigned.push(member);
  }
  return {
    // Not canonicalisable (fractions, NaN…): such an event is rejected anyway; its plain JSON identifies it.
    canonical: encodable ? `{${all.join(",")}}` : (JSON.stringify(raw) ?? "null"),
    unsigned: signedEncodable ? `{${unsigned.join(",")}}` : null,
  };
}

function plainOrCanonical(raw: unknown): string {
  try {
    return canonicalJson(raw);
  } catch {
    return JSON.stringify(raw) ?? "null";
  }
}

/**
 * `verifyEventSignature` over an encoding already at hand: the same canonical-base64url rule for `sig`, the
 * same tag, the same bytes.
 */
export async function verifyEncodedSignature(
  sig: unknown,
  encoding: EventEncoding,
  publicKey: CryptoKey,
): Promise<boolean> {
  if (typeof sig !== "string" || encoding.unsigned === null) return false;
  try {
    const signature = fromBase64Url(sig);
    if (toBase64Url(signature) !== sig) return false;
    return await verify(publicKey, signature, concatBytes(SIGNING_TAG, utf8.encode(encoding.unsigned)));
  } catch {
    return false;
  }
}
