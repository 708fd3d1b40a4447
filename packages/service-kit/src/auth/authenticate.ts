/**
 * Turns the credential on a request into a principal, once per request: a bearer secret (API key,
 * admin token or the bootstrap admin), a Cloudflare Access assertion, or the console session cookie.
 * A terminal's `Authorization: DPoP` is left to the terminal-auth middleware.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { JWTVerifyGetKey } from "jose";
import type { ServiceBindings, ServiceVariables } from "../app.ts";
import { allowedOrigins } from "../cors.ts";
import {
  clientAddress,
  enforceRateLimit,
  type RateLimiter,
  type RateLimitPeriod,
} from "../rate-limit/rate-limit.ts";
import type { AuditFn } from "./audit.ts";
import { ACCESS_ASSERTION_HEADER, verifyAccessAssertion } from "./cloudflare-access.ts";
import { type AuthKv, credentialCache } from "./credential-cache.ts";
import {
  BOOTSTRAP_PRINCIPAL,
  type CredentialRecord,
  type Principal,
  type UserPrincipal,
} from "./principal.ts";
import { constantTimeEqual, hashSecret } from "./secrets.ts";
import { readSessionCookie } from "./session-cookie.ts";

/** Bindings the identity model reads; every Worker has them (ADR 0003). */
export interface AuthBindings {
  /** The shared credential mirror, written by the policy Worker. */
  AUTH_KV: AuthKv;
  /** Deployment secret of the bootstrap admin (a Wrangler secret). */
  BOOTSTRAP_ADMIN_TOKEN?: string;
  /** Cloudflare Access team domain; with ACCESS_AUD, Access assertions are accepted. */
  ACCESS_TEAM_DOMAIN?: string;
  /** Audience tag of the Access application in front of the console. */
  ACCESS_AUD?: string;
  /** Parent domain shared by the Workers, when the session cookie must reach all of them. */
  AUTH_COOKIE_DOMAIN?: string;
}

export interface AuthVariables {
  /** Who is calling; null when no valid credential came with the request. */
  principal: Principal | null;
  /** Why a presented credential was refused, for the 401 detail. */
  authFailure: string | undefined;
  audit: AuditFn;
}

/** The environment of a Worker that uses the identity model. */
export interface AuthEnv<B extends object = object> {
  Bindings: B & ServiceBindings & AuthBindings;
  Variables: ServiceVariables & AuthVariables;
}

/** The slice of env and variables the middleware needs, so it fits any Worker's `AuthEnv`. */
export type AuthMiddlewareEnv = {
  Bindings: AuthBindings & { ALLOWED_ORIGINS?: string };
  Variables: Pick<AuthVariables, "principal" | "authFailure">;
};

export interface AuthenticateOptions {
  /**
   * A second look at the source of truth where it is at hand: the policy Worker checks its own D1 so a
   * revocation is effective there at once instead of within the KV window.
   */
  confirm?: (c: Context, record: CredentialRecord) => Promise<boolean>;
  /** Keys for Cloudflare Access assertions; the team's JWKS by default (tests pass local keys). */
  accessKeys?: JWTVerifyGetKey;
  /** Counts failed bearer credentials per client address and refuses them past a limit (see below). */
  bearerFailures?: BearerFailureLimit;
}

/**
 * A limit on failed bearer credentials (unknown, revoked, expired or malformed) per client address. Past
 * it, each further failure from that address is answered 429 `rate_limited` with `Retry-After` on every
 * route, public ones included, until the window ends. Only failures count and only failures are refused: a
 * valid credential from the same address still works, so a guesser sharing a NAT with real users cannot
 * lock them out, and guessing a 256-bit secret was never the threat: the cost and the noise are.
 */
export interface BearerFailureLimit {
  limiter(c: Context): RateLimiter;
  /** The binding's `simple.period`, answered as `Retry-After`. */
  periodSeconds: RateLimitPeriod;
  /** Runs on each refusal with the client's address (to note the lockout); failures are logged only. */
  onRefused?(c: Context, client: string): Promise<void>;
}

/** A bootstrap token shorter than this is a configuration mistake; it is ignored, loudly. */
export const MIN_BOOTSTRAP_TOKEN_LENGTH = 32;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const SECRET_SHAPE = /^[\x21-\x7e]{16,512}$/;

type Identification = { principal: Principal | null; failure?: string };
const none: Identification = { principal: null };

// Hash of the bootstrap token, computed once per isolate and token value.
let bootstrapHash: { token: string; hash: string } | undefined;

async function isBootstrapToken(c: Context<AuthMiddlewareEnv>, presentedHash: string): Promise<boolean> {
  const token = c.env?.BOOTSTRAP_ADMIN_TOKEN;
  if (!token) return false;
  if (token.length < MIN_BOOTSTRAP_TOKEN_LENGTH) {
    console.error(JSON.stringify({ level: "error", event: "bootstrap_token_too_short" }));
    return false;
  }
  if (bootstrapHash?.token !== token) bootstrapHash = { token, hash: await hashSecret(token) };
  return constantTimeEqual(presentedHash, bootstrapHash.hash);
}

function principalOf(record: CredentialRecord): Principal {
  if (record.principal.kind === "service") return { ...record.principal, credentialId: record.id };
  const via: UserPrincipal["via"] = record.credential === "session" ? "session" : "token";
  return { ...record.principal, via, credentialId: record.id };
}

