/** `GET /v1/api-keys`: live API keys, never their secrets. */
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import { credentialRepository } from "../../db/credentials.ts";
import type { PolicyEnv } from "../../env.ts";
import { ApiKeyList } from "../../schemas/identity.ts";
import { apiKeyResponse } from "./shared.ts";

const route = secureRoute({
  method: "get",
  path: "/api-keys",
  access: { roles: ["auditor"] },
  tags: ["Identity"],
  summary: "List live service API keys",
  responses: {
    200: { description: "Live keys, newest first", content: { "application/json": { schema: ApiKeyList } } },
  },
});

export const listApiKeys = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const rows = await credentialRepository(c.env.DB).listLive("api_key", new Date().toISOString());
  return c.json(ApiKeyList.parse({ apiKeys: rows.map(apiKeyResponse) }), 200);
});
