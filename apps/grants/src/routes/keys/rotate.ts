/** `POST /v1/keys/rotate`: publishes the next key version; it signs nothing until activated. */
import type { RouteHandler } from "@hono/zod-openapi";
import { fleetOverrideOf, problemResponses, secureRoute } from "@tessera/service-kit";
import type { GrantsEnv } from "../../env.ts";
import { actorName } from "../../http/actor.ts";
import { keyRing } from "../../keys/keyring.ts";
import { splitKeysCheck } from "../../keys/split-keys-gate.ts";
import { RotateKeyRequest, SigningKey } from "../../schemas/keys.ts";
import { keyPolicyOf, signingKeyOf } from "./list.ts";

export const rotateKeyRoute = secureRoute({
  method: "post",
  path: "/keys/rotate",
  tags: ["Keys"],
  summary: "Publish the next signing-key version",
  description: [
    "Creates version N+1 as `published`, with two new keys wrapped under the key-encryption key: a grant key (`tessera-grant-<N+1>`, in the JWKS) and a certificate key (`tessera-cert-<N+1>`, in the certificate key set). Both are published at once, so every grant fetched from now on carries them, but grants and certificates are still signed with N. Activate it once it has been published for a grant lifetime. One version may wait for activation at a time (`key_rotation_invalid` otherwise).",
    "While every version so far is a legacy dual-purpose one, N+1 is the first split version, which terminal software from before ADR 0004 cannot use: it is published only once every active terminal has reported that it verifies split keys (reconciliation's fleet readiness, ADR 0005). Otherwise 409 `fleet_not_ready` with the terminals behind and unknown, or 503 `fleet_readiness_unavailable` when reconciliation cannot say; `override: true` with a `reason` publishes anyway, audited with the readiness it overrode.",
  ].join("\n\n"),
  access: { roles: ["admin"], scopes: ["keys:write"] },
  request: {
    body: { required: false, content: { "application/json": { schema: RotateKeyRequest } } },
  },
  responses: {
    201: { description: "The published key", content: { "application/json": { schema: SigningKey } } },
    ...problemResponses(409, 413, 415, 422, 503),
  },
});

export const rotateKey: RouteHandler<typeof rotateKeyRoute, GrantsEnv> = async (c) => {
  const body = c.req.valid("json") ?? { override: false };
  const policy = await keyPolicyOf(c);
  let fleet: Record<string, unknown> | undefined;
  const row = await keyRing(c.env).rotate(actorName(c), async (rows) => {
    fleet = await splitKeysCheck(c.env, rows, fleetOverrideOf(body));
  });
  const key = signingKeyOf(row, policy, undefined);
  await c.var.audit("key.publish", `signing_key:${row.version}`, {
    version: row.version,
    kid: key.kid,
    certificateKid: key.certificateKey.kid,
    activatableAt: key.activatableAt,
    acceptedByPolicy: key.acceptedByPolicy,
    ...(fleet ? { fleet } : {}),
  });
  return c.json(SigningKey.parse(key), 201);
};