async function fromRecord(
  c: Context<AuthMiddlewareEnv>,
  hash: string,
  presentedAs: "bearer" | "cookie",
  options: AuthenticateOptions,
): Promise<Identification> {
  const record = await credentialCache(c.env.AUTH_KV).get(hash);
  if (!record) return { principal: null, failure: "The credential is not recognised, or was revoked" };
  // A session id only works from its HttpOnly cookie; tokens and keys only as bearer secrets.
  if ((record.credential === "session") !== (presentedAs === "cookie"))
    return { principal: null, failure: "The credential was presented the wrong way" };
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= Date.now())
    return { principal: null, failure: "The credential has expired" };
  if (options.confirm && !(await options.confirm(c, record)))
    return { principal: null, failure: "The credential was revoked" };
  return { principal: principalOf(record) };
}

async function fromBearer(
  c: Context<AuthMiddlewareEnv>,
  secret: string,
  options: AuthenticateOptions,
): Promise<Identification> {
  if (!SECRET_SHAPE.test(secret)) return { principal: null, failure: "The bearer credential is malformed" };
  const hash = await hashSecret(secret);
  if (await isBootstrapToken(c, hash)) return { principal: BOOTSTRAP_PRINCIPAL };
  return fromRecord(c, hash, "bearer", options);
}

async function fromAccess(
  c: Context<AuthMiddlewareEnv>,
  assertion: string,
  options: AuthenticateOptions,
): Promise<Identification> {
  const teamDomain = c.env.ACCESS_TEAM_DOMAIN;
  const audience = c.env.ACCESS_AUD;
  if (!teamDomain || !audience) return none;
  let email: string;
  try {
    email = await verifyAccessAssertion(assertion, { teamDomain, audience, keys: options.accessKeys });
  } catch (error) {
    console.warn(JSON.stringify({ level: "warn", event: "access_assertion_rejected", error: String(error) }));
    return { principal: null, failure: "The Cloudflare Access assertion did not verify" };
  }
  const identity = await credentialCache(c.env.AUTH_KV).getAccessIdentity(email);
  if (!identity)
    return { principal: null, failure: "No Tessera person is registered for this Access identity" };
  return { principal: { ...identity.principal, via: "access", credentialId: null } };
}

async function fromSessionCookie(
  c: Context<AuthMiddlewareEnv>,
  secret: string,
  options: AuthenticateOptions,
): Promise<Identification> {
  // SameSite=Strict keeps other sites out; this keeps out sibling origins of the same site too.
  if (!SAFE_METHODS.has(c.req.method)) {
    const origin = c.req.header("Origin");
    if (!origin || !allowedOrigins(c.env.ALLOWED_ORIGINS).includes(origin))
      return { principal: null, failure: "Cookie-authenticated changes must come from the console's origin" };
  }
  if (!SECRET_SHAPE.test(secret)) return { principal: null, failure: "The session cookie is malformed" };
  return fromRecord(c, await hashSecret(secret), "cookie", options);
}

async function identify(
  c: Context<AuthMiddlewareEnv>,
  options: AuthenticateOptions,
): Promise<Identification> {
  const authorization = c.req.header("Authorization");
  if (authorization !== undefined) {
    const [scheme = "", secret = ""] = authorization.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() === "bearer") return fromBearer(c, secret, options);
    // Terminals: their grant and proof of possession are checked by the terminal-auth middleware.
    if (scheme.toLowerCase() === "dpop") return none;
    return { principal: null, failure: `The ${scheme} Authorization scheme is not supported` };
  }
  const assertion = c.req.header(ACCESS_ASSERTION_HEADER);
  if (assertion) {
    const viaAccess = await fromAccess(c, assertion, options);
    if (viaAccess !== none) return viaAccess;
  }
  const session = readSessionCookie(c);
  if (session !== undefined) return fromSessionCookie(c, session, options);
  return none;
}

/**
 * The principal of this request, resolved on first use and remembered. A credential set by another
 * middleware first (a terminal's) is kept as it is.
 */
export async function resolvePrincipal(
  c: Context<AuthMiddlewareEnv>,
  options: AuthenticateOptions = {},
): Promise<Principal | null> {
  const known = c.get("principal");
  if (known !== undefined) return known;
  const { principal, failure } = await identify(c, options);
  c.set("principal", principal);
  c.set("authFailure", failure);
  return principal;
}

/**
 * Sets `c.var.principal` (null without a valid credential) and never refuses a request by itself (the
 * access check each route declares does that, so public routes stay public), except a client past its
 * `bearerFailures` limit.
 */
export function authenticate(options: AuthenticateOptions = {}) {
  return createMiddleware<AuthMiddlewareEnv>(async (c, next) => {
    const principal = await resolvePrincipal(c, options);
    const failures = options.bearerFailures;
    if (principal === null && failures && presentsBearer(c)) {
      const client = clientAddress(c);
      await enforceRateLimit(
        c,
        failures.limiter(c),
        `bearer-failure:${client}`,
        "failed bearer credentials",
        {
          periodSeconds: failures.periodSeconds,
          onRefused: failures.onRefused && (() => failures.onRefused!(c, client)),
        },
      );
    }
    await next();
  });
}

function presentsBearer(c: Context): boolean {
  const scheme = c.req.header("Authorization")?.trim().split(/\s+/, 1)[0] ?? "";
  return scheme.toLowerCase() === "bearer";
}
