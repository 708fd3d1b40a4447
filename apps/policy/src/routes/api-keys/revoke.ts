/** `DELETE /v1/api-keys/{keyId}`: revokes a key here at once and on every Worker within a minute. */
import { z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import { auditFirst } from "../../audit.ts";
import type { PolicyEnv } from "../../env.ts";
import { credentialStore } from "../../identity/credentials.ts";

const Params = z.object({
  keyId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "keyId", in: "path" } }),
});

const route = secureRoute({
  method: "delete",
  path: "/api-keys/{keyId}",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Revoke a service API key",
  description:
    "Deletes the key's AUTH_KV mirror: refused here at once, by every Worker within a minute. Audited.",
  request: { params: Params },
  responses: { 204: { description: "Revoked" }, ...problemResponses(404, 503) },
});

export const revokeApiKey = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const { keyId } = c.req.valid("param");
  const store = credentialStore(c.env);
  const row = await store.repo.find(keyId, "api_key");
  if (!row || row.revokedAt !== null) throw new TesseraError("not_found", `No live API key ${keyId}`);
  await auditFirst(() =>
    c.var.audit("api_key.revoke", `api_key:${keyId}`, { name: row.name, scopes: row.scopes }),
  );
  await store.revoke(keyId, "api_key");
  return c.body(null, 204);
});
