/** `POST /v1/keys/{version}/activate`: the published key starts signing; the active one becomes `previous`. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { activatableAt } from "../../domain/key-lifecycle.ts";
import type { GrantsEnv } from "../../env.ts";
import { keyRing } from "../../keys/keyring.ts";
import { ActivateKeyRequest, KeyVersionParam, SigningKeyList } from "../../schemas/keys.ts";
import { keyPolicyOf, signingKeyOf } from "./list.ts";

export const activateKeyRoute = secureRoute({
  method: "post",
  path: "/keys/{version}/activate",
  tags: ["Keys"],
  summary: "Start signing with a published key",
  description: [
    "Allowed once the key has been published for one grant lifetime (plus the JWKS cache time), so every terminal holding a valid grant already knows it: card readers treat an unknown key version as damage (ADR 0002). `override: true` (with a `reason`, audited) activates earlier.",
    "Never allowed while the current policy's `keys.acceptedVersions` lacks the version: readers would refuse every card it signs.",
    "The previous key stays in the JWKS until every grant and certificate it signed has expired and the policy stops accepting it.",
  ].join("\n\n"),
  access: { roles: ["admin"], scopes: ["keys:write"] },
  request: {
    params: KeyVersionParam,
    body: { required: false, content: { "application/json": { schema: ActivateKeyRequest } } },
  },
  responses: {
    200: {
      description: "All keys after the activation",
      content: { "application/json": { schema: SigningKeyList } },
    },
    ...problemResponses(404, 409, 413, 415, 422, 503),
  },
});

export const activateKey: RouteHandler<typeof activateKeyRoute, GrantsEnv> = async (c) => {
  const { version } = c.req.valid("param");
  const body = c.req.valid("json") ?? { override: false };
  const policy = await keyPolicyOf(c);
  const ring = keyRing(c.env);
  const before = (await ring.rows()).find((row) => row.version === version);
  await ring.activate(version, policy, body.override);
  const now = Math.floor(Date.now() / 1000);
  const early =
    before !== undefined &&
    now <
      activatableAt(
        { version, status: before.status, publishedAt: before.published_at, supersededAt: null },
        policy,
      );
  await c.var.audit("key.activate", `signing_key:${version}`, {
    version,
    override: body.override && early,
    ...(body.reason ? { reason: body.reason } : {}),
  });
  const rows = await ring.rows();
  return c.json(SigningKeyList.parse({ keys: rows.map((row) => signingKeyOf(row, policy, undefined)) }), 200);
};
