/**
 * Ed25519 keys from fixed 32-byte seeds, for committed test vectors only: anyone can rebuild the same keys
 * and so check every signature byte. Never use seeded keys outside tests.
 */

import { ED25519 } from "../crypto/ed25519.ts";
import { concatBytes, fromHex } from "../encoding/bytes.ts";

/** The fixed DER prefix of a PKCS#8 Ed25519 private key (RFC 8410) before the 32-byte seed. */
const PKCS8_ED25519_PREFIX = fromHex("302e020100300506032b657004220420");

export async function seededKeyPair(seedHex: string): Promise<CryptoKeyPair> {
  const seed = fromHex(seedHex);
  if (seed.length !== 32) throw new RangeError("an Ed25519 seed is 32 bytes");
  const privateKey = await crypto.subtle.importKey(
    "pkcs8",
    concatBytes(PKCS8_ED25519_PREFIX, seed) as Uint8Array<ArrayBuffer>,
    ED25519,
    true,
    ["sign"],
  );
  const jwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
  const publicKey = await crypto.subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "Ed25519", x: jwk.x! },
    ED25519,
    true,
    ["verify"],
  );
  return { privateKey, publicKey };
}

/** A seed made of one repeated byte, easy to quote in documentation. */
export function seedOf(byte: number): string {
  return byte.toString(16).padStart(2, "0").repeat(32);
}
