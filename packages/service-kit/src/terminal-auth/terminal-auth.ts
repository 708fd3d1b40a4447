/**
 * Terminal authentication for every Worker: a session grant presented as `Authorization: DPoP <grant>`
 * with a `DPoP` proof made by the device key the grant is bound to (RFC 9449). A stolen grant is
 * useless without that key, and a captured proof is refused once it has been used.
 */
import {
  type Jwks,
  type SessionGrantClaims,
  TesseraError,
  verifyDpopProof,
  verifyGrant,
} from "@tessera/protocol";
import type { Context, Env, MiddlewareHandler } from "hono";
import type { JtiStore } from "./jti-store.ts";

/** Who a terminal request comes from, once its grant and proof have both verified. */
export interface TerminalPrincipal {
  kind: "terminal";
  /** The terminal's id (the grant's `sub`). */
  terminalId: string;
  /** The number written on cards (the grant's `tid`). */
  terminalNumber: number;
  /** The verified grant's claims: role, operations, limits, location, versions. */
  grant: SessionGrantClaims;
  /** Thumbprint of the device key that signed the proof (equals `grant.cnf.jkt`). */
  jkt: string;
}

export type TerminalStatus = "active" | "suspended" | "revoked" | "unknown";

export interface TerminalAuthOptions<E extends Env = Env> {
  /** The grant-signing public keys in force (the grants Worker's JWKS). */
  jwks: (c: Context<E>) => Promise<Jwks>;
  /** Where used proof ids are remembered. */
  replay: (c: Context<E>) => JtiStore;
  /**
   * The terminal's standing now; a suspended or revoked terminal is refused even with an unexpired
   * grant. Without it a grant stays usable until it expires, so every Worker should supply one.
   */
  terminalStatus?: (c: Context<E>, principal: TerminalPrincipal) => Promise<TerminalStatus>;
  /** How old a proof may be: RFC 9449 suggests seconds to minutes. Default 60. */
  proofMaxAgeSeconds?: number;
  /** How far a terminal's clock may be from ours; cheap devices drift. Default 300 (the default policy's). */
  clockSkewSeconds?: number;
  /** Seconds since the epoch; tests pin it. */
  now?: () => number;
}

const DEFAULT_PROOF_MAX_AGE_SECONDS = 60;
const DEFAULT_CLOCK_SKEW_SECONDS = 300;

/** RFC 9449 §7.1: how a client learns which scheme and algorithms to use. */
const CHALLENGE = 'DPoP algs="EdDSA"';

/** The grant in an `Authorization: DPoP <grant>` header; throws the problem a client must see otherwise. */
function presentedGrant(authorization: string | undefined): string {
  if (!authorization)
    throw new TesseraError("unauthenticated", "Send the session grant as `Authorization: DPoP <grant>`");
  const match = /^(\S+)\s+(\S+)$/.exec(authorization.trim());
  if (!match) throw new TesseraError("grant_invalid", "The Authorization header is not `DPoP <grant>`");
  const [, scheme, token] = match;
  // A proof-of-possession token sent as a bearer token is refused outright (RFC 9449 §7.1).
  if (scheme!.toLowerCase() !== "dpop")
    throw new TesseraError(
      "grant_invalid",
      "A session grant must be presented with the DPoP scheme, not Bearer",
    );
  return token!;
}

/** How long a proof id must be remembered: as long as a proof with that `iat` could still be accepted. */
export function proofReplayWindowSeconds(
  options: Pick<TerminalAuthOptions, "proofMaxAgeSeconds" | "clockSkewSeconds">,
): number {
  const maxAge = options.proofMaxAgeSeconds ?? DEFAULT_PROOF_MAX_AGE_SECONDS;
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  return maxAge + 2 * skew;
}

/**
 * Authenticates one terminal request, or throws a `TesseraError`: `unauthenticated` (nothing presented),
 * `grant_invalid`, `grant_expired`, `dpop_invalid`, `dpop_replayed`, `terminal_suspended`, `terminal_revoked`.
 */
export async function authenticateTerminal<E extends Env>(
  c: Context<E>,
  options: TerminalAuthOptions<E>,
): Promise<TerminalPrincipal> {
  const now = options.now?.() ?? Math.floor(Date.now() / 1000);
  const grant = presentedGrant(c.req.header("Authorization"));

  const verdict = await verifyGrant(grant, await options.jwks(c), { now });
  if (!verdict.ok) {
    if (verdict.reason === "expired")
      throw new TesseraError("grant_expired", "The session grant has expired; fetch a new one");
    throw new TesseraError("grant_invalid", `The session grant was refused: ${verdict.reason}`);
  }
  const claims = verdict.claims;

  // Headers.get joins repeated headers with ", "; a compact JWS has no comma, so one means two proofs.
  const proof = c.req.header("DPoP");
  if (!proof || proof.includes(","))
    throw new TesseraError("dpop_invalid", "Send exactly one DPoP proof header");
  const proofVerdict = await verifyDpopProof(proof, {
    htm: c.req.method,
    htu: c.req.url,
    now,
    maxAgeSeconds: options.proofMaxAgeSeconds ?? DEFAULT_PROOF_MAX_AGE_SECONDS,
    clockSkewSeconds: options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS,
    expectedJkt: claims.cnf.jkt,
    accessToken: grant,
  });
  if (!proofVerdict.ok)
    throw new TesseraError("dpop_invalid", `The DPoP proof was refused: ${proofVerdict.reason}`);

  if (!(await options.replay(c).claim(proofVerdict.jti, proofReplayWindowSeconds(options))))
    throw new TesseraError("dpop_replayed", "This DPoP proof was already used; make a new one per request");

  const principal: TerminalPrincipal = {
    kind: "terminal",
    terminalId: claims.sub,
    terminalNumber: claims.tid,
    grant: claims,
    jkt: proofVerdict.jkt,
  };
  const status = (await options.terminalStatus?.(c, principal)) ?? "active";
  if (status === "suspended") throw new TesseraError("terminal_suspended", "This terminal is suspended");
  if (status === "revoked") throw new TesseraError("terminal_revoked", "This terminal has been revoked");
  if (status === "unknown")
    throw new TesseraError("grant_invalid", "The grant names a terminal that is not enrolled");
  return principal;
}

/**
 * Middleware that admits only an authenticated terminal and sets `c.var.principal` to it. A 401 carries
 * `WWW-Authenticate: DPoP`, so a client knows which scheme is expected.
 */
export function terminalAuth<E extends Env = Env>(options: TerminalAuthOptions<E>): MiddlewareHandler<E> {
  return async (c, next) => {
    let principal: TerminalPrincipal;
    try {
      principal = await authenticateTerminal(c, options);
    } catch (error) {
      if (error instanceof TesseraError && error.status === 401) c.header("WWW-Authenticate", CHALLENGE);
      throw error;
    }
    // The variable's full type (every principal kind) belongs to the caller's Env, not to this module.
    (c as unknown as Context<{ Variables: { principal: TerminalPrincipal } }>).set("principal", principal);
    await next();
  };
}
