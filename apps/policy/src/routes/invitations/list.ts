/** `GET /v1/invitations`: recent invitations and whether they were accepted. */
import { createServiceRouter, secureRoute } from "@tessera/service-kit";
import { invitationRepository } from "../../db/invitations.ts";
import type { PolicyEnv } from "../../env.ts";
import { InvitationList } from "../../schemas/identity.ts";
import { invitationResponse } from "./shared.ts";

const route = secureRoute({
  method: "get",
  path: "/invitations",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "List invitations",
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: InvitationList } } },
  },
});

export const listInvitations = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const rows = await invitationRepository(c.env.DB).list();
  return c.json(InvitationList.parse({ invitations: rows.map(invitationResponse) }), 200);
});
