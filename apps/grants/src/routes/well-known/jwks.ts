/** `GET /.well-known/jwks.json`: the public signing keys every verifier (and any JOSE library) uses. */
import type { RouteHandler } from "@hono/zod-openapi";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { keyRing } from "../../keys/keyring.ts";
import { JwksDocument } from "../../schemas/jwk.ts";

/**
 * Five minutes at the edge and in clients: keys are published a grant lifetime before they sign
 * anything, so a JWKS this old never lacks a key in use (activation waits for this TTL too).
 */
const MAX_AGE_SECONDS = 300;

export const jwksRoute = secureRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["Keys"],
  summary: "The published signing keys (JWKS)",
  description:
    "Ed25519 keys (`alg` EdDSA) named `tessera-<version>`: the active key, a published key waiting to be activated, and superseded keys until what they signed has expired. Grants name theirs in `kid`; card certificates carry the version.",
  access: { public: true },
  responses: {
    200: { description: "The JWKS", content: { "application/json": { schema: JwksDocument } } },
    ...problemResponses(503),
  },
});

export const getJwks: RouteHandler<typeof jwksRoute, GrantsEnv> = async (c) => {
  c.header("Cache-Control", `public, max-age=${MAX_AGE_SECONDS}`);
  return c.json(JwksDocument.parse(await keyRing(c.env).jwks()), 200);
};

export const wellKnownRoutes = createServiceRouter<GrantsEnv>().openapi(jwksRoute, getJwks);
