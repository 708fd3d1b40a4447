/** Keys and claims shared by the grant tests. */
import { generateSigningKeyPair, jwkThumbprint, publicKeyToJwk } from "../crypto/ed25519.ts";
import type { SessionGrantClaims } from "./claims.ts";
import { type Jwks, jwksKeyFor, type KeyUse, kidForVersion } from "./keys.ts";

export const NOW = 1_767_600_000;

/** A backend key of `version` for `use`: a grant key unless the test needs another. */
export async function backendKey(version: number, use: KeyUse = "grant") {
  const pair = await generateSigningKeyPair();
  return {
    ...pair,
    version,
    kid: kidForVersion(version, use),
    jwk: await jwksKeyFor(pair.publicKey, version, use),
  };
}

export async function deviceKey() {
  const pair = await generateSigningKeyPair();
  const publicJwk = await publicKeyToJwk(pair.publicKey);
  return { ...pair, publicJwk, jkt: await jwkThumbprint(publicJwk) };
}

export function jwksOf(...keys: { jwk: Jwks["keys"][number] }[]): Jwks {
  return { keys: keys.map((key) => key.jwk) };
}

export function grantClaims(jkt: string, overrides: Partial<SessionGrantClaims> = {}): SessionGrantClaims {
  return {
    iss: "https://grants.tessera.example",
    sub: "term_01HZX3",
    aud: "tessera",
    iat: NOW,
    nbf: NOW,
    exp: NOW + 8 * 3600,
    jti: "grant_7f3a",
    cnf: { jkt },
    tid: 4242,
    gseq: 17,
    role: "pos",
    ops: ["debit", "refund"],
    limits: { perTransaction: 5_000, cumulativeValue: 100_000, cumulativeCount: 1_000 },
    loc: "canteen",
    pv: 3,
    dlv: 12,
    kv: 1,
    ...overrides,
  };
}
