/**
 * `GET /.well-known/tessera-certificate-keys.json`: the public keys that verify the terminal certificates on
 * cards, for terminals and phones. Kept apart from the JWKS so no JOSE library is handed a key that must
 * never verify a grant (ADR 0004).
 */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { keyRing } from "../../keys/keyring.ts";
import { CertificateKeyDocument } from "../../schemas/jwk.ts";
import { KEY_SET_MAX_AGE_SECONDS } from "./jwks.ts";

export const certificateKeysRoute = secureRoute({
  method: "get",
  path: "/.well-known/tessera-certificate-keys.json",
  tags: ["Keys"],
  summary: "The published certificate keys",
  description:
    'Ed25519 keys in JWKS form that verify terminal certificates: `tessera-cert-<version>` for each key version, and `tessera-<version>` for a legacy version whose one key signed grants and certificates alike (until it is retired). A certificate names its key by the version byte; read this set with `keysByVersion(set, "certificate")`. Grants are never verified with these keys.',
  access: { public: true },
  responses: {
    200: {
      description: "The certificate key set",
      content: { "application/json": { schema: CertificateKeyDocument } },
    },
    ...problemResponses(503),
  },
});

export const getCertificateKeys: RouteHandler<typeof certificateKeysRoute, GrantsEnv> = async (c) => {
  c.header("Cache-Control", `public, max-age=${KEY_SET_MAX_AGE_SECONDS}`);
  return c.json(CertificateKeyDocument.parse(await keyRing(c.env).certificateKeySet()), 200);
};
