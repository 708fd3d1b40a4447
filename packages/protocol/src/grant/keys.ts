/**
 * The backend's grant-signing keys as published: versioned key ids and the JWKS shape every verifier
 * (terminals, services, any JOSE library) fetches. Versions rotate, so a key is always named by one.
 */
import { z } from "zod";
import { importPublicKeyRaw, publicKeyToJwk } from "../crypto/ed25519.ts";
import { fromBase64Url } from "../encoding/bytes.ts";

const KID_PREFIX = "tessera-";
const KID_PATTERN = /^tessera-([1-9][0-9]{0,2})$/;

/** A signing-key version; terminal certificates on cards carry it in one byte (card/certificate.ts). */
export const KeyVersion = z.int().min(1).max(0xff);
export type KeyVersion = z.infer<typeof KeyVersion>;

export function kidForVersion(version: number): string {
  return `${KID_PREFIX}${KeyVersion.parse(version)}`;
}

/** The version a key id names, or undefined when the id is not one of ours. */
export function versionFromKid(kid: string): number | undefined {
  const match = KID_PATTERN.exec(kid);
  if (!match) return undefined;
  const parsed = KeyVersion.safeParse(Number(match[1]));
  return parsed.success ? parsed.data : undefined;
}

/** Base64url of a 32-byte Ed25519 public key. */
const Ed25519X = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a 32-byte base64url Ed25519 public key");

/**
 * An Ed25519 public key as a JWK. A private part (`d`) is refused outright: a JWK that crosses the
 * wire with one has leaked a key, whoever sent it.
 */
export const Ed25519PublicJwk = z.looseObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: Ed25519X,
  d: z.never({ error: "a public key must not carry its private part" }).optional(),
});
export type Ed25519PublicJwk = z.infer<typeof Ed25519PublicJwk>;

export const JwksKey = Ed25519PublicJwk.extend({
  kid: z.string().regex(KID_PATTERN, 'a key id such as "tessera-3"'),
  alg: z.literal("EdDSA"),
  use: z.literal("sig"),
});
export type JwksKey = z.infer<typeof JwksKey>;

export const Jwks = z.looseObject({ keys: z.array(JwksKey) });
export type Jwks = z.infer<typeof Jwks>;

/** The JWKS entry for a signing key's public half. */
export async function jwksKeyFor(publicKey: CryptoKey, version: number): Promise<JwksKey> {
  return { ...(await publicKeyToJwk(publicKey)), kid: kidForVersion(version), alg: "EdDSA", use: "sig" };
}

/**
 * The backend's public keys by version, imported from its JWKS, as card and grant verification take them; a key
 * whose id is not one of ours is skipped. (A certificate on a card names its key by version, not by kid.)
 */
export async function keysByVersion(jwks: {
  keys: readonly { kid: string; x: string }[];
}): Promise<Map<number, CryptoKey>> {
  const keys = new Map<number, CryptoKey>();
  for (const key of jwks.keys) {
    const version = versionFromKid(key.kid);
    if (version !== undefined) keys.set(version, await importPublicKeyRaw(fromBase64Url(key.x)));
  }
  return keys;
}
