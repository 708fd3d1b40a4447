/**
 * DPoP proofs (RFC 9449) made with a terminal's non-extractable Ed25519 device key: each request
 * proves the caller holds the key a grant is bound to. Replay (a reused `jti`) is for the server to
 * catch, so verification hands the `jti` back.
 */
import {
  type CompactJWSHeaderParameters,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { z } from "zod";
import { type Ed25519Jwk, jwkThumbprint, sha256 } from "../crypto/ed25519.ts";
import { toBase64Url, utf8 } from "../encoding/bytes.ts";
import { Ed25519PublicJwk } from "./keys.ts";

export const DPOP_TOKEN_TYPE = "dpop+jwt";
/** Far above an honest proof (≈ 400 bytes); refuses to spend work on absurd inputs. */
const MAX_PROOF_LENGTH = 4096;
/** JWK members that only private or symmetric keys have. */
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "priv"] as const;

export interface DpopProofInput {
  privateKey: CryptoKey;
  publicJwk: Ed25519Jwk;
  /** HTTP method of the request, e.g. "POST". */
  htm: string;
  /** URL of the request; query and fragment are dropped as RFC 9449 requires. */
  htu: string;
  /** Seconds since the epoch; defaults to the system clock. */
  iat?: number;
  /** Unique proof id; defaults to 128 random bits. */
  jti?: string;
  /** `accessTokenHash(token)` when the proof accompanies an access token such as a grant. */
  ath?: string;
}

export type DpopRejection =
  | "malformed"
  | "wrong_typ"
  | "wrong_alg"
  | "bad_jwk"
  | "private_key_in_header"
  | "bad_signature"
  | "wrong_htm"
  | "wrong_htu"
  | "stale"
  | "issued_in_future"
  | "ath_mismatch"
  | "wrong_key_binding";

export type DpopVerdict =
  | { ok: true; jkt: string; jti: string; iat: number; jwk: Ed25519Jwk }
  | { ok: false; reason: DpopRejection };

export interface DpopVerifyOptions {
  htm: string;
  htu: string;
  /** Current time in seconds since the epoch; defaults to the system clock. */
  now?: number;
  /** How old a proof may be. */
  maxAgeSeconds?: number;
  /** How far ahead of ours the terminal's clock may run. */
  clockSkewSeconds?: number;
  /** The thumbprint the proof's key must have (the grant's `cnf.jkt`, or the enrolled key's). */
  expectedJkt?: string;
  /** The access token sent with the proof; its hash must be in `ath`. */
  accessToken?: string;
}

const DpopClaims = z.looseObject({
  jti: z.string().min(1).max(256),
  htm: z.string().min(1),
  htu: z.string().min(1),
  iat: z.int(),
  ath: z.string().optional(),
});

/** The `ath` of a proof: base64url(SHA-256(access token)). */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return toBase64Url(await sha256(utf8.encode(accessToken)));
}

/** The request URL as DPoP compares it: normalised, without query or fragment. */
function targetUri(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export async function createDpopProof(input: DpopProofInput): Promise<string> {
  const htu = targetUri(input.htu);
  if (htu === undefined) throw new TypeError(`not an absolute URL: ${input.htu}`);
  const payload: JWTPayload = {
    jti: input.jti ?? toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    htm: input.htm,
    htu,
    iat: input.iat ?? nowSeconds(),
    ...(input.ath === undefined ? {} : { ath: input.ath }),
  };
  // Only the public members are copied, so nothing else the caller's object holds can leak.
  const { kty, crv, x } = input.publicJwk;
  const header: CompactJWSHeaderParameters = { alg: "EdDSA", typ: DPOP_TOKEN_TYPE, jwk: { kty, crv, x } };
  return new SignJWT(payload).setProtectedHeader(header).sign(input.privateKey);
}

export async function verifyDpopProof(proof: unknown, options: DpopVerifyOptions): Promise<DpopVerdict> {
  if (typeof proof !== "string" || proof.length > MAX_PROOF_LENGTH) return { ok: false, reason: "malformed" };
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (header.typ !== DPOP_TOKEN_TYPE) return { ok: false, reason: "wrong_typ" };
  if (header.alg !== "EdDSA") return { ok: false, reason: "wrong_alg" };
  const headerJwk: unknown = header.jwk;
  if (typeof headerJwk !== "object" || headerJwk === null) return { ok: false, reason: "bad_jwk" };
  if (PRIVATE_JWK_MEMBERS.some((member) => member in headerJwk))
    return { ok: false, reason: "private_key_in_header" };
  const jwkParse = Ed25519PublicJwk.safeParse(headerJwk);
  if (!jwkParse.success) return { ok: false, reason: "bad_jwk" };
  const jwk: Ed25519Jwk = { kty: "OKP", crv: "Ed25519", x: jwkParse.data.x };

  let payload: JWTPayload;
  try {
    const key = await importJWK(jwk, "EdDSA");
    ({ payload } = await jwtVerify(proof, key, { algorithms: ["EdDSA"], typ: DPOP_TOKEN_TYPE }));
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof errors.JWSSignatureVerificationFailed ? "bad_signature" : "malformed",
    };
  }
  const claims = DpopClaims.safeParse(payload);
  if (!claims.success) return { ok: false, reason: "malformed" };
  const { jti, htm, htu, iat, ath } = claims.data;

  if (htm !== options.htm) return { ok: false, reason: "wrong_htm" };
  const expectedHtu = targetUri(options.htu);
  if (expectedHtu === undefined || targetUri(htu) !== expectedHtu) return { ok: false, reason: "wrong_htu" };

  const now = options.now ?? nowSeconds();
  const skew = options.clockSkewSeconds ?? 5;
  if (iat < now - (options.maxAgeSeconds ?? 60) - skew) return { ok: false, reason: "stale" };
  if (iat > now + skew) return { ok: false, reason: "issued_in_future" };

  if (options.accessToken !== undefined && ath !== (await accessTokenHash(options.accessToken)))
    return { ok: false, reason: "ath_mismatch" };

  const jkt = await jwkThumbprint(jwk);
  if (options.expectedJkt !== undefined && jkt !== options.expectedJkt)
    return { ok: false, reason: "wrong_key_binding" };
  return { ok: true, jkt, jti, iat, jwk };
}
