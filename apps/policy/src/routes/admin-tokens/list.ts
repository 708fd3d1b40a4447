/** `GET /v1/admin-tokens`: live admin bearer tokens, never their secrets. */
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import { credentialRepository } from "../../db/credentials.ts";
import type { PolicyEnv } from "../../env.ts";
import { AdminTokenList } from "../../schemas/identity.ts";
import { adminTokenResponse } from "./shared.ts";

const route = secureRoute({
  method: "get",
  path: "/admin-tokens",
  access: { roles: ["auditor"] },
  tags: ["Identity"],
  summary: "List live admin bearer tokens",
  responses: {
    200: {
      description: "Live tokens, newest first",
      content: { "application/json": { schema: AdminTokenList } },
    },
  },
});

export const listAdminTokens = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const rows = await credentialRepository(c.env.DB).listLive("admin_token", new Date().toISOString());
  return c.json(AdminTokenList.parse({ adminTokens: rows.map(adminTokenResponse) }), 200);
});
