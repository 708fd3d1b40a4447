/** `DELETE /v1/invitations/{invitationId}`: withdraws an invitation that was not yet accepted. */
import { z } from "@hono/zod-openapi";
import { TesseraError } from "@tessera/protocol";
import { createServiceRouter, problemResponses, secureRoute } from "@tessera/service-kit";
import { auditFirst } from "../../audit.ts";
import { invitationRepository } from "../../db/invitations.ts";
import type { PolicyEnv } from "../../env.ts";

const Params = z.object({
  invitationId: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "invitationId", in: "path" } }),
});

const route = secureRoute({
  method: "delete",
  path: "/invitations/{invitationId}",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Withdraw an open invitation",
  request: { params: Params },
  responses: { 204: { description: "Withdrawn" }, ...problemResponses(404, 503) },
});

export const revokeInvitation = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const { invitationId } = c.req.valid("param");
  const repo = invitationRepository(c.env.DB);
  const row = await repo.find(invitationId);
  if (!row || row.acceptedAt !== null || row.revokedAt !== null)
    throw new TesseraError("not_found", `No open invitation ${invitationId}`);
  await auditFirst(() =>
    c.var.audit("invitation.revoke", `invitation:${invitationId}`, { email: row.email }),
  );
  await repo.revoke(invitationId, new Date().toISOString());
  return c.body(null, 204);
});
