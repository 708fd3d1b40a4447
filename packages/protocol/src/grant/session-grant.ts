/**
 * Signing and verifying session grants as compact JWS (EdDSA over Ed25519) with jose, so any JOSE
 * library holding our JWKS can check them too. Verification reports a reason and never throws on
 * whatever token it is handed.
 */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
  type ProtectedHeaderParameters,
  SignJWT,
} from "jose";
import { ROLE_CEILING } from "../domain/operation.ts";
import { GRANT_AUDIENCE, GRANT_TOKEN_TYPE, SessionGrantClaims } from "./claims.ts";
import { KID_PATTERNS, versionFromKid } from "./keys.ts";

/** Far above any honest grant (≈ 1 KB); refuses to spend work on absurd inputs. */
const MAX_TOKEN_LENGTH = 8192;

export type GrantRejection =
  | "expired"
  | "not_yet_valid"
  | "bad_signature"
  | "unknown_kid"
  | "malformed"
  | "wrong_key_binding";

export type GrantVerdict = { ok: true; claims: SessionGrantClaims } | { ok: false; reason: GrantRejection };

export interface GrantVerifyOptions {
  /** Current time in seconds since the epoch; defaults to the system clock. */
  now?: number;
  /** The thumbprint of the device key presenting the grant; the grant must be bound to it. */
  expectedJkt?: string;
  /** Tolerance for `exp` and `nbf`, normally the policy's `clockSkewSeconds`. Defaults to 0. */
  clockSkewSeconds?: number;
}

/** A role's grant can never carry operations beyond the role's ceiling, whatever policy says. */
function withinRoleCeiling(claims: SessionGrantClaims): boolean {
  return claims.ops.every((op) => ROLE_CEILING[claims.role].includes(op));
}

export async function signGrant(
  claims: SessionGrantClaims,
  signer: { privateKey: CryptoKey; kid: string },
): Promise<string> {
  const valid = SessionGrantClaims.parse(claims);
  if (!withinRoleCeiling(valid))
    throw new RangeError(`a ${valid.role} grant cannot carry ${valid.ops.join(", ")}`);
  return new SignJWT(valid)
    .setProtectedHeader({ alg: "EdDSA", typ: GRANT_TOKEN_TYPE, kid: signer.kid })
    .sign(signer.privateKey);
}

// One key resolver per JWKS object, so imported keys are cached across verifications. jose snapshots the
// set, so a changed JWKS must be a new object (as it is when fetched or parsed again), not an edited one.
const resolvers = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

/**
 * A resolver over the keys of the set that may verify grants: a certificate key is never tried, even when a
 * set holding one is handed over by mistake (ADR 0004).
 */
function resolverFor(jwks: JSONWebKeySet): JWTVerifyGetKey {
  let resolver = resolvers.get(jwks);
  if (!resolver) {
    const grantKeys = jwks.keys.filter(
      (key) => typeof key.kid === "string" && KID_PATTERNS.grant.test(key.kid),
    );
    resolver = createLocalJWKSet({ keys: grantKeys });
    resolvers.set(jwks, resolver);
  }
  return resolver;
}

function rejectionFor(error: unknown): GrantRejection {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "nbf") return "not_yet_valid";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown_kid";
  return "malformed";
}

/**
 * Verifies a grant against the published keys. The JWKS is trusted configuration: an invalid one
 * throws, because silently rejecting every grant would hide the real fault.
 */
export async function verifyGrant(
  token: unknown,
  jwks: JSONWebKeySet,
  options: GrantVerifyOptions = {},
): Promise<GrantVerdict> {
  const resolver = resolverFor(jwks);
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "malformed" };

  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  // Without a kid any key in the set could be tried; our grants always name theirs, and it must name a key
  // that may sign grants (a grant key, or a legacy dual-purpose one), never a certificate key.
  if (typeof header.kid !== "string") return { ok: false, reason: "unknown_kid" };
  const version = versionFromKid(header.kid, "grant");
  if (version === undefined) return { ok: false, reason: "unknown_kid" };

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, resolver, {
      algorithms: ["EdDSA"],
      typ: GRANT_TOKEN_TYPE,
      audience: GRANT_AUDIENCE,
      requiredClaims: ["iat", "nbf", "exp", "jti", "sub"],
      clockTolerance: options.clockSkewSeconds ?? 0,
      ...(options.now === undefined ? {} : { currentDate: new Date(options.now * 1000) }),
    }));
  } catch (error) {
    return { ok: false, reason: rejectionFor(error) };
  }

  const parsed = SessionGrantClaims.safeParse(payload);
  if (!parsed.success || !withinRoleCeiling(parsed.data)) return { ok: false, reason: "malformed" };
  // The key version claimed inside must be the one that signed it.
  if (version !== parsed.data.kv) return { ok: false, reason: "malformed" };
  if (options.expectedJkt !== undefined && parsed.data.cnf.jkt !== options.expectedJkt)
    return { ok: false, reason: "wrong_key_binding" };
  return { ok: true, claims: parsed.data };
}

export interface UnverifiedGrant {
  header: ProtectedHeaderParameters;
  claims: SessionGrantClaims;
}

/**
 * Reads a grant WITHOUT checking its signature or validity, for showing a terminal's own grant on
 * screen. Never base a decision on the result; use verifyGrant.
 */
export function decodeGrantUnverified(token: string): UnverifiedGrant | undefined {
  try {
    const header = decodeProtectedHeader(token);
    const claims = SessionGrantClaims.safeParse(decodeJwt(token));
    return claims.success ? { header, claims: claims.data } : undefined;
  } catch {
    return undefined;
  }
}
