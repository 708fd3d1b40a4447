/** `DELETE /v1/admin-tokens/{tokenId}`: revokes an admin bearer token everywhere. */
import { z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import { auditFirst } from "../../audit.ts";
import type { PolicyEnv } from "../../env.ts";
import { credentialStore } from "../../identity/credentials.ts";

const Params = z.object({
  tokenId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "tokenId", in: "path" } }),
});

const route = secureRoute({
  method: "delete",
  path: "/admin-tokens/{tokenId}",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Revoke an admin bearer token",
  request: { params: Params },
  responses: { 204: { description: "Revoked" }, ...problemResponses(404, 503) },
});

export const revokeAdminToken = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const { tokenId } = c.req.valid("param");
  const store = credentialStore(c.env);
  const row = await store.repo.find(tokenId, "admin_token");
  if (!row || row.revokedAt !== null) throw new TesseraError("not_found", `No live admin token ${tokenId}`);
  await auditFirst(() =>
    c.var.audit("admin_token.revoke", `admin_token:${tokenId}`, { name: row.name, role: row.role }),
  );
  await store.revoke(tokenId, "admin_token");
  return c.body(null, 204);
});
