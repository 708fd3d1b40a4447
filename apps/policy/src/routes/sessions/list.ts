/** `GET /v1/sessions`: live console sessions, to see who is signed in and end a session. */
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import { credentialRepository } from "../../db/credentials.ts";
import type { PolicyEnv } from "../../env.ts";
import { SessionList } from "../../schemas/identity.ts";

const route = secureRoute({
  method: "get",
  path: "/sessions",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "List live console sessions",
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: SessionList } } },
  },
});

export const listSessions = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const rows = await credentialRepository(c.env.DB).listLive("session", new Date().toISOString());
  return c.json(
    SessionList.parse({
      sessions: rows.map((row) => ({
        id: row.id,
        personId: row.personId,
        name: row.name,
        role: row.role,
        createdAt: row.createdAt,
        expiresAt: row.expiresAt,
      })),
    }),
    200,
  );
});
