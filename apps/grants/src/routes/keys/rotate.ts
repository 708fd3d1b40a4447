/** `POST /v1/keys/rotate`: publishes the next key version; it signs nothing until activated. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { actorName } from "../../http/actor.ts";
import { keyRing } from "../../keys/keyring.ts";
import { SigningKey } from "../../schemas/keys.ts";
import { keyPolicyOf, signingKeyOf } from "./list.ts";

export const rotateKeyRoute = secureRoute({
  method: "post",
  path: "/keys/rotate",
  tags: ["Keys"],
  summary: "Publish the next signing-key version",
  description:
    "Creates version N+1 as `published`, with two new keys wrapped under the key-encryption key: a grant key (`tessera-grant-<N+1>`, in the JWKS) and a certificate key (`tessera-cert-<N+1>`, in the certificate key set). Both are published at once, so every grant fetched from now on carries them, but grants and certificates are still signed with N. Activate it once it has been published for a grant lifetime. One version may wait for activation at a time (`key_rotation_invalid` otherwise).",
  access: { roles: ["admin"], scopes: ["keys:write"] },
  responses: {
    201: { description: "The published key", content: { "application/json": { schema: SigningKey } } },
    ...problemResponses(409, 503),
  },
});

export const rotateKey: RouteHandler<typeof rotateKeyRoute, GrantsEnv> = async (c) => {
  const policy = await keyPolicyOf(c);
  const row = await keyRing(c.env).rotate(actorName(c));
  const key = signingKeyOf(row, policy, undefined);
  await c.var.audit("key.publish", `signing_key:${row.version}`, {
    version: row.version,
    kid: key.kid,
    certificateKid: key.certificateKey.kid,
    activatableAt: key.activatableAt,
    acceptedByPolicy: key.acceptedByPolicy,
  });
  return c.json(SigningKey.parse(key), 201);
};
