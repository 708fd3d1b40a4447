/** `POST /v1/invitations`: invites a person to register a passkey with a role; the token is shown once. */
import {
  actorOf,
  createServiceRouter,
  generateSecret,
  hashSecret,
  problemResponses,
  requirePrincipal,
  secureRoute,
} from "@tessera/service-kit";
import { auditOrUndo } from "../../audit.ts";
import { type InvitationRow, invitationRepository } from "../../db/invitations.ts";
import type { PolicyEnv } from "../../env.ts";
import { CreatedInvitation, CreateInvitation } from "../../schemas/identity.ts";
import { invitationResponse } from "./shared.ts";

const route = secureRoute({
  method: "post",
  path: "/invitations",
  access: { roles: ["admin"] },
  tags: ["Identity"],
  summary: "Invite a person to the console",
  description:
    "The invitee answers with `POST /v1/passkeys/registration-options` and `POST /v1/passkeys`, carrying the token. Inviting an existing person's email lets them add a passkey, with the invitation's role. Audited.",
  request: { body: { required: true, content: { "application/json": { schema: CreateInvitation } } } },
  responses: {
    201: {
      description: "The invitation, with its one-time token",
      content: { "application/json": { schema: CreatedInvitation } },
    },
    ...problemResponses(422, 503),
  },
});

export const createInvitation = createServiceRouter<PolicyEnv>().openapi(route, async (c) => {
  const body = c.req.valid("json");
  const token = generateSecret("invitation");
  const now = new Date();
  const row: InvitationRow = {
    id: `inv_${crypto.randomUUID()}`,
    tokenHash: await hashSecret(token),
    email: body.email.toLowerCase(),
    name: body.name,
    role: body.role,
    createdBy: actorOf(requirePrincipal(c)),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + body.expiresInHours * 3600_000).toISOString(),
    acceptedAt: null,
    revokedAt: null,
  };
  const repo = invitationRepository(c.env.DB);
  await repo.insert(row);
  await auditOrUndo(
    () =>
      c.var.audit("invitation.create", `invitation:${row.id}`, {
        email: row.email,
        role: row.role,
        expiresAt: row.expiresAt,
      }),
    () => repo.delete(row.id),
  );
  c.header("Cache-Control", "no-store");
  return c.json(CreatedInvitation.parse({ ...invitationResponse(row), token }), 201);
});
