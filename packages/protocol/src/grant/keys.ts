/**
 * The backend's public keys as published, by version and purpose (ADR 0004). Every key version has two
 * keys: one signs session grants (JWS), the other signs the terminal certificates cards carry. Versions
 * made before the keys were split have one key that does both jobs, until they are retired. A key id names
 * the version and what the key may verify:
 *
 *   tessera-grant-N   grant key of version N         published in the JWKS only
 *   tessera-cert-N    certificate key of version N   published in the certificate key set only
 *   tessera-N         the one key of a legacy, dual-purpose version N: in both, until N is retired
 *
 * Verifiers take only the keys whose id allows their job (`keysByVersion(set, purpose)`, `verifyGrant`), so a
 * key meant for one job is never tried for the other, whichever set it turns up in.
 */
import { z } from "zod";
import { importPublicKeyRaw, publicKeyToJwk } from "../crypto/ed25519.ts";
import { fromBase64Url } from "../encoding/bytes.ts";

/** A signing-key version; terminal certificates on cards carry it in one byte (card/certificate.ts). */
export const KeyVersion = z.int().min(1).max(0xff);
export type KeyVersion = z.infer<typeof KeyVersion>;

/** The two jobs backend keys do. */
export const KEY_PURPOSES = ["grant", "certificate"] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** What one key is for: one purpose, or both ("dual") for a version made before keys were split. */
export type KeyUse = KeyPurpose | "dual";

const KID_PREFIX: Record<KeyUse, string> = {
  grant: "tessera-grant-",
  certificate: "tessera-cert-",
  dual: "tessera-",
};
const KID_PATTERN = /^tessera-(?:(grant|cert)-)?([1-9][0-9]{0,2})$/;

/** The kinds of key id this code reads (`parseKid`) and so verifies with; terminals report them (ADR 0005). */
export const KEY_USES = Object.keys(KID_PREFIX) as readonly KeyUse[];

/** The key ids a verifier for `purpose` may use: its own, and legacy dual-purpose ones. */
export const KID_PATTERNS: Record<KeyPurpose, RegExp> = {
  grant: /^tessera-(?:grant-)?[1-9][0-9]{0,2}$/,
  certificate: /^tessera-(?:cert-)?[1-9][0-9]{0,2}$/,
};

export function kidForVersion(version: number, use: KeyUse): string {
  return `${KID_PREFIX[use]}${KeyVersion.parse(version)}`;
}

/** The version and use a key id names, or undefined when the id is not one of ours. */
export function parseKid(kid: string): { version: number; use: KeyUse } | undefined {
  const match = KID_PATTERN.exec(kid);
  if (!match) return undefined;
  const parsed = KeyVersion.safeParse(Number(match[2]));
  if (!parsed.success) return undefined;
  const use: KeyUse = match[1] === "grant" ? "grant" : match[1] === "cert" ? "certificate" : "dual";
  return { version: parsed.data, use };
}

/** The version a key id names when that key may verify `purpose`; undefined otherwise. */
export function versionFromKid(kid: string, purpose: KeyPurpose): number | undefined {
  const parsed = parseKid(kid);
  return parsed && (parsed.use === purpose || parsed.use === "dual") ? parsed.version : undefined;
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

/**
 * One published key. Any `kid` is read, so a key set that gains a kind of key this code does not know still
 * parses; verifiers skip ids that do not allow their job.
 */
export const JwksKey = Ed25519PublicJwk.extend({
  kid: z.string().min(1).max(128),
  alg: z.literal("EdDSA"),
  use: z.literal("sig"),
});
export type JwksKey = z.infer<typeof JwksKey>;

/** The JWKS (`/.well-known/jwks.json`): the keys that verify session grants, for any JOSE library. */
export const Jwks = z.looseObject({ keys: z.array(JwksKey) });
export type Jwks = z.infer<typeof Jwks>;

/**
 * The certificate key set (`/.well-known/tessera-certificate-keys.json`): the keys that verify terminal
 * certificates on cards, in JWKS form. Kept out of the JWKS so that no JOSE library is ever handed a key
 * that must not verify grants.
 */
export const CertificateKeySet = z.looseObject({ keys: z.array(JwksKey) });
export type CertificateKeySet = z.infer<typeof CertificateKeySet>;

/** The published entry for the public half of version `version`'s key for `use`. */
export async function jwksKeyFor(publicKey: CryptoKey, version: number, use: KeyUse): Promise<JwksKey> {
  return { ...(await publicKeyToJwk(publicKey)), kid: kidForVersion(version, use), alg: "EdDSA", use: "sig" };
}

/**
 * The keys of a published set that may verify `purpose`, imported and by version: a certificate on a card
 * names its key by version, not by kid. Keys whose id is not ours, or names the other purpose, are skipped.
 */
export async function keysByVersion(
  set: { keys: readonly { kid: string; x: string }[] },
  purpose: KeyPurpose,
): Promise<Map<number, CryptoKey>> {
  const keys = new Map<number, CryptoKey>();
  for (const key of set.keys) {
    const version = versionFromKid(key.kid, purpose);
    if (version !== undefined) keys.set(version, await importPublicKeyRaw(fromBase64Url(key.x)));
  }
  return keys;
}
