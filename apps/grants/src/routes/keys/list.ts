/** `GET /v1/keys`: every signing-key version, its state and what still depends on it. */
import type { RouteHandler } from "@hono/zod-openapi";
import { problemResponses, secureRoute } from "@tessera/service-kit";
import { issuedGrants } from "../../db/issued-grants.ts";
import { isDualPurpose, type SigningKeyRow } from "../../db/signing-keys.ts";
import { activatableAt, type KeyPolicy } from "../../domain/key-lifecycle.ts";
import type { GrantsEnv } from "../../env.ts";
import { keyRing, publishedKeysOf } from "../../keys/keyring.ts";
import { currentPolicy } from "../../policy-source.ts";
import { type SigningKey, SigningKeyList } from "../../schemas/keys.ts";

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

export function signingKeyOf(
  row: SigningKeyRow,
  policy: KeyPolicy,
  use: { live_grants: number; last_expiry: number } | undefined,
): SigningKey {
  const published = publishedKeysOf(row);
  return {
    version: row.version,
    kid: published.grant.kid,
    status: row.status,
    publicKey: { kty: "OKP", crv: "Ed25519", x: published.grant.x },
    certificateKey: {
      kid: published.certificate.kid,
      publicKey: { kty: "OKP", crv: "Ed25519", x: published.certificate.x },
    },
    dualPurpose: isDualPurpose(row),
    publishedAt: iso(row.published_at)!,
    activatedAt: iso(row.activated_at),
    supersededAt: iso(row.superseded_at),
    retiredAt: iso(row.retired_at),
    activatableAt:
      row.status === "published"
        ? iso(
            activatableAt(
              { version: row.version, status: row.status, publishedAt: row.published_at, supersededAt: null },
              policy,
            ),
          )
        : null,
    liveGrants: use?.live_grants ?? 0,
    validUntil: iso(use?.last_expiry ?? null),
    acceptedByPolicy: policy.acceptedVersions.includes(row.version),
  };
}

export const listKeysRoute = secureRoute({
  method: "get",
  path: "/keys",
  tags: ["Keys"],
  summary: "List signing-key versions (grant and certificate keys) and their use",
  description:
    "Superseded keys whose grants and certificates have all expired, and which the policy no longer accepts, are retired (taken out of the JWKS) as a side effect of reading this list, and hourly.",
  access: { roles: ["auditor"], scopes: ["keys:read"] },
  responses: {
    200: { description: "Keys, oldest first", content: { "application/json": { schema: SigningKeyList } } },
    ...problemResponses(503),
  },
});

export async function keyPolicyOf(c: { env: GrantsEnv["Bindings"] }): Promise<KeyPolicy> {
  const policy = await currentPolicy(c.env.POLICY);
  return {
    grantLifetimeSeconds: policy.grant.lifetimeSeconds,
    acceptedVersions: policy.keys.acceptedVersions,
  };
}

export const listKeys: RouteHandler<typeof listKeysRoute, GrantsEnv> = async (c) => {
  const policy = await keyPolicyOf(c);
  const ring = keyRing(c.env);
  await ring.retireExpired(policy);
  ring.forget();
  const [rows, use] = await Promise.all([
    ring.rows(),
    issuedGrants(c.env.DB).liveUseByKey(Math.floor(Date.now() / 1000)),
  ]);
  return c.json(
    SigningKeyList.parse({ keys: rows.map((row) => signingKeyOf(row, policy, use.get(row.version))) }),
    200,
  );
};
