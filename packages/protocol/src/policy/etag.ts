/**
 * Strong ETags for published documents (policy, catalog), computed from their canonical JSON so every
 * service and terminal that holds the same document derives the same tag.
 */
import { sha256 } from "../crypto/ed25519.ts";
import { toBase64Url, utf8 } from "../encoding/bytes.ts";
import { canonicalJson } from "../encoding/canonical-json.ts";

/** 22 base64url characters = 132 bits of SHA-256: no accidental collisions, short headers. */
const ETAG_HASH_CHARS = 22;

export async function documentEtag(doc: unknown): Promise<string> {
  const digest = await sha256(utf8.encode(canonicalJson(doc)));
  return `"${toBase64Url(digest).slice(0, ETAG_HASH_CHARS)}"`;
}
