/**
 * The claims of a session grant: the short-lived, backend-signed authorisation a terminal acts
 * inside, bound to its device key (`cnf.jkt`) and carrying its scope and offline limits.
 */
import { z } from "zod";
import { Operation, Role } from "../domain/operation.ts";
import { LocationId } from "../policy/catalog.ts";
import { OfflineLimits } from "../policy/document.ts";
import { KeyVersion } from "./keys.ts";

export const GRANT_AUDIENCE = "tessera";
export const GRANT_TOKEN_TYPE = "tessera-grant+jwt";

/** Seconds since the Unix epoch, as JWT counts time. */
const NumericDate = z.int().nonnegative();
/** RFC 7638 thumbprint: base64url of a SHA-256 digest. */
export const JwkThumbprint = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a base64url SHA-256 JWK thumbprint");

export const SessionGrantClaims = z.looseObject({
  iss: z.string().min(1),
  /** The terminal's id. */
  sub: z.string().min(1).max(128),
  aud: z.literal(GRANT_AUDIENCE),
  iat: NumericDate,
  nbf: NumericDate,
  exp: NumericDate,
  /** The grant's id. */
  jti: z.string().min(1).max(128),
  cnf: z.looseObject({ jkt: JwkThumbprint }),
  /** The terminal number written on cards (24 bits in the card certificate). */
  tid: z.int().min(1).max(0xff_ffff),
  /** This grant's sequence number for the terminal; cards keep its low 16 bits, events name the grant in full. */
  gseq: z.int().min(0).max(0xff_ffff),
  role: Role,
  ops: z.array(Operation),
  limits: OfflineLimits,
  loc: LocationId,
  /** Policy version the grant was issued under. */
  pv: z.int().min(1),
  /** Deny-list version the terminal must have at least. */
  dlv: z.int().nonnegative(),
  /** Version of the key that signed the grant. */
  kv: KeyVersion,
});
export type SessionGrantClaims = z.infer<typeof SessionGrantClaims>;
