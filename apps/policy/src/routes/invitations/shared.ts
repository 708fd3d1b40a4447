/** Invitations' response shape, built from their row. */
import type { InvitationRow } from "../../db/invitations.ts";
import { Invitation } from "../../schemas/identity.ts";

export function invitationResponse(row: InvitationRow) {
  return Invitation.parse({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    revokedAt: row.revokedAt,
  });
}
