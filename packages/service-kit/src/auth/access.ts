/** What a route requires of its caller, and the one check that enforces it. */
import { TesseraError } from "@tessera/protocol";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type AuthMiddlewareEnv, resolvePrincipal } from "./authenticate.ts";
import type { Principal } from "./principal.ts";
import { type PersonRole, roleCovers, type Scope, weakestRole } from "./roles.ts";

/**
 * A route's access, as declared in its OpenAPI definition (`x-tessera-access`):
 * - `{ public: true }`: anyone, no credential;
 * - `{ terminal: true }`: a terminal with its session grant and DPoP proof;
 * - `{ roles }`: people holding one of the roles or a stronger one (admin ⊃ operator ⊃ auditor);
 * - `{ scopes }`: services whose API key carries any one of the scopes;
 * - `{ roles, scopes }`: either.
 * Admins (and the bootstrap admin) may call every route that people or services may call.
 */
export type RouteAccess =
  | { public: true }
  | { terminal: true }
  | { roles: PersonRole[]; scopes?: Scope[] }
  | { roles?: PersonRole[]; scopes: Scope[] };

export type AccessVerdict = "allowed" | "unauthenticated" | "forbidden";

export function isPublic(access: RouteAccess): access is { public: true } {
  return "public" in access && access.public === true;
}

export function isTerminalOnly(access: RouteAccess): access is { terminal: true } {
  return "terminal" in access && access.terminal === true;
}

/** Decides whether `principal` may call a route declaring `access`; pure, so it is tested on its own. */
export function judgeAccess(principal: Principal | null, access: RouteAccess): AccessVerdict {
  if (isPublic(access)) return "allowed";
  if (principal === null) return "unauthenticated";
  if (isTerminalOnly(access)) return principal.kind === "terminal" ? "allowed" : "forbidden";
  const { roles = [], scopes = [] } = access as { roles?: PersonRole[]; scopes?: Scope[] };
  switch (principal.kind) {
    case "bootstrap":
      return "allowed";
    case "user": {
      if (principal.role === "admin") return "allowed";
      const bar = weakestRole(roles);
      return bar !== undefined && roleCovers(principal.role, bar) ? "allowed" : "forbidden";
    }
    case "service":
      return scopes.some((scope) => principal.scopes.includes(scope)) ? "allowed" : "forbidden";
    case "terminal":
      return "forbidden";
  }
}

/** Plain words for what a route needs, for 403 details and the API reference. */
export function describeAccess(access: RouteAccess): string {
  if (isPublic(access)) return "Public: no credential needed.";
  if (isTerminalOnly(access)) return "Terminals only: a session grant with its DPoP proof.";
  const { roles = [], scopes = [] } = access as { roles?: PersonRole[]; scopes?: Scope[] };
  const parts: string[] = [];
  const bar = weakestRole(roles);
  if (bar === "admin") parts.push("people with the admin role");
  else if (bar) parts.push(`people with the ${bar} role or stronger`);
  else parts.push("admins");
  if (scopes.length > 0) parts.push(`API keys with ${scopes.map((scope) => `\`${scope}\``).join(" or ")}`);
  return `Requires ${parts.join(", or ")}.`;
}

/** The check a `secureRoute` runs before its validators and handler: 401 without a credential, 403 without the right. */
export function requireAccess(access: RouteAccess) {
  return createMiddleware<AuthMiddlewareEnv>(async (c, next) => {
    const principal = await resolvePrincipal(c);
    const verdict = judgeAccess(principal, access);
    if (verdict === "unauthenticated")
      throw new TesseraError("unauthenticated", c.get("authFailure") ?? "This route needs a credential");
    if (verdict === "forbidden") throw new TesseraError("forbidden", describeAccess(access));
    await next();
  });
}

/** The caller of a route that required a credential; throws `unauthenticated` when there is none. */
export function requirePrincipal(c: Context): Principal {
  const principal = (c as Context<AuthMiddlewareEnv>).get("principal");
  if (!principal) throw new TesseraError("unauthenticated", "This route needs a credential");
  return principal;
}
