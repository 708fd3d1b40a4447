/**
 * How terminals authenticate to this Worker (session grant + DPoP proof, checked against this Worker's
 * own keys and the terminal's status in D1), and routes that admit terminals as well as people and
 * services: the kit's `secureRoute` admits one or the other, these admit either.
 */

import { type RouteAccess, SECURITY_SCHEMES, secureRoute, terminalAuth } from "@tessera/service-kit";
import type { MiddlewareHandler } from "hono";
import { dpopProofs } from "../db/dpop-proofs.ts";
import { terminals } from "../db/terminals.ts";
import type { GrantsEnv } from "../env.ts";
import { keyRing } from "../keys/keyring.ts";

/** Admits a terminal whose grant verifies against the JWKS and whose status in D1 is still active. */
export function grantsTerminalAuth() {
  return terminalAuth<GrantsEnv>({
    jwks: (c) => keyRing(c.env).jwks(),
    replay: (c) => dpopProofs(c.env.DB).store(),
    // D1, not a cache: a suspension or revocation takes effect here on the next request.
    terminalStatus: async (c, principal) => {
      const row = await terminals(c.env.DB).byId(principal.terminalId);
      return row && row.number === principal.terminalNumber ? row.status : "unknown";
    },
  });
}

const isDpop = (authorization: string | undefined) => /^dpop\s/i.test(authorization?.trim() ?? "");

type SecureRouteInput = Parameters<typeof secureRoute>[0];

/**
 * A route terminals may call with their grant, and people or services may call as `access` says. The
 * OpenAPI document lists both security schemes; `x-tessera-access` keeps the people/services rule (so
 * the route-table walk checks it) and `x-tessera-terminal` marks the terminal alternative.
 */
export function terminalOrSecureRoute<
  const R extends SecureRouteInput & { access: Exclude<RouteAccess, { public: true } | { terminal: true }> },
>(config: R) {
  const route = secureRoute(config);
  const [accessCheck] = route.middleware as unknown as [MiddlewareHandler<GrantsEnv>];
  const terminal = grantsTerminalAuth();
  const either: MiddlewareHandler<GrantsEnv> = (c, next) =>
    isDpop(c.req.header("Authorization")) ? terminal(c, next) : accessCheck(c, next);
  const { security } = route as { security?: Record<string, string[]>[] };
  return {
    ...route,
    description: `Terminals: a session grant with its DPoP proof. Otherwise: ${route.description}`,
    security: [{ [SECURITY_SCHEMES.terminal]: [] }, ...(security ?? [])],
    "x-tessera-terminal": true,
    middleware: [either] as unknown as typeof route.middleware,
  };
}
