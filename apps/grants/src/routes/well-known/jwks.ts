/** `GET /.well-known/jwks.json`: the public keys that verify session grants, for any JOSE library. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { keyRing } from "../../keys/keyring.ts";
import { JwksDocument } from "../../schemas/jwk.ts";

/**
 * Five minutes at the edge and in clients, for the JWKS and the certificate key set alike: keys are
 * published a grant lifetime before they sign anything, so a set this old never lacks a key in use
 * (activation waits for this TTL too).
 */
export const KEY_SET_MAX_AGE_SECONDS = 300;

export const jwksRoute = secureRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["Keys"],
  summary: "The published grant keys (JWKS)",
  description:
    "Ed25519 keys (`alg` EdDSA) that verify session grants: `tessera-grant-<version>` for each key version, and `tessera-<version>` for a legacy version whose one key signed grants and certificates alike (until it is retired). The set holds the active version, a published version waiting to be activated, and superseded versions until what they signed has expired. Grants name their key in `kid`. Certificate keys are not here: see `/.well-known/tessera-certificate-keys.json`.",
  access: { public: true },
  responses: {
    200: { description: "The JWKS", content: { "application/json": { schema: JwksDocument } } },
    ...problemResponses(503),
  },
});

export const getJwks: RouteHandler<typeof jwksRoute, GrantsEnv> = async (c) => {
  c.header("Cache-Control", `public, max-age=${KEY_SET_MAX_AGE_SECONDS}`);
  return c.json(JwksDocument.parse(await keyRing(c.env).jwks()), 200);
};
