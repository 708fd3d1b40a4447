/** `DELETE /v1/sessions/{sessionId}`: ends someone's console session on every Worker. */
import { z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import { auditFirst } from "../../audit.ts";
import type { PolicyEnv } from "../../env.ts";
import { credentialStore } from "../../identity/credentials.ts";

const Params = z.object({
  sessionId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "sessionId", in: "path" } }),
});

const route = secureRoute({
  method: "delete",
  path: "/sessions/{sessionId}",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Revoke a console session",
  request: { params: Params },
  responses: { 204: { description: "Revoked" }, ...problemResponses(404, 503) },
});

export const revokeSession = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const { sessionId } = c.req.valid("param");
  const store = credentialStore(c.env);
  const row = await store.repo.find(sessionId, "session");
  if (!row || row.revokedAt !== null) throw new TesseraError("not_found", `No live session ${sessionId}`);
  await auditFirst(() =>
    c.var.audit("session.revoke", `session:${sessionId}`, { personId: row.personId, name: row.name }),
  );
  await store.revoke(sessionId, "session");
  return c.body(null, 204);
});
